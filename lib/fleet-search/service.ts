import "server-only";
import { budgetGate, budgetStats, forgetShared, shared } from "@/lib/aws/call-policy";
import {
  describeThingsIndex,
  getBucketsAggregation,
  getCardinality,
  getIndexingConfiguration,
  getPercentiles,
  getStatistics,
  searchIndex,
} from "@/lib/aws/fleet-index";
import type { GateStats, QuotaGate } from "@/lib/aws/quota-gate";
import { ThrottledError } from "@/lib/aws/quota-gate";
import { listThingTypes } from "@/lib/aws/thing-types";
import { systemClock } from "@/lib/async/token-bucket";
import type { AggregationResult, SearchCount, SearchFields, SearchPage, ThingSearchRow } from "./contract";
import { buildSearchFields } from "./fields";
import { DEFAULT_MAX_BUCKETS, type AggregateSpec } from "./request-params";

/**
 * The console's fleet search. Every fleet-index read spends the fleet-index budget of
 * lib/aws (rate limit, short-lived cache with coalescing, retry on throttling:
 * lib/aws/budgets.ts), shared with the drift view. Route handlers call these.
 */
export function fleetIndexGate(): QuotaGate {
  return budgetGate("fleetIndex");
}

/** Calls that reached AWS (retries included), cache hits, throttling: for the bench and tests. */
export function fleetIndexStats(): GateStats {
  return budgetStats("fleetIndex");
}

export async function searchPage(query: string, opts: { nextToken?: string | null; pageSize: number }): Promise<SearchPage> {
  const page = await searchIndex(query, { nextToken: opts.nextToken, maxResults: opts.pageSize });
  return { things: page.things, nextToken: page.nextToken, cached: page.cached };
}

/** The number of matching things: GetStatistics's count over `registry.version`, which every thing has. */
export async function countMatches(query: string): Promise<SearchCount> {
  return { count: (await getStatistics(query)).count };
}

export async function aggregate(query: string, spec: AggregateSpec): Promise<AggregationResult> {
  const { field } = spec;
  switch (spec.type) {
    case "buckets": {
      const value = await getBucketsAggregation(query, field, spec.maxBuckets ?? DEFAULT_MAX_BUCKETS);
      return { type: "buckets", field, totalCount: value.totalCount, buckets: value.buckets };
    }
    case "statistics":
      return { type: "statistics", field, ...(await getStatistics(query, field)) };
    case "percentiles":
      return { type: "percentiles", field, percentiles: await getPercentiles(query, field, spec.percents) };
    case "cardinality":
      return { type: "cardinality", field, cardinality: await getCardinality(query, field) };
  }
}

/** The field list changes when an admin edits the indexing configuration: a minute is fresh enough. */
const FIELDS_TTL_MS = 60_000;
const ATTRIBUTE_SAMPLE_SIZE = 100;
const FIELDS = { name: "fleet-search.fields", cacheMs: FIELDS_TTL_MS, maxEntries: 1 };

export async function searchFields(): Promise<SearchFields> {
  const fields = await shared(FIELDS, async () => {
    const [cfg, status] = await Promise.all([getIndexingConfiguration(), describeThingsIndex()]);
    if (cfg.thingIndexingMode === "OFF") return buildSearchFields(cfg, null, []);
    // Attribute names: thing types declare their searchable ones; a sample of things shows
    // the rest. Either may fail (a role without ListThingTypes, an index still building)
    // without failing the list.
    const [types, sample] = await Promise.allSettled([listThingTypes(), searchIndex("thingName:*", { maxResults: ATTRIBUTE_SAMPLE_SIZE })]);
    const names: string[] = [];
    if (types.status === "fulfilled") for (const t of types.value) names.push(...t.searchableAttributes);
    if (sample.status === "fulfilled") for (const thing of sample.value.things) names.push(...Object.keys(thing.attributes));
    return buildSearchFields(cfg, status, names);
  });
  // An index still (re)building will soon say ACTIVE (and show the attributes it lacked): ask again next time.
  if (fields.indexStatus !== "ACTIVE") forgetShared(FIELDS);
  return fields;
}

/**
 * How long an export keeps trying while AWS (or the console's own limiter) keeps
 * answering "throttled" before it gives up. Exports are long work: they wait their turn
 * rather than fail.
 */
export const EXPORT_THROTTLE_BUDGET_MS = 120_000;

/** Safety net against a backend that keeps returning a token: 10 million things. */
const EXPORT_MAX_PAGES = 100_000;

/**
 * Every page of a search, in order, for an export: one SearchIndex call per page of 100
 * through the rate limiter, not cached (a whole result would evict everyone's pages).
 * Throttling mid-way is waited out, up to EXPORT_THROTTLE_BUDGET_MS in a row. Stops when
 * `signal` aborts (the client went away).
 */
export async function* searchAllPages(query: string, opts: { signal?: AbortSignal; clock?: typeof systemClock } = {}): AsyncGenerator<ThingSearchRow[]> {
  const clock = opts.clock ?? systemClock;
  let token: string | null = null;
  for (let page = 0; page < EXPORT_MAX_PAGES; page++) {
    let throttledSince: number | null = null;
    let result: { things: ThingSearchRow[]; nextToken: string | null };
    for (;;) {
      try {
        const current: string | null = token;
        // Pages after the first are fetched while the response streams, outside the handler.
        result = await searchIndex(query, { nextToken: current, maxResults: 100, signal: opts.signal, afterResponse: true, cache: false });
        break;
      } catch (err) {
        if (!(err instanceof ThrottledError) || opts.signal?.aborted) throw err;
        throttledSince ??= clock.now();
        if (clock.now() - throttledSince > EXPORT_THROTTLE_BUDGET_MS) throw err;
        await clock.sleep(Math.max(250, err.retryAfterMs), opts.signal);
      }
    }
    if (result.things.length) yield result.things;
    if (!result.nextToken || result.nextToken === token) return;
    token = result.nextToken;
  }
}

import "server-only";
import {
  describeThingsIndex,
  getBucketsAggregation,
  getCardinality,
  getIndexingConfiguration,
  getPercentiles,
  getStatistics,
  searchIndex,
} from "@/lib/aws/fleet-index";
import { processSingleton } from "@/lib/aws/singleton";
import { listThingTypes } from "@/lib/aws/thing-types";
import { createTtlCache } from "@/lib/async/ttl-cache";
import { AppError } from "@/lib/errors";
import type { AggregationResult, SearchCount, SearchFields, SearchPage, ThingSearchRow } from "./contract";
import { buildSearchFields } from "./fields";
import { createQuotaGate, readQuotaConfig, ThrottledError, type GateStats, type QuotaGate } from "./quota-gate";
import { DEFAULT_MAX_BUCKETS, type AggregateSpec } from "./request-params";
import { systemClock } from "./token-bucket";

/**
 * The console's fleet search, quota-protected: every fleet-index call goes through one
 * gate per process (rate limit, short-lived cache with coalescing, retry on throttling;
 * lib/fleet-search/quota-gate.ts). Route handlers call these; nothing else calls the
 * fleet-index wrappers of lib/aws directly.
 */
export function fleetIndexGate(): QuotaGate {
  return processSingleton("fleet-search.gate", () =>
    createQuotaGate(readQuotaConfig(), { isThrottled: (e) => e instanceof AppError && e.code === "throttled" }),
  );
}

/** Calls that reached AWS (retries included), cache hits, throttling: for the bench and tests. */
export function fleetIndexStats(): GateStats {
  return fleetIndexGate().stats();
}

export async function searchPage(query: string, opts: { nextToken?: string | null; pageSize: number }): Promise<SearchPage> {
  const args = { queryString: query, nextToken: opts.nextToken ?? undefined, maxResults: opts.pageSize };
  const { value, cached } = await fleetIndexGate().call("SearchIndex", args, () => searchIndex(query, { nextToken: opts.nextToken, maxResults: opts.pageSize }));
  return { things: value.things, nextToken: value.nextToken, cached };
}

/** The number of matching things: GetStatistics's count over `registry.version`, which every thing has. */
export async function countMatches(query: string): Promise<SearchCount> {
  const { value } = await fleetIndexGate().call("GetStatistics", { queryString: query }, () => getStatistics(query));
  return { count: value.count };
}

export async function aggregate(query: string, spec: AggregateSpec): Promise<AggregationResult> {
  const gate = fleetIndexGate();
  const { field } = spec;
  switch (spec.type) {
    case "buckets": {
      const maxBuckets = spec.maxBuckets ?? DEFAULT_MAX_BUCKETS;
      const { value } = await gate.call("GetBucketsAggregation", { queryString: query, field, maxBuckets }, () => getBucketsAggregation(query, field, maxBuckets));
      return { type: "buckets", field, totalCount: value.totalCount, buckets: value.buckets };
    }
    case "statistics": {
      const { value } = await gate.call("GetStatistics", { queryString: query, field }, () => getStatistics(query, field));
      return { type: "statistics", field, ...value };
    }
    case "percentiles": {
      const percents = spec.percents;
      const { value } = await gate.call("GetPercentiles", { queryString: query, field, percents }, () => getPercentiles(query, field, percents));
      return { type: "percentiles", field, percentiles: value };
    }
    case "cardinality": {
      const { value } = await gate.call("GetCardinality", { queryString: query, field }, () => getCardinality(query, field));
      return { type: "cardinality", field, cardinality: value };
    }
  }
}

/** The field list changes when an admin edits the indexing configuration: a minute is fresh enough. */
const FIELDS_TTL_MS = 60_000;
const ATTRIBUTE_SAMPLE_SIZE = 100;
const fieldsCache = () => processSingleton("fleet-search.fields", () => createTtlCache<SearchFields>({ ttlMs: FIELDS_TTL_MS, maxEntries: 1 }));

export async function searchFields(): Promise<SearchFields> {
  const fields = await fieldsCache().get("fields", async () => {
    const gate = fleetIndexGate();
    const [{ value: cfg }, { value: status }] = await Promise.all([
      gate.call("GetIndexingConfiguration", {}, () => getIndexingConfiguration()),
      gate.call("DescribeIndex", {}, () => describeThingsIndex()),
    ]);
    if (cfg.thingIndexingMode === "OFF") return buildSearchFields(cfg, null, []);
    // Attribute names: thing types declare their searchable ones; a sample of things shows
    // the rest. Either may fail (a role without ListThingTypes, an index still building)
    // without failing the list.
    const [types, sample] = await Promise.allSettled([
      listThingTypes(),
      gate.call("SearchIndex", { queryString: "thingName:*", maxResults: ATTRIBUTE_SAMPLE_SIZE }, () => searchIndex("thingName:*", { maxResults: ATTRIBUTE_SAMPLE_SIZE })),
    ]);
    const names: string[] = [];
    if (types.status === "fulfilled") for (const t of types.value) names.push(...t.searchableAttributes);
    if (sample.status === "fulfilled") for (const thing of sample.value.value.things) names.push(...Object.keys(thing.attributes));
    return buildSearchFields(cfg, status, names);
  });
  // An index still (re)building will soon say ACTIVE (and show the attributes it lacked): ask again next time.
  if (fields.indexStatus !== "ACTIVE") fieldsCache().invalidate("fields");
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
  const gate = fleetIndexGate();
  const clock = opts.clock ?? systemClock;
  let token: string | null = null;
  for (let page = 0; page < EXPORT_MAX_PAGES; page++) {
    let throttledSince: number | null = null;
    let result: { things: ThingSearchRow[]; nextToken: string | null };
    for (;;) {
      try {
        const current: string | null = token;
        ({ value: result } = await gate.call(
          "SearchIndex",
          { queryString: query, nextToken: current ?? undefined, maxResults: 100 },
          // Pages after the first are fetched while the response streams, outside the handler.
          (signal) => searchIndex(query, { nextToken: current, maxResults: 100, signal, afterResponse: true }),
          { cache: false, signal: opts.signal },
        ));
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

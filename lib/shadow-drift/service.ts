import "server-only";
import { forgetShared, shared } from "@/lib/aws/call-policy";
import { describeThingsIndex, getBucketsAggregation, getIndexingConfiguration, getStatistics, searchIndex } from "@/lib/aws/fleet-index";
import { readEnv, type RawEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { filterThings, pendingKeyStats, toDriftThing, type DriftThing } from "./analysis";
import {
  ANY_SHADOW,
  CLASSIC_SHADOW,
  type DriftBreakdown,
  type DriftIndexing,
  type DriftKeys,
  type DriftSummary,
  type DriftThingFilter,
  type DriftThings,
  type PendingKeyStats,
  type ShadowDriftCount,
  type SnapshotCoverage,
} from "./contract";
import { GROUP_FIELD, TYPE_FIELD, driftedQuery, hasDeltaField, scopeShadows, withShadowQuery } from "./queries";

/**
 * The fleet's drift, read from the fleet index. Every call spends the fleet-index budget
 * of lib/aws (lib/aws/budgets.ts: rate limit, short-lived cache, coalescing, retry on
 * throttling), so the drift view shares the account's fleet-index quota, and identical
 * answers, with search.
 *
 * - The summary is aggregations only (seven or so calls, each cached by the budget).
 * - Pending keys and the drill-down list come from one **snapshot**: every drifted thing
 *   read page by page with SearchIndex (up to DRIFT_MAX_THINGS), its shadow JSON parsed.
 *   One snapshot serves every caller for DRIFT_SNAPSHOT_TTL_MS, and concurrent callers
 *   share the read in flight, so fifty operators watching the view cost one read per period.
 */

export interface DriftConfig {
  /** The most drifted things one snapshot reads (pages of 100). */
  maxThings: number;
  /** How long a snapshot serves every caller. */
  snapshotTtlMs: number;
}

export const DEFAULT_DRIFT_CONFIG: DriftConfig = { maxThings: 5_000, snapshotTtlMs: 15_000 };

/** DRIFT_MAX_THINGS (default 5000), DRIFT_SNAPSHOT_TTL_MS (default 15000). */
export function readDriftConfig(env?: RawEnv): DriftConfig {
  const { DRIFT_MAX_THINGS: maxThings, DRIFT_SNAPSHOT_TTL_MS: snapshotTtlMs } = readEnv(["DRIFT_MAX_THINGS", "DRIFT_SNAPSHOT_TTL_MS"], env);
  return { maxThings, snapshotTtlMs };
}

const PAGE_SIZE = 100;
/** Buckets asked for: drifted values shown, and the totals they are compared with. */
const TYPE_BUCKETS = { drifted: 100, totals: 100 };
const GROUP_BUCKETS = { drifted: 200, totals: 2_000 };

// ---------------------------------------------------------------- indexing

export async function driftIndexing(): Promise<DriftIndexing> {
  // The same reads as the search workbench's field list: one answer serves both.
  const [cfg, status] = await Promise.all([getIndexingConfiguration(), describeThingsIndex()]);
  const classic = cfg.thingIndexingMode === "REGISTRY_AND_SHADOW";
  return { classic, namedShadows: cfg.thingIndexingMode === "OFF" ? [] : cfg.namedShadows, connectivity: cfg.connectivity, indexStatus: status };
}

/** The shadows the index has: classic first, then the named ones. */
export function indexedShadows(indexing: DriftIndexing): string[] {
  return [...(indexing.classic ? [CLASSIC_SHADOW] : []), ...indexing.namedShadows.filter((n) => n !== CLASSIC_SHADOW)];
}

function checkScope(scope: string, indexed: readonly string[]): void {
  if (scope === ANY_SHADOW || indexed.includes(scope)) return;
  const known = indexed.length ? `Indexed shadows: ${indexed.join(", ")}.` : "No shadow is indexed.";
  throw new AppError("invalid_input", `The shadow '${scope}' is not indexed, so its drift is not known. ${known}`);
}

// ---------------------------------------------------------------- summary

const buckets = (query: string, field: string, maxBuckets: number) => getBucketsAggregation(query, field, maxBuckets);
const countMatches = async (query: string) => ({ count: (await getStatistics(query)).count });

async function breakdown(shadows: readonly string[], field: string, limits: { drifted: number; totals: number }): Promise<DriftBreakdown> {
  const [drifted, totals] = await Promise.all([buckets(driftedQuery(shadows), field, limits.drifted), buckets(withShadowQuery(shadows), field, limits.totals)]);
  const totalOf = new Map(totals.buckets.map((b) => [b.key, b.count]));
  const shown = drifted.buckets.reduce((n, b) => n + b.count, 0);
  return {
    field,
    drifted: drifted.totalCount,
    withShadow: totals.totalCount,
    buckets: drifted.buckets.map((b) => ({
      key: b.key,
      drifted: b.count,
      total: totalOf.get(b.key) ?? (totals.buckets.length < limits.totals ? b.count : null),
    })),
    // A thing may be in several groups, so the buckets can add up to more than the total.
    outside: Math.max(0, drifted.totalCount - shown),
    truncated: drifted.buckets.length >= limits.drifted,
  };
}

/**
 * One call per shadow: statistics of the Boolean `…hasDelta` over every thing. `count` is
 * the things that have the field (the shadow), `sum` those where it is true (AWS's Boolean
 * semantics), i.e. exactly what `…hasDelta:true` matches.
 */
async function shadowCount(shadow: string): Promise<ShadowDriftCount> {
  const r = await getStatistics("*", hasDeltaField(shadow));
  return { shadow, drifted: Math.round(r.sum ?? 0), withShadow: r.count };
}

export async function driftSummary(scope: string): Promise<DriftSummary> {
  const indexing = await driftIndexing();
  const indexed = indexedShadows(indexing);
  checkScope(scope, indexed);
  const generatedAtMs = Date.now();
  if (indexed.length === 0) {
    const { count } = await countMatches("*").catch(() => ({ count: 0 }));
    return {
      indexing,
      totalThings: count,
      shadows: [],
      any: { shadow: ANY_SHADOW, drifted: 0, withShadow: 0 },
      scope,
      query: null,
      byType: null,
      byGroup: null,
      generatedAtMs,
    };
  }
  const inScope = scopeShadows(scope, indexed);
  // With every shadow in scope, the type breakdown's totals are the "any shadow" counts: two calls saved.
  const anyFromBreakdown = scope === ANY_SHADOW || indexed.length === 1;
  const [total, shadows, any, byType, byGroup] = await Promise.all([
    countMatches("*"),
    Promise.all(indexed.map(shadowCount)),
    anyFromBreakdown ? null : Promise.all([countMatches(driftedQuery(indexed)), countMatches(withShadowQuery(indexed))]),
    breakdown(inScope, TYPE_FIELD, TYPE_BUCKETS),
    breakdown(inScope, GROUP_FIELD, GROUP_BUCKETS),
  ]);
  return {
    indexing,
    totalThings: total.count,
    shadows,
    any: any
      ? { shadow: ANY_SHADOW, drifted: any[0].count, withShadow: any[1].count }
      : indexed.length === 1
        ? { ...shadows[0]!, shadow: ANY_SHADOW }
        : { shadow: ANY_SHADOW, drifted: byType.drifted, withShadow: byType.withShadow },
    scope,
    query: driftedQuery(inScope),
    byType,
    byGroup,
    generatedAtMs,
  };
}

// ---------------------------------------------------------------- snapshot

export interface DriftSnapshot {
  coverage: SnapshotCoverage;
  indexed: string[];
  things: DriftThing[];
  keys: PendingKeyStats[];
}

const SNAPSHOT = { name: "shadow-drift.snapshot", maxEntries: 1 };

/** Drops the snapshot (tests; the next call reads afresh). */
export function resetDriftSnapshot(): void {
  forgetShared({ ...SNAPSHOT, cacheMs: 0 });
}

/** Every drifted thing (up to the cap), parsed and counted; shared by all callers for the snapshot period. */
export function driftSnapshot(): Promise<DriftSnapshot> {
  const config = readDriftConfig();
  return shared({ ...SNAPSHOT, cacheMs: config.snapshotTtlMs }, () => readSnapshot(config.maxThings));
}

/** Reads a snapshot now, bypassing the shared one (tests of the cap). */
export async function readSnapshot(maxThings: number): Promise<DriftSnapshot> {
  const indexing = await driftIndexing();
  const indexed = indexedShadows(indexing);
  const analysedAtMs = Date.now();
  if (indexed.length === 0) return { coverage: { analysedAtMs, drifted: 0, analysed: 0, capped: false, cap: maxThings }, indexed, things: [], keys: [] };

  const query = driftedQuery(indexed);
  const named = indexing.namedShadows;
  const things: DriftThing[] = [];
  const seen = new Set<string>();
  let token: string | null = null;
  let capped = false;
  for (;;) {
    const page = await searchIndex(query, { nextToken: token, maxResults: Math.min(PAGE_SIZE, maxThings - seen.size) });
    for (const row of page.things) {
      // An index changing under the pages may repeat a thing: count it once.
      if (seen.has(row.thingName)) continue;
      seen.add(row.thingName);
      const t = toDriftThing(row, named);
      if (t) things.push(t);
    }
    if (!page.nextToken || page.nextToken === token) break;
    if (seen.size >= maxThings) {
      capped = true;
      break;
    }
    token = page.nextToken;
  }
  // Read to the end, the snapshot is the count; capped, the index says how many there are in all.
  const drifted = capped
    ? Math.max(
        seen.size,
        await countMatches(query).then(
          (r) => r.count,
          () => 0,
        ),
      )
    : seen.size;
  return {
    coverage: { analysedAtMs, drifted, analysed: seen.size, capped, cap: maxThings },
    indexed,
    things,
    keys: pendingKeyStats(things, Math.floor(analysedAtMs / 1000)),
  };
}

export async function driftKeys(): Promise<DriftKeys> {
  const snap = await driftSnapshot();
  return { ...snap.coverage, keys: snap.keys };
}

export async function driftThings(filter: DriftThingFilter, limit: number): Promise<DriftThings> {
  const snap = await driftSnapshot();
  checkScope(filter.scope, snap.indexed);
  const { matched, rows } = filterThings(snap.things, filter, limit);
  return { ...snap.coverage, filter, matched, rows, limit };
}

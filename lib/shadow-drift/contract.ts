/**
 * The contract between the drift view (browser) and the console's drift API (route
 * handlers under app/api/drift). App types only; shared by server and browser code, so
 * dependency-free.
 *
 * Routes (all GET, guarded by `fleet.read`; errors answer `{ error: AppErrorData }`, and
 * throttling 429 + Retry-After like the search API):
 *   /api/drift/summary?shadow=<scope>            -> DriftSummary  (fleet-index aggregations)
 *   /api/drift/keys                              -> DriftKeys     (pending keys, from the drift snapshot)
 *   /api/drift/things?shadow&type&group&key&limit -> DriftThings  (drifted things, from the drift snapshot)
 *
 * "Drift" is desired shadow state an agent has not applied yet: the shadow's delta.
 * Shadow timestamps are epoch **seconds** (`…Sec`); connectivity timestamps are epoch
 * milliseconds (`…Ms`).
 */

/** The classic (unnamed) shadow, as the drift view and the thing page's `?shadow=` name it. */
export const CLASSIC_SHADOW = "classic";

/** Every indexed shadow at once. */
export const ANY_SHADOW = "any";

/** `any`, `classic` or the name of an indexed named shadow. */
export type DriftScope = string;

/** What the fleet index indexes, from the indexing configuration. */
export interface DriftIndexing {
  /** The classic shadow is indexed (thingIndexingMode REGISTRY_AND_SHADOW). */
  classic: boolean;
  /** Named shadows listed in the indexing filter (namedShadowIndexingMode ON). */
  namedShadows: string[];
  connectivity: boolean;
  /** ACTIVE, BUILDING, REBUILDING; null when indexing is off. */
  indexStatus: "ACTIVE" | "BUILDING" | "REBUILDING" | null;
}

/** Drift of one shadow across the fleet. */
export interface ShadowDriftCount {
  /** `classic` or a named shadow. */
  shadow: string;
  /** Things that have this shadow (indexed). */
  withShadow: number;
  /** Things whose shadow has a delta (`…hasDelta:true`). */
  drifted: number;
}

/** One value of a breakdown (a thing type or a thing group). */
export interface DriftBucket {
  key: string;
  /** Drifted things with this value. */
  drifted: number;
  /** Things with this value that have the shadow(s) in scope; null when the index did not say (beyond the bucket limit). */
  total: number | null;
}

export interface DriftBreakdown {
  /** The aggregated index field (`registry.thingTypeName`, `registry.thingGroupNames`). */
  field: string;
  /** Drifted things in scope (the aggregation's total). */
  drifted: number;
  /** Things that have the shadow(s) in scope (the totals aggregation's total). */
  withShadow: number;
  /** Highest drifted count first. */
  buckets: DriftBucket[];
  /** Drifted things counted in no bucket shown: no value (a thing without a type), or beyond the bucket limit. */
  outside: number;
  /** The index had more values than were asked for. */
  truncated: boolean;
}

export interface DriftSummary {
  indexing: DriftIndexing;
  /** Every thing in the index. */
  totalThings: number;
  /** The classic shadow first (when indexed), then each indexed named shadow. */
  shadows: ShadowDriftCount[];
  /** Things with a delta in any indexed shadow, and things with any indexed shadow. */
  any: ShadowDriftCount;
  /** The scope the breakdowns are for. */
  scope: DriftScope;
  /** The fleet query of drifted things in scope (for "open in Search"); null when nothing is indexed. */
  query: string | null;
  byType: DriftBreakdown | null;
  byGroup: DriftBreakdown | null;
  generatedAtMs: number;
}

/** Age classes of pending keys, by how long ago desired was written (upper bounds in seconds; the last is open). */
export const AGE_CLASSES: ReadonlyArray<{ label: string; maxSec: number }> = [
  { label: "< 5 min", maxSec: 5 * 60 },
  { label: "5 min – 1 h", maxSec: 3600 },
  { label: "1 h – 1 d", maxSec: 86_400 },
  { label: "1 – 7 d", maxSec: 7 * 86_400 },
  { label: "> 7 d", maxSec: Infinity },
];

/** One desired key path of one shadow, pending on some things. */
export interface PendingKeyStats {
  shadow: string;
  /** Flattened with dots: `policy.mode`, `blocklist.version`. */
  path: string;
  /** Things on which it is pending. */
  things: number;
  /** Of those, connected now (an agent that is online and still has not applied it). */
  connected: number;
  /** Of those, the agent reports no value at this path at all (it may not know the key). */
  notReported: number;
  /** Of those, the agent reports an error applying it (`reported.lastError` naming the key). */
  failing: number;
  /** When desired was written on the thing where it has waited longest (epoch seconds); null when no timestamp is known. */
  oldestSinceSec: number | null;
  /** Median of when desired was written (epoch seconds). */
  medianSinceSec: number | null;
  /** Things per AGE_CLASSES entry (at the snapshot's time), then those without a timestamp. */
  ageClasses: number[];
}

/** How complete the drift snapshot is: the drifted things read, out of those the index counts. */
export interface SnapshotCoverage {
  /** When the snapshot was read. */
  analysedAtMs: number;
  /** Drifted things in all: those read, when the snapshot read to the end; the index's count when it stopped at the cap. */
  drifted: number;
  /** Drifted things read and analysed. */
  analysed: number;
  /** Reading stopped at the cap (a large fleet): the numbers are a sample, the first `analysed` things. */
  capped: boolean;
  /** The most things one snapshot reads (DRIFT_MAX_THINGS). */
  cap: number;
}

export interface DriftKeys extends SnapshotCoverage {
  /** Most pending first. */
  keys: PendingKeyStats[];
}

/** A pending key on one thing. */
export interface PendingKey {
  shadow: string;
  path: string;
  /** When desired was written (epoch seconds); null when the metadata has no timestamp. */
  sinceSec: number | null;
  /** The agent reports some (different) value at this path. */
  reported: boolean;
  /**
   * The agent says it failed to apply this key: the code of its `reported.lastError`
   * (`{code, message, at, keys}`, the fleet's agent convention) when `keys` names the path.
   */
  error: string | null;
}

export interface DriftThingRow {
  thingName: string;
  thingTypeName: string | null;
  thingGroupNames: string[];
  /** null when connectivity is not indexed. */
  connected: boolean | null;
  /** When it last connected or disconnected (epoch ms). */
  connectivityChangedAtMs: number | null;
  /** Why it disconnected, as AWS says it (`CONNECTION_LOST`); null when connected or unknown. */
  disconnectReason: string | null;
  /** The shadows (in scope) with a delta. */
  shadows: string[];
  /** Pending keys in scope, oldest first. */
  pending: PendingKey[];
  /** The oldest pending key's desired timestamp (epoch seconds). */
  oldestSinceSec: number | null;
}

export interface DriftThingFilter {
  scope: DriftScope;
  type: string | null;
  group: string | null;
  key: string | null;
}

export interface DriftThings extends SnapshotCoverage {
  filter: DriftThingFilter;
  /** Drifted things in the snapshot that match the filter. */
  matched: number;
  /** The first `limit` of them, oldest pending first. */
  rows: DriftThingRow[];
  limit: number;
}

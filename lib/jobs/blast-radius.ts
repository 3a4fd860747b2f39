import { parseQuery, QUERY_LIMITS } from "@/lib/fleet-query";
import type { JobDraft } from "./draft";

/**
 * The blast radius of a rollout before it is created: how many things it reaches and
 * how they break down. Pure: which fleet-index queries describe the targets (each one
 * within AWS's 12 terms), and how their aggregation answers add up. The server side
 * (./blast-radius-service.ts) runs the queries; bounded work: a few calls per query,
 * at most MAX_SCOPE_QUERIES queries and MAX_ACTIVE_JOBS other jobs.
 */

export type DraftTargets = JobDraft["targets"];

export interface Bucket {
  key: string;
  count: number;
}

export interface OfflineBucket {
  /** Offline for at least this many minutes, and less than `maxMinutes` (null: no upper bound). */
  minMinutes: number;
  maxMinutes: number | null;
  count: number;
}

export interface BlastRadius {
  /** Things the job reaches now; null when it cannot be counted (see notes). */
  total: number | null;
  /** The breakdown covers a sample of the targets (named things beyond the sample are counted, not broken down). */
  sample: { things: number } | null;
  byThingType: Bucket[];
  /** Null when no agent-version field is indexed for aggregation. */
  byAgentVersion: Bucket[] | null;
  agentVersionField: string | null;
  byGroup: Bucket[];
  /** Null when connectivity is not indexed. */
  connectivity: { online: number; offline: OfflineBucket[]; unknown: number } | null;
  /** Other active jobs and how many of these targets they also reach (null: not computable within the query limits). */
  activeJobs: Array<{ jobId: string; status: string; overlap: number | null }>;
  moreActiveJobs: boolean;
  notes: string[];
  computedAtMs: number;
}

/** Queries run per scope query: count, three bucket aggregations, online and offline counts. */
export const MAX_SCOPE_QUERIES = 10;
export const MAX_ACTIVE_JOBS = 10;
/** Names per query when targets are named: leaves room for the connectivity terms added to each. */
export const NAMES_PER_QUERY = QUERY_LIMITS.maxTerms - 3;
export const TOP_BUCKETS = 10;

/** A value as a query term: quoted when it starts with "-" (which would mean NOT) or has characters the grammar reads. */
export function termValue(v: string): string {
  return /^[A-Za-z0-9_:.]+[A-Za-z0-9_:.*-]*$/.test(v) && !v.startsWith("-") ? v : `"${v.replace(/["\\]/g, "\\$&")}"`;
}

const anyOf = (field: string, values: readonly string[]) =>
  values.length === 1 ? `${field}:${termValue(values[0]!)}` : `${field}:(${values.map(termValue).join(" OR ")})`;

export function termCount(query: string): number | null {
  const p = parseQuery(query);
  return p.ok ? p.termCount : null;
}

export interface TargetScope {
  /** Disjoint queries whose matches together are the targets (answers add up). */
  queries: string[];
  /** Things the targets name, when they are named (exact, even when only a sample is broken down). */
  namedCount: number | null;
  sampled: boolean;
  notes: string[];
}

export interface GroupInfo {
  /** The dynamic group's query, or null for a static group. */
  dynamicQuery: string | null;
  /** Every descendant of a static group (a job reaches the things of child groups too). */
  descendants: string[];
}

/**
 * The queries that describe `targets`. Named things: chunks of NAMES_PER_QUERY names
 * (disjoint by construction), the first MAX_SCOPE_QUERIES of them. Groups: one query,
 * static groups with their descendants by `thingGroupNames`, dynamic groups by their own
 * query; when that passes 12 terms the child groups are left out (said in a note).
 */
export function targetScope(targets: DraftTargets, groups: ReadonlyMap<string, GroupInfo>): TargetScope {
  const notes: string[] = [];
  if (targets.kind === "things") {
    const names = [...new Set(targets.thingNames)];
    const chunks: string[] = [];
    for (let i = 0; i < names.length && chunks.length < MAX_SCOPE_QUERIES; i += NAMES_PER_QUERY)
      chunks.push(anyOf("thingName", names.slice(i, i + NAMES_PER_QUERY)));
    const sampled = names.length > MAX_SCOPE_QUERIES * NAMES_PER_QUERY;
    if (sampled) notes.push(`The breakdown covers the first ${MAX_SCOPE_QUERIES * NAMES_PER_QUERY} of the ${names.length} named things.`);
    return { queries: chunks, namedCount: names.length, sampled, notes };
  }
  if (targets.kind === "query") {
    const q = targets.query.trim();
    return { queries: q ? [q] : [], namedCount: null, sampled: false, notes };
  }
  const statics: string[] = [];
  const staticWithChildren: string[] = [];
  const dynamics: string[] = [];
  for (const name of targets.groupNames) {
    const g = groups.get(name);
    if (!g) {
      notes.push(`The group ${name} was not found.`);
      continue;
    }
    if (g.dynamicQuery !== null) dynamics.push(`(${g.dynamicQuery})`);
    else {
      statics.push(name);
      staticWithChildren.push(name, ...g.descendants);
    }
  }
  const build = (staticNames: string[]) => [...(staticNames.length ? [anyOf("thingGroupNames", [...new Set(staticNames)])] : []), ...dynamics].join(" OR ");
  let query = build(staticWithChildren);
  const terms = termCount(query);
  if (staticWithChildren.length > statics.length && (terms === null || terms > QUERY_LIMITS.maxTerms)) {
    query = build(statics);
    notes.push("The groups have too many child groups for one fleet query: the breakdown counts the groups' direct members only.");
  }
  return { queries: query ? [query] : [], namedCount: null, sampled: false, notes };
}

/** `scope AND extra`, or null when that would pass AWS's 12 terms. */
export function narrowed(scope: string, extra: string): string | null {
  const q = `(${scope}) AND ${extra}`;
  const n = termCount(q);
  return n !== null && n <= QUERY_LIMITS.maxTerms ? q : null;
}

/** The offline-age thresholds in minutes: an hour, and the in-progress timeout (a day without one). */
export function offlineThresholds(timeoutMinutes: number | null): number[] {
  return [...new Set([60, timeoutMinutes ?? 1440])].sort((a, b) => a - b);
}

/** The connectivity filters of the offline buckets at `nowMs` (timestamps are epoch ms in the index). */
export function offlineFilters(nowMs: number, thresholds: readonly number[]): Array<{ minMinutes: number; maxMinutes: number | null; filter: string }> {
  const bounds = [0, ...thresholds];
  return bounds.map((min, i) => {
    const max = bounds[i + 1] ?? null;
    const parts = ["connectivity.connected:false"];
    // Offline at least `min` minutes: disconnected at or before now - min.
    if (min > 0) parts.push(`connectivity.timestamp<=${nowMs - min * 60_000}`);
    if (max !== null) parts.push(`connectivity.timestamp>${nowMs - max * 60_000}`);
    return { minMinutes: min, maxMinutes: max, filter: parts.join(" AND ") };
  });
}

/** Buckets of disjoint queries added up, largest first (ties by key), the top `limit`. */
export function mergeBuckets(parts: ReadonlyArray<readonly Bucket[]>, limit = TOP_BUCKETS): Bucket[] {
  const sum = new Map<string, number>();
  for (const part of parts) for (const b of part) sum.set(b.key, (sum.get(b.key) ?? 0) + b.count);
  return [...sum]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}

/** The query that matches another job's targets: its things by name and its groups by `thingGroupNames`; null when too large for a query. */
export function jobTargetsQuery(targetArns: readonly string[]): string | null {
  const things: string[] = [];
  const groups: string[] = [];
  for (const arn of targetArns) {
    const m = /:(thing|thinggroup)\/(.+)$/.exec(arn);
    if (m?.[1] === "thing") things.push(m[2]!);
    else if (m?.[1] === "thinggroup") groups.push(m[2]!);
  }
  const parts = [...(things.length ? [anyOf("thingName", things)] : []), ...(groups.length ? [anyOf("thingGroupNames", groups)] : [])];
  if (!parts.length || things.length + groups.length > QUERY_LIMITS.maxTerms) return null;
  return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
}

/** The agent-version field to aggregate on: the first of these the index declares for aggregation. */
export const AGENT_VERSION_FIELDS = ["shadow.reported.agent.version", "attributes.agentVersion"] as const;

export function agentVersionField(customFields: ReadonlyArray<{ name: string }>): string | null {
  return AGENT_VERSION_FIELDS.find((f) => customFields.some((c) => c.name === f)) ?? null;
}

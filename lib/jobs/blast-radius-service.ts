import "server-only";
import { getBucketsAggregation, getIndexingConfiguration, getStatistics } from "@/lib/aws/fleet-index";
import { describeThingGroup, getGroupTree } from "@/lib/aws/groups";
import { listActiveJobTargets } from "@/lib/aws/jobs-create";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { AppError } from "@/lib/errors";
import type { GroupNode } from "@/lib/groups/types";
import {
  agentVersionField,
  jobTargetsQuery,
  MAX_ACTIVE_JOBS,
  mergeBuckets,
  narrowed,
  offlineFilters,
  offlineThresholds,
  targetScope,
  TOP_BUCKETS,
  type BlastRadius,
  type DraftTargets,
  type GroupInfo,
} from "./blast-radius";

/**
 * Runs the blast-radius queries (./blast-radius.ts) against the fleet index: every call
 * spends the fleet-index budget and its short cache, so the wizard's repeated previews
 * of the same targets cost little. Other jobs' targets come from the jobs budget.
 */

function descendantsOf(roots: readonly GroupNode[], name: string): string[] | null {
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.name === name) {
      const out: string[] = [];
      const walk = [...n.children];
      while (walk.length) {
        const c = walk.pop()!;
        out.push(c.name);
        walk.push(...c.children);
      }
      return out;
    }
    stack.push(...n.children);
  }
  return null;
}

/** What the scope needs to know of each named group (dynamic query, descendants); missing groups are left out. */
export async function groupInfo(names: readonly string[]): Promise<Map<string, GroupInfo>> {
  const tree = names.length ? await getGroupTree() : null;
  const details = await mapWithConcurrency([...new Set(names)], 4, (n) => describeThingGroup(n));
  const out = new Map<string, GroupInfo>();
  for (const d of details) {
    if (!d) continue;
    out.set(d.name, { dynamicQuery: d.dynamicQuery, descendants: d.dynamicQuery ? [] : (descendantsOf(tree?.roots ?? [], d.name) ?? []) });
  }
  return out;
}

const count = async (q: string | null) => (q === null ? null : (await getStatistics(q)).count);

/**
 * The blast radius of `targets` at `nowMs`; `timeoutMinutes` sets the offline-age threshold.
 * `namedCount`: how many things the operator named when only a sample of the names was sent.
 */
export async function blastRadius(
  targets: DraftTargets,
  opts: { timeoutMinutes: number | null; nowMs: number; namedCount?: number | null },
): Promise<BlastRadius> {
  const groups = targets.kind === "groups" ? await groupInfo(targets.groupNames) : new Map<string, GroupInfo>();
  const scope = targetScope(targets, groups);
  const notes = [...scope.notes];
  const config = await getIndexingConfiguration();
  if (config.thingIndexingMode === "OFF")
    throw new AppError("unavailable", "Fleet indexing is off: the blast radius needs it. An admin can turn it on in the indexing configuration.");
  const versionField = agentVersionField(config.customFields);
  if (!versionField)
    notes.push("No agent-version field is indexed for aggregation (attributes.agentVersion or shadow.reported.agent.version as a custom field).");
  const filters = offlineFilters(opts.nowMs, offlineThresholds(opts.timeoutMinutes));

  const perScope = await mapWithConcurrency(scope.queries, 2, async (q) => {
    const [total, byType, byVersion, byGroup] = await Promise.all([
      count(q),
      getBucketsAggregation(q, "registry.thingTypeName", TOP_BUCKETS),
      versionField ? getBucketsAggregation(q, versionField, TOP_BUCKETS) : null,
      getBucketsAggregation(q, "registry.thingGroupNames", TOP_BUCKETS),
    ]);
    const connectivity = config.connectivity
      ? await Promise.all([count(narrowed(q, "connectivity.connected:true")), ...filters.map((f) => count(narrowed(q, f.filter)))])
      : null;
    return { total: total ?? 0, byType: byType.buckets, byVersion: byVersion?.buckets ?? null, byGroup: byGroup.buckets, connectivity };
  });

  const sampleTotal = perScope.reduce((n, s) => n + s.total, 0);
  // Named things beyond the sample are counted by name; everything else by the index.
  const namedCount = opts.namedCount ?? scope.namedCount;
  const sampled = namedCount !== null && namedCount > (scope.namedCount ?? 0) ? true : scope.sampled;
  if (sampled)
    notes.splice(
      0,
      notes.length,
      ...notes.filter((n) => !n.startsWith("The breakdown covers")),
      `The breakdown covers a sample of ${sampleTotal} of the ${namedCount} named things.`,
    );
  else if (scope.namedCount !== null && scope.namedCount > sampleTotal) {
    notes.push(`${scope.namedCount - sampleTotal} of the named things are not in the fleet index (unknown names, or not indexed yet).`);
  }
  let connectivity: BlastRadius["connectivity"] = null;
  if (config.connectivity) {
    if (perScope.some((s) => s.connectivity?.some((c) => c === null)))
      notes.push("The targets' query is too long to break connectivity down (AWS allows 12 terms).");
    else {
      const online = perScope.reduce((n, s) => n + (s.connectivity?.[0] ?? 0), 0);
      const offline = filters.map((f, i) => ({
        minMinutes: f.minMinutes,
        maxMinutes: f.maxMinutes,
        count: perScope.reduce((n, s) => n + (s.connectivity?.[i + 1] ?? 0), 0),
      }));
      connectivity = { online, offline, unknown: Math.max(0, sampleTotal - online - offline.reduce((n, b) => n + b.count, 0)) };
    }
  } else notes.push("Connectivity is not indexed: online and offline counts are unknown.");

  // Other active jobs: how many of these targets they reach too (one count each, bounded).
  // A failure here (no Jobs permission, a backend without Jobs) leaves the rest of the preview standing.
  const active = await listActiveJobTargets(MAX_ACTIVE_JOBS).catch((err: unknown) => {
    notes.push(`Other active jobs could not be read: ${err instanceof AppError ? err.message : "unexpected error"}`);
    return { jobs: [], more: false };
  });
  const activeJobs = await mapWithConcurrency(active.jobs, 2, async (j) => {
    const jq = jobTargetsQuery(j.targets);
    if (jq === null) return { jobId: j.jobId, status: j.status, overlap: null };
    const counts = await Promise.all(scope.queries.map((q) => count(narrowed(q, jq))));
    return { jobId: j.jobId, status: j.status, overlap: counts.some((c) => c === null) ? null : counts.reduce<number>((n, c) => n + (c ?? 0), 0) };
  });

  return {
    total: sampled ? namedCount : sampleTotal,
    sample: sampled ? { things: sampleTotal } : null,
    byThingType: mergeBuckets(perScope.map((s) => s.byType)),
    byAgentVersion: versionField ? mergeBuckets(perScope.map((s) => s.byVersion ?? [])) : null,
    agentVersionField: versionField,
    byGroup: mergeBuckets(perScope.map((s) => s.byGroup)),
    connectivity,
    activeJobs,
    moreActiveJobs: active.more,
    notes,
    computedAtMs: opts.nowMs,
  };
}

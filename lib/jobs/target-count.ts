import "server-only";
import { shared } from "@/lib/aws/call-policy";
import { getIndexingConfiguration, getStatistics } from "@/lib/aws/fleet-index";
import { jobTargetCount } from "@/lib/aws/jobs";
import { targetScope } from "./blast-radius";
import { groupInfo } from "./blast-radius-service";
import type { JobDetail, TargetCount } from "./types";

const INDEXED_COUNT = { name: "jobs.targetCountIndexed", cacheMs: 60_000, maxEntries: 500 };

/**
 * How many things a job targets, for the job page's ETA and progress bar. With fleet
 * indexing on, the groups are counted by one GetStatistics on `thingGroupNames:…` (child
 * groups of static groups included, dynamic groups by their query: the blast radius's
 * scope, lib/jobs/blast-radius.ts), exact at any size (as current as the index). Without
 * it, or when the scope cannot be one query (a group missing, too many child groups), the
 * groups are listed (lib/aws/jobs.ts jobTargetCount: up to 10,000 a group, "at least" past
 * that). Null when a target cannot be read.
 */
export async function countJobTargets(job: Pick<JobDetail, "jobId" | "targets">): Promise<TargetCount | null> {
  if (job.targets.some((t) => t.kind === "other")) return null;
  const things = job.targets.filter((t) => t.kind === "thing").length;
  const groups = job.targets.flatMap((t) => (t.kind === "group" ? [t.name] : []));
  if (groups.length === 0) return { count: things, atLeast: false };
  const indexed = await shared({ ...INDEXED_COUNT, key: job.jobId }, () => indexedGroupCount(groups)).catch(() => null);
  if (indexed !== null) return { count: things + indexed, atLeast: false };
  return jobTargetCount(job);
}

/** The things in the groups per the fleet index, or null when the index cannot say. */
async function indexedGroupCount(groupNames: string[]): Promise<number | null> {
  const config = await getIndexingConfiguration();
  if (config.thingIndexingMode === "OFF") return null;
  const scope = targetScope({ kind: "groups", thingNames: [], groupNames, query: "", queryMode: "snapshot", newGroupName: "" }, await groupInfo(groupNames));
  // A note means the query does not cover the targets exactly (a group not found, child groups left out).
  if (scope.notes.length > 0 || scope.queries.length !== 1) return null;
  return (await getStatistics(scope.queries[0]!)).count;
}

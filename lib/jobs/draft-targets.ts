import "server-only";
import { getStatistics, searchIndex } from "@/lib/aws/fleet-index";
import { describeThingGroup } from "@/lib/aws/groups";
import { thingArnPrefix } from "@/lib/aws/jobs-create";
import { fleetConfig } from "@/lib/config";
import { readEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { groupInfo } from "./blast-radius-service";
import { targetScope } from "./blast-radius";
import { checkJobDocument } from "./document";
import { buildCreateJobRequest, MAX_JOB_TARGETS, needsTypedConfirmation, tooManyThingsMessage, type CreateJobRequest } from "./draft-request";
import type { JobDraft } from "./draft";

/**
 * A draft's targets as CreateJob's ARNs, and the request built from them: the one path
 * both the review step's preview and the create-job action take, so what was shown is
 * what is sent. Reads only; the dynamic group a query becomes is created by the action.
 */

/** The most things a query is snapshotted to (above MAX_JOB_TARGETS they are put in a static group). */
export const MAX_SNAPSHOT_THINGS = 10_000;
/** Stands in for the ARN of a dynamic group not created yet, in the preview. */
export const PENDING_GROUP_ARN = "<ARN of the dynamic group, once created>";
/** Stands in for the ARN of the static group holding the job's things, not created yet. */
export const PENDING_STATIC_GROUP_ARN = "<ARN of the job's thing group, once created>";

/** The static group a job's things are put in when they are more than CreateJob's 100 targets (job ids fit group names). */
export const staticGroupNameFor = (jobId: string) => `job-${jobId}`;

export interface PreparedJob {
  request: CreateJobRequest;
  /** Things the job reaches now; null when unknown (typed confirmation then). */
  thingCount: number | null;
  needsConfirmation: boolean;
  /** A query saved as a dynamic group: created right before CreateJob, its ARN replacing PENDING_GROUP_ARN. */
  dynamicGroup: { name: string; query: string } | null;
  /** More than 100 things: a static group created right before CreateJob, its ARN replacing PENDING_STATIC_GROUP_ARN. */
  staticGroup: { name: string; thingNames: string[] } | null;
}

export interface PrepareOptions {
  /** registry.write: the caller may have a group created for the job. */
  canCreateGroups: boolean;
}

/** The role AWS IoT assumes to presign artifact URLs: JOBS_PRESIGN_ROLE_ARN, or a stand-in against the emulator (which accepts any). */
export function presignRoleArn(): string {
  const { JOBS_PRESIGN_ROLE_ARN: arn, EMULATOR_ACCOUNT_ID: account } = readEnv(["JOBS_PRESIGN_ROLE_ARN", "EMULATOR_ACCOUNT_ID"]);
  if (arn) return arn;
  if (fleetConfig().backend === "local") return `arn:aws:iam::${account}:role/fleet-console-presign`;
  throw new AppError("unavailable", "Set JOBS_PRESIGN_ROLE_ARN on the server: AWS IoT needs a role to presign the artifact's URL for devices.");
}

async function prefixFor(thingName: string): Promise<string> {
  try {
    return await thingArnPrefix(thingName);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") throw new AppError("invalid_input", `The thing ${thingName} does not exist.`);
    throw err;
  }
}

async function snapshot(query: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | null = null;
  do {
    const page = await searchIndex(query, { nextToken: token, maxResults: 100, cache: false });
    names.push(...page.things.map((t) => t.thingName));
    if (names.length > MAX_SNAPSHOT_THINGS) {
      throw new AppError(
        "invalid_input",
        `The query matches more than ${MAX_SNAPSHOT_THINGS.toLocaleString("en-US")} things: save it as a dynamic group instead of a snapshot.`,
      );
    }
    token = page.nextToken;
  } while (token);
  return [...new Set(names)];
}

type Resolved = Pick<PreparedJob, "thingCount" | "dynamicGroup" | "staticGroup"> & { arns: string[] };

/** Things as targets: their ARNs up to CreateJob's 100, beyond that one static group holding them (admins only). */
async function thingTargets(d: JobDraft, names: string[], field: string, opts: PrepareOptions): Promise<Resolved> {
  if (names.length <= MAX_JOB_TARGETS) {
    const prefix = await prefixFor(names[0]!);
    return { arns: names.map((n) => prefix + n), thingCount: names.length, dynamicGroup: null, staticGroup: null };
  }
  if (!opts.canCreateGroups) throw new AppError("invalid_input", tooManyThingsMessage(names.length), { reason: `field:${field}` });
  // Every name must exist before a group is made for them (AddThingToThingGroup would fail half way).
  await prefixFor(names[0]!);
  return {
    arns: [PENDING_STATIC_GROUP_ARN],
    thingCount: names.length,
    dynamicGroup: null,
    staticGroup: { name: staticGroupNameFor(d.jobId), thingNames: names },
  };
}

async function resolve(d: JobDraft, opts: PrepareOptions): Promise<Resolved> {
  const t = d.targets;
  if (t.kind === "things") return thingTargets(d, t.thingNames, "targets.thingNames", opts);
  if (t.kind === "groups") {
    const details = await mapWithConcurrency(t.groupNames, 4, (n) => describeThingGroup(n));
    const missing = t.groupNames.filter((_, i) => !details[i]?.arn);
    if (missing.length) throw new AppError("invalid_input", `The group ${missing[0]} does not exist.`);
    // Counted as the blast radius counts; when child groups do not fit one query the count is unknown (typed confirmation).
    const scope = targetScope(t, await groupInfo(t.groupNames));
    const thingCount = scope.notes.length || scope.queries.length !== 1 ? null : (await getStatistics(scope.queries[0]!)).count;
    return { arns: details.map((g) => g!.arn!), thingCount, dynamicGroup: null, staticGroup: null };
  }
  const query = t.query.trim();
  if (t.queryMode === "snapshot") {
    const names = await snapshot(query);
    if (!names.length) throw new AppError("invalid_input", "The query matches no things.");
    return thingTargets(d, names, "targets.queryMode", opts);
  }
  const count = (await getStatistics(query)).count;
  return { arns: [PENDING_GROUP_ARN], thingCount: count, dynamicGroup: { name: t.newGroupName, query }, staticGroup: null };
}

/** The request for a checked draft, with the count of things it reaches (counted on the server: the confirmation rule depends on it). */
export async function prepareCreateJob(d: JobDraft, opts: PrepareOptions): Promise<PreparedJob> {
  const { arns, thingCount: count, dynamicGroup, staticGroup } = await resolve(d, opts);
  if (arns.length > MAX_JOB_TARGETS) {
    throw new AppError("invalid_input", `A job has at most ${MAX_JOB_TARGETS} targets; this one has ${arns.length}.`, { reason: "field:targets" });
  }
  const needsRole = checkJobDocument(d.document.text).placeholders.length > 0;
  const request = buildCreateJobRequest(d, { targets: arns, roleArn: needsRole ? presignRoleArn() : "" });
  return { request, thingCount: count, needsConfirmation: needsTypedConfirmation(count), dynamicGroup, staticGroup };
}

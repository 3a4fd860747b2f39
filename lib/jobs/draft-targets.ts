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
import { buildCreateJobRequest, needsTypedConfirmation, type CreateJobRequest } from "./draft-request";
import type { JobDraft } from "./draft";

/**
 * A draft's targets as CreateJob's ARNs, and the request built from them: the one path
 * both the review step's preview and the create-job action take, so what was shown is
 * what is sent. Reads only; the dynamic group a query becomes is created by the action.
 */

/** The most things a query is snapshotted to (each becomes a target ARN in the request). */
export const MAX_SNAPSHOT_THINGS = 10_000;
/** Stands in for the ARN of a dynamic group not created yet, in the preview. */
export const PENDING_GROUP_ARN = "<ARN of the dynamic group, once created>";

export interface PreparedJob {
  request: CreateJobRequest;
  /** Things the job reaches now; null when unknown (typed confirmation then). */
  thingCount: number | null;
  needsConfirmation: boolean;
  /** A query saved as a dynamic group: created right before CreateJob, its ARN replacing PENDING_GROUP_ARN. */
  dynamicGroup: { name: string; query: string } | null;
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

async function resolve(d: JobDraft): Promise<{ arns: string[]; thingCount: number | null; dynamicGroup: PreparedJob["dynamicGroup"] }> {
  const t = d.targets;
  if (t.kind === "things") {
    const prefix = await prefixFor(t.thingNames[0]!);
    return { arns: t.thingNames.map((n) => prefix + n), thingCount: t.thingNames.length, dynamicGroup: null };
  }
  if (t.kind === "groups") {
    const details = await mapWithConcurrency(t.groupNames, 4, (n) => describeThingGroup(n));
    const missing = t.groupNames.filter((_, i) => !details[i]?.arn);
    if (missing.length) throw new AppError("invalid_input", `The group ${missing[0]} does not exist.`);
    // Counted as the blast radius counts; when child groups do not fit one query the count is unknown (typed confirmation).
    const scope = targetScope(t, await groupInfo(t.groupNames));
    const thingCount = scope.notes.length || scope.queries.length !== 1 ? null : (await getStatistics(scope.queries[0]!)).count;
    return { arns: details.map((g) => g!.arn!), thingCount, dynamicGroup: null };
  }
  const query = t.query.trim();
  if (t.queryMode === "snapshot") {
    const names = await snapshot(query);
    if (!names.length) throw new AppError("invalid_input", "The query matches no things.");
    const prefix = await prefixFor(names[0]!);
    return { arns: names.map((n) => prefix + n), thingCount: names.length, dynamicGroup: null };
  }
  const count = (await getStatistics(query)).count;
  return { arns: [PENDING_GROUP_ARN], thingCount: count, dynamicGroup: { name: t.newGroupName, query } };
}

/** The request for a checked draft, with the count of things it reaches (counted on the server: the confirmation rule depends on it). */
export async function prepareCreateJob(d: JobDraft): Promise<PreparedJob> {
  const { arns, thingCount: count, dynamicGroup } = await resolve(d);
  const needsRole = checkJobDocument(d.document.text).placeholders.length > 0;
  const request = buildCreateJobRequest(d, { targets: arns, roleArn: needsRole ? presignRoleArn() : "" });
  return { request, thingCount: count, needsConfirmation: needsTypedConfirmation(count), dynamicGroup };
}

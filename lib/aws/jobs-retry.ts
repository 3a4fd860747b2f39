import "server-only";
import {
  AddThingToThingGroupCommand,
  CreateJobCommand,
  CreateThingGroupCommand,
  DeleteThingGroupCommand,
  DescribeJobCommand,
  GetJobDocumentCommand,
  type CreateJobCommandInput,
} from "@aws-sdk/client-iot";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { AppError } from "@/lib/errors";
import type { ExecutionStatus } from "@/lib/jobs/types";
import { aws } from "./client";
import { awsRequestIdOf } from "./fleet-index";
import { listAllJobExecutionArns } from "./jobs";

/**
 * "Retry the failed": a new SNAPSHOT job for the things whose execution failed or timed
 * out, with the original's document and settings. Why a new job:
 * - AWS has no call that re-runs a terminal execution; its own retries
 *   (jobExecutionsRetryConfig) happen only while the job runs, up to the configured count;
 * - AssociateTargetsWithJob adds thing groups to a CONTINUOUS job that is IN_PROGRESS, and
 *   a thing that already has an execution of the job gets no new one, so it cannot re-run
 *   the failed of a finished rollout.
 * The document is read before substitution, so its presigned-URL placeholders stay
 * placeholders (a fresh URL is minted when each device reads it); a job made from an S3
 * document keeps its documentSource. Up to 100 things are named as targets directly
 * (AWS's limit of targets per job); more go into a new static thing group made for the
 * retry, which becomes the one target.
 */
export const MAX_DIRECT_TARGETS = 100;

export interface RetryJobInput {
  jobId: string;
  newJobId: string;
  includeRejected: boolean;
}

/** What the audit trail gets of the static group made for a retry (its own record: creating groups is registry.write). */
export interface RetryGroupAudit {
  group: string;
  result: "success" | "failure";
  params: Record<string, unknown>;
  awsRequestId: string | null;
  errorCode?: string;
}

export interface RetryJobOptions {
  /** Whether the caller may create thing groups (registry.write): needed above 100 things. */
  canCreateGroups: boolean;
  /** Called once the group is made and filled (or failed to be). */
  auditGroup: (entry: RetryGroupAudit) => void;
}

/** Why a retry of `things` things is refused to a caller who cannot (or can) create groups; null when it is not. */
export function retryGroupRefusal(things: number, canCreateGroups: boolean): string | null {
  if (things <= MAX_DIRECT_TARGETS || canCreateGroups) return null;
  return `${things.toLocaleString("en-US")} things failed: a job names at most ${MAX_DIRECT_TARGETS} things, so the retry needs a new static thing group, and creating groups is for admins (registry.write). Ask an admin to create the retry.`;
}

export interface RetryJobResult {
  jobId: string;
  jobArn: string | null;
  things: number;
  /** The static group made for the retry's targets, when there were more than 100. */
  group: string | null;
  awsRequestId: string | null;
}

export async function createRetryJob(input: RetryJobInput, opts: RetryJobOptions): Promise<RetryJobResult> {
  const described = await aws("DescribeJob", (c) => c.send(new DescribeJobCommand({ jobId: input.jobId })), { subject: input.jobId });
  const job = described.job;
  if (!job) throw new AppError("not_found", "This job does not exist (or was deleted).");
  const statuses: ExecutionStatus[] = ["FAILED", "TIMED_OUT", ...(input.includeRejected ? (["REJECTED"] as const) : [])];
  const failed = dedupe(await listAllJobExecutionArns(input.jobId, statuses));
  if (failed.length === 0) throw new AppError("conflict", "No execution of this job failed or timed out: there is nothing to retry.");
  const refusal = retryGroupRefusal(failed.length, opts.canCreateGroups);
  if (refusal) throw new AppError("forbidden", refusal, { reason: "needs_registry_write" });

  let document: string | undefined;
  if (!described.documentSource) {
    const doc = await aws("GetJobDocument", (c) => c.send(new GetJobDocumentCommand({ jobId: input.jobId, beforeSubstitution: true })), {
      subject: input.jobId,
    });
    document = doc.document ?? undefined;
  }
  let targets = failed.map((f) => f.thingArn);
  let group: string | null = null;
  if (failed.length > MAX_DIRECT_TARGETS) {
    group = await createTargetGroup(
      input.newJobId,
      input.jobId,
      failed.map((f) => f.thingName),
      opts.auditGroup,
    );
    targets = [group];
  }

  const request: CreateJobCommandInput = {
    jobId: input.newJobId,
    targets,
    targetSelection: "SNAPSHOT",
    ...(described.documentSource ? { documentSource: described.documentSource } : { document }),
    description: `Retry of ${input.jobId} for ${failed.length} thing${failed.length === 1 ? "" : "s"} (${statuses.join(", ")})`.slice(0, 2028),
    presignedUrlConfig: job.presignedUrlConfig,
    jobExecutionsRolloutConfig: job.jobExecutionsRolloutConfig,
    abortConfig: job.abortConfig,
    timeoutConfig: job.timeoutConfig,
    jobExecutionsRetryConfig: job.jobExecutionsRetryConfig,
  };
  const out = await aws("CreateJob", (c) => c.send(new CreateJobCommand(request)), { subject: input.newJobId });
  return {
    jobId: out.jobId ?? input.newJobId,
    jobArn: out.jobArn ?? null,
    things: failed.length,
    group: group ? groupName(input.newJobId) : null,
    awsRequestId: awsRequestIdOf(out),
  };
}

function dedupe(items: Array<{ thingName: string; thingArn: string }>): Array<{ thingName: string; thingArn: string }> {
  const seen = new Map<string, { thingName: string; thingArn: string }>();
  for (const i of items) seen.set(i.thingName, i);
  return [...seen.values()];
}

/** The retry's group is named after the new job (job ids are a subset of group names). */
const groupName = (newJobId: string) => `job-${newJobId}`.slice(0, 128);

/**
 * A static group holding the things to retry; its ARN. The group gets its own audit record
 * (name, things, AWS's request id of CreateThingGroup). When adding the things fails
 * halfway, the group is deleted again and the error says how many were added (or, if the
 * delete fails too, names the group left behind).
 */
async function createTargetGroup(newJobId: string, sourceJobId: string, things: string[], auditGroup: RetryJobOptions["auditGroup"]): Promise<string> {
  const name = groupName(newJobId);
  const params: Record<string, unknown> = { name, forJob: newJobId, sourceJobId, things: things.length };
  let created;
  try {
    created = await aws(
      "CreateThingGroup",
      (c) =>
        c.send(
          new CreateThingGroupCommand({
            thingGroupName: name,
            thingGroupProperties: { thingGroupDescription: `Things whose execution of job ${sourceJobId} failed, for job ${newJobId}` },
          }),
        ),
      { subject: name },
    );
  } catch (err) {
    auditGroup({ group: name, result: "failure", params, awsRequestId: awsRequestIdOf(err), errorCode: err instanceof AppError ? err.code : "internal" });
    throw err;
  }
  const awsRequestId = awsRequestIdOf(created);
  let added = 0;
  let failure: unknown = null;
  // Stop adding at the first refusal (the rest would fail the same way); count what went in.
  await mapWithConcurrency(things, 8, async (thingName) => {
    if (failure) return;
    try {
      await aws("AddThingToThingGroup", (c) => c.send(new AddThingToThingGroupCommand({ thingGroupName: name, thingName })), { subject: thingName });
      added++;
    } catch (err) {
      failure ??= err;
    }
  });
  if (failure) {
    let deleted = false;
    try {
      await aws("DeleteThingGroup", (c) => c.send(new DeleteThingGroupCommand({ thingGroupName: name })), { subject: name });
      deleted = true;
    } catch {
      /* named in the message below */
    }
    const code = failure instanceof AppError ? failure.code : "internal";
    auditGroup({ group: name, result: "failure", params: { ...params, added, deleted }, awsRequestId, errorCode: code });
    const why = failure instanceof AppError ? failure.message : "AWS IoT refused a thing.";
    throw new AppError(
      code,
      `The retry's thing group ${name} got ${added.toLocaleString("en-US")} of ${things.length.toLocaleString("en-US")} things before AWS IoT refused one (${why}). ` +
        (deleted
          ? "The group was deleted again; no job was created."
          : `The group ${name} is left in place: delete it before trying again. No job was created.`),
      { cause: failure },
    );
  }
  auditGroup({ group: name, result: "success", params: { ...params, added }, awsRequestId });
  if (!created.thingGroupArn) throw new AppError("internal", "AWS IoT created the retry's thing group but returned no ARN.");
  return created.thingGroupArn;
}

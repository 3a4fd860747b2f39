"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { awsRequestIdOf, createDynamicThingGroup } from "@/lib/aws/fleet-index";
import { describeThingGroup, invalidateGroupTree } from "@/lib/aws/groups";
import { createJob, createStaticTargetGroup, deleteTargetGroup, jobIdTaken } from "@/lib/aws/jobs-create";
import { action, targetField } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/audit";
import { fleetConfig } from "@/lib/config";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { checkJobDocument } from "@/lib/jobs/document";
import { draftSchema, type JobDraft } from "@/lib/jobs/draft";
import { draftErrors, type CreateJobRequest } from "@/lib/jobs/draft-request";
import { PENDING_GROUP_ARN, PENDING_STATIC_GROUP_ARN, prepareCreateJob } from "@/lib/jobs/draft-targets";

const input = z.object({
  draft: draftSchema,
  /** The job id typed again, required above 1,000 things (or an unknown count). */
  confirmJobId: z.string().max(64).optional(),
});

/** What the trail keeps of a job: its settings and what it targets, not the whole document or thousands of ARNs. */
function auditSummary(d: JobDraft, req: CreateJobRequest, thingCount: number | null) {
  const doc = checkJobDocument(d.document.text);
  return {
    jobId: req.jobId,
    targetKind: d.targets.kind,
    targets: req.targets.length <= 10 ? req.targets : `${req.targets.length} targets`,
    thingCount,
    targetSelection: req.targetSelection,
    document: {
      operation: doc.operation,
      bytes: doc.bytes,
      artifact: d.artifact ? { key: d.artifact.key, sha256: d.artifact.sha256, size: d.artifact.size } : null,
    },
    rollout: req.jobExecutionsRolloutConfig ?? null,
    abort: req.abortConfig?.criteriaList ?? null,
    timeoutMinutes: req.timeoutConfig?.inProgressTimeoutInMinutes ?? null,
    retry: req.jobExecutionsRetryConfig?.criteriaList ?? null,
    scheduling: req.schedulingConfig ?? null,
  };
}

/** Deletes the group made for a job that was not created, audited; a failure to delete is recorded, never thrown over the job's own error. */
async function removeGroup(actor: { actor: string; role: string | null; ip: string | null }, g: { name: string; kind: "static" | "dynamic" }, jobId: string) {
  const audit = { ...actor, action: "groups.delete", target: g.name, params: { name: g.name, kind: g.kind, forJob: jobId, reason: "job not created" } };
  try {
    const awsRequestId = await deleteTargetGroup(g.name, g.kind);
    recordAudit(consoleDb(), { ...audit, result: "success", awsRequestId });
  } catch (err) {
    recordAudit(consoleDb(), { ...audit, result: "failure", errorCode: err instanceof AppError ? err.code : "internal", awsRequestId: awsRequestIdOf(err) });
  }
  invalidateGroupTree();
}

/**
 * Creates a rollout from the wizard's draft (responders and admins: jobs.write). The
 * draft is checked again here with the same rules the wizard showed; a rollout that
 * reaches more than 1,000 things (or an uncounted number) needs the job id typed again.
 * A fleet query saved as a dynamic group, or more than CreateJob's 100 things (put in a
 * static group named after the job), needs registry.write too: the job id is checked
 * free, the group created (its own audit record), then the job; when CreateJob fails the
 * group is deleted again. The record carries AWS's request id.
 */
export const createRolloutJob = action(
  { name: "jobs.create", requirement: "jobs.write", input, target: (raw) => targetField("jobId")((raw.draft ?? {}) as Record<string, unknown>) },
  async ({ draft, confirmJobId }, ctx) => {
    const role = ctx.session?.role;
    const canCreateGroups = can(role, "registry.write");
    const errors = draftErrors(draft, { nowMs: Date.now(), region: fleetConfig().region, canCreateGroups });
    const first = Object.entries(errors)[0];
    if (first) throw new AppError("invalid_input", first[1], { reason: `field:${first[0]}` });
    const prepared = await prepareCreateJob(draft, { canCreateGroups });
    let request = prepared.request;
    ctx.audit.params = auditSummary(draft, request, prepared.thingCount);
    if (prepared.needsConfirmation && confirmJobId !== draft.jobId) {
      throw new AppError(
        "invalid_input",
        prepared.thingCount === null
          ? "The number of things this job reaches is not known: type the job id to confirm."
          : `This job reaches ${prepared.thingCount.toLocaleString("en-US")} things: type the job id to confirm.`,
        { reason: "confirm_job_id" },
      );
    }
    const actor = { actor: ctx.session?.username ?? "anonymous", role: role ?? null, ip: ctx.ip };
    /** The group made for this job, deleted again when CreateJob then fails (a retry would otherwise find its name taken). */
    let made: { name: string; kind: "static" | "dynamic" } | null = null;
    if (prepared.dynamicGroup || prepared.staticGroup) {
      // Nothing is created for a job id already taken: CreateJob would refuse it after the group exists.
      if (await jobIdTaken(draft.jobId)) {
        throw new AppError("conflict", `A job with the id ${draft.jobId} already exists (ids stay taken until the job is deleted). Choose another id.`, {
          reason: "job_id_taken",
        });
      }
    }
    if (prepared.staticGroup) {
      const g = prepared.staticGroup;
      // AWS answers CreateThingGroup for an existing name with the same properties with that group: its things would join the job.
      if (await describeThingGroup(g.name)) {
        throw new AppError(
          "conflict",
          `A thing group named ${g.name} already exists (from an earlier job with this id?). Choose another job id, or delete the group.`,
          {
            reason: "field:jobId",
          },
        );
      }
      const audit = { ...actor, action: "groups.create_static", target: g.name };
      try {
        const group = await createStaticTargetGroup({ name: g.name, description: `Targets of job ${draft.jobId}`, thingNames: g.thingNames });
        made = { name: g.name, kind: "static" };
        recordAudit(consoleDb(), {
          ...audit,
          params: { name: g.name, things: g.thingNames.length, forJob: draft.jobId },
          result: "success",
          awsRequestId: group.awsRequestId,
        });
        request = { ...request, targets: request.targets.map((t) => (t === PENDING_STATIC_GROUP_ARN ? group.arn : t)) };
      } catch (err) {
        const code = err instanceof AppError ? err.code : "internal";
        recordAudit(consoleDb(), {
          ...audit,
          params: { name: g.name, things: g.thingNames.length },
          result: "failure",
          errorCode: code,
          awsRequestId: awsRequestIdOf(err),
        });
        throw err;
      }
      invalidateGroupTree();
    }
    if (prepared.dynamicGroup) {
      const g = prepared.dynamicGroup;
      const audit = { ...actor, action: "groups.create_dynamic", target: g.name };
      let arn: string | null;
      try {
        const group = await createDynamicThingGroup({ name: g.name, query: g.query, description: `Targets of job ${draft.jobId}` });
        made = { name: g.name, kind: "dynamic" };
        recordAudit(consoleDb(), {
          ...audit,
          params: { name: g.name, query: g.query, forJob: draft.jobId },
          result: "success",
          awsRequestId: group.awsRequestId,
        });
        arn = group.arn;
      } catch (err) {
        const code = err instanceof AppError ? err.code : "internal";
        recordAudit(consoleDb(), { ...audit, params: { name: g.name, query: g.query }, result: "failure", errorCode: code, awsRequestId: awsRequestIdOf(err) });
        throw err;
      }
      invalidateGroupTree();
      if (!arn) throw new AppError("unavailable", "AWS IoT created the dynamic group but returned no ARN; create the job with the group as its target.");
      request = { ...request, targets: request.targets.map((t) => (t === PENDING_GROUP_ARN ? arn : t)) };
    }
    if (made) ctx.audit.params = auditSummary(draft, request, prepared.thingCount);
    try {
      const job = await createJob(request);
      ctx.audit.awsRequestId = job.awsRequestId;
      revalidatePath("/jobs");
      return { jobId: job.jobId, jobArn: job.jobArn };
    } catch (err) {
      ctx.audit.awsRequestId = awsRequestIdOf(err);
      if (made) await removeGroup(actor, made, draft.jobId);
      throw err;
    }
  },
);

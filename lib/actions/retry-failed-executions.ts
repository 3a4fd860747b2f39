"use server";
import "server-only";

import { recordAudit } from "@/lib/audit/audit";
import { action, targetField } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { createRetryJob } from "@/lib/aws/jobs-retry";
import { consoleDb } from "@/lib/db/console-db";
import { retryFailedInput } from "@/lib/jobs/cancel-input";

/**
 * "Retry the failed" (jobs.write): a new job, with the original's document and settings,
 * for the things whose execution failed or timed out (lib/aws/jobs-retry.ts says why a new
 * job). Above 100 things the retry needs a new static thing group, which takes
 * registry.write (admins): others are refused with a message saying so. The group has its
 * own audit record (groups.create_static: name, things, AWS's request id). The record's
 * target is the new job's id; the source job, the count and CreateJob's request id are in it.
 */
export const retryFailedExecutions = action(
  { name: "jobs.retry_failed", requirement: "jobs.write", input: retryFailedInput, target: targetField("newJobId") },
  async (data, ctx) => {
    ctx.audit.params = { sourceJobId: data.jobId, newJobId: data.newJobId, includeRejected: data.includeRejected };
    const role = ctx.session?.role;
    try {
      const out = await createRetryJob(data, {
        canCreateGroups: can(role, "registry.write"),
        auditGroup: (g) =>
          recordAudit(consoleDb(), {
            actor: ctx.session?.username ?? "anonymous",
            role: role ?? null,
            action: "groups.create_static",
            target: g.group,
            params: g.params,
            result: g.result,
            errorCode: g.errorCode ?? null,
            awsRequestId: g.awsRequestId,
            ip: ctx.ip,
          }),
      });
      ctx.audit.awsRequestId = out.awsRequestId;
      ctx.audit.params = { sourceJobId: data.jobId, newJobId: out.jobId, includeRejected: data.includeRejected, things: out.things, group: out.group };
      return { jobId: out.jobId, things: out.things, group: out.group };
    } catch (err) {
      ctx.audit.awsRequestId = awsRequestIdOf(err);
      throw err;
    }
  },
);

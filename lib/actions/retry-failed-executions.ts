"use server";
import "server-only";

import { action, targetField } from "@/lib/auth/guard";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { createRetryJob } from "@/lib/aws/jobs-retry";
import { retryFailedInput } from "@/lib/jobs/cancel-input";

/**
 * "Retry the failed" (jobs.write): a new job, with the original's document and settings,
 * for the things whose execution failed or timed out (lib/aws/jobs-retry.ts says why a new
 * job). The audit target is the new job's id (so the jobs list can name who created it);
 * the source job, the count and AWS's request id of CreateJob are in the record.
 */
export const retryFailedExecutions = action(
  { name: "jobs.retry_failed", requirement: "jobs.write", input: retryFailedInput, target: targetField("newJobId") },
  async (data, ctx) => {
    ctx.audit.params = { sourceJobId: data.jobId, newJobId: data.newJobId, includeRejected: data.includeRejected };
    try {
      const out = await createRetryJob(data);
      ctx.audit.awsRequestId = out.awsRequestId;
      ctx.audit.params = { sourceJobId: data.jobId, newJobId: out.jobId, includeRejected: data.includeRejected, things: out.things, group: out.group };
      return { jobId: out.jobId, things: out.things, group: out.group };
    } catch (err) {
      ctx.audit.awsRequestId = awsRequestIdOf(err);
      throw err;
    }
  },
);

"use server";
import "server-only";

import { action, targetField } from "@/lib/auth/guard";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { cancelJob as cancelJobCall } from "@/lib/aws/jobs";
import { cancelJobInput } from "@/lib/jobs/cancel-input";

/**
 * Cancels a job (responders and admins: jobs.write), with the operator's reason. Without
 * `force` AWS cancels the queued executions and lets the running ones finish; with it,
 * those in progress are canceled too (a device mid-install may be left half-done, which
 * the form says). The audit record carries the reason and AWS's request id.
 */
export const cancelJob = action({ name: "jobs.cancel", requirement: "jobs.write", input: cancelJobInput, target: targetField("jobId") }, async (data, ctx) => {
  ctx.audit.params = { jobId: data.jobId, force: data.force, reasonCode: data.reasonCode ?? null, comment: data.comment };
  try {
    const out = await cancelJobCall({ jobId: data.jobId, force: data.force, reasonCode: data.reasonCode, comment: data.comment });
    ctx.audit.awsRequestId = out.awsRequestId;
    return { jobId: data.jobId, force: data.force };
  } catch (err) {
    ctx.audit.awsRequestId = awsRequestIdOf(err);
    throw err;
  }
});

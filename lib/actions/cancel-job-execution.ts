"use server";
import "server-only";

import { action } from "@/lib/auth/guard";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { cancelJobExecution as cancelExecutionCall } from "@/lib/aws/jobs";
import { cancelExecutionInput } from "@/lib/jobs/cancel-input";

/** The audit target of one execution: `<jobId>/<thingName>`. */
const target = (raw: Record<string, unknown>) => {
  const job = typeof raw.jobId === "string" ? raw.jobId.slice(0, 64) : "";
  const thing = typeof raw.thingName === "string" ? raw.thingName.slice(0, 128) : "";
  return job || thing ? `${job}/${thing}` : null;
};

/**
 * Cancels one thing's execution of a job (jobs.write). A queued execution is canceled as
 * asked; one in progress only with `force` (AWS answers InvalidStateTransition otherwise,
 * worded in lib/aws/errors.ts). Audited with AWS's request id.
 */
export const cancelJobExecution = action(
  { name: "jobs.cancel_execution", requirement: "jobs.write", input: cancelExecutionInput, target },
  async (data, ctx) => {
    ctx.audit.params = { jobId: data.jobId, thingName: data.thingName, force: data.force };
    try {
      const out = await cancelExecutionCall({ jobId: data.jobId, thingName: data.thingName, force: data.force });
      ctx.audit.awsRequestId = out.awsRequestId;
      return { jobId: data.jobId, thingName: data.thingName };
    } catch (err) {
      ctx.audit.awsRequestId = awsRequestIdOf(err);
      throw err;
    }
  },
);

import { describeJob, jobTargetCount } from "@/lib/aws/jobs";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";
import { jobRoute } from "@/lib/jobs/api";

/**
 * GET /api/jobs/{jobId} → JobView: DescribeJob (shared between pages polling it for 2 s)
 * and the number of things targeted (groups resolved, cached a minute) for the ETA.
 */
export const GET = apiRoute(jobRoute, async ({ params: { jobId } }) => {
  const job = await describeJob(jobId);
  if (!job) throw new AppError("not_found", "This job does not exist (or was deleted).");
  const targetCount = await jobTargetCount(job).catch((err: unknown) => {
    // The count only feeds the ETA: the job's own figures still show without it.
    if (err instanceof AppError && err.code !== "throttled") return null;
    throw err;
  });
  return { job, targetCount };
});

import { describeJob } from "@/lib/aws/jobs";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";
import { jobRoute } from "@/lib/jobs/api";

/**
 * GET /api/jobs/{jobId} → JobView: DescribeJob (shared between pages polling it for 2 s).
 * The target count is not in it: the page streams that once (groups are paged through), polling does not recount them.
 */
export const GET = apiRoute(jobRoute, async ({ params: { jobId } }) => {
  const job = await describeJob(jobId);
  if (!job) throw new AppError("not_found", "This job does not exist (or was deleted).");
  return { job };
});

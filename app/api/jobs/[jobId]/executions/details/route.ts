import { describeJobExecutions } from "@/lib/aws/jobs";
import { apiRoute } from "@/lib/http/api-route";
import { executionDetailsRoute } from "@/lib/jobs/api";

/**
 * GET /api/jobs/{jobId}/executions/details?things=a,b → the latest execution of each thing
 * with its statusDetails (DescribeJobExecution; the list call has none). At most 25 things:
 * the table asks for the rows in view only.
 */
export const GET = apiRoute(executionDetailsRoute, async ({ params: { jobId }, query }) => ({ details: await describeJobExecutions(jobId, query.things) }));

import { listJobExecutions } from "@/lib/aws/jobs";
import { apiRoute } from "@/lib/http/api-route";
import { jobExecutionsRoute } from "@/lib/jobs/api";
import { EXECUTIONS_PAGE_SIZE } from "@/lib/jobs/filters";

/** GET /api/jobs/{jobId}/executions?status&size&nextToken → ExecutionsPage (one ListJobExecutionsForJob page, 250 by default). */
export const GET = apiRoute(jobExecutionsRoute, ({ params: { jobId }, query }) =>
  listJobExecutions(jobId, query.status ?? null, query.nextToken ?? null, query.size ?? EXECUTIONS_PAGE_SIZE),
);

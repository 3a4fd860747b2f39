import { listThingJobExecutions } from "@/lib/aws/jobs";
import { apiRoute } from "@/lib/http/api-route";
import { thingJobsRoute } from "@/lib/jobs/api";

/** Executions per page of the thing's Jobs tab: each costs a DescribeJobExecution for its statusDetails. */
const PAGE = 25;

/** GET /api/things/{thingName}/jobs?nextToken → ExecutionsPage: the thing's job executions with statusDetails. */
export const GET = apiRoute(thingJobsRoute, ({ params: { thingName }, query }) => listThingJobExecutions(thingName, query.nextToken ?? null, PAGE));

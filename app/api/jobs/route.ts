import { listJobs } from "@/lib/aws/jobs";
import { consoleDb } from "@/lib/db/console-db";
import { apiRoute } from "@/lib/http/api-route";
import { jobsRoute } from "@/lib/jobs/api";
import { jobCreators } from "@/lib/jobs/creators";
import { JOBS_PAGE_SIZE } from "@/lib/jobs/filters";

/** GET /api/jobs?status&selection&group&size&nextToken → JobsPage: one ListJobs page, each job with its counts and creator. */
export const GET = apiRoute(jobsRoute, ({ query }) =>
  listJobs(
    { status: query.status ?? null, selection: query.selection ?? null, group: query.group ?? null, size: query.size ?? JOBS_PAGE_SIZE },
    query.nextToken ?? null,
    (ids) => jobCreators(consoleDb(), ids),
  ),
);

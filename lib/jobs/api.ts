import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { thingNameSchema } from "@/lib/shadows/api";
import { nextTokenParam } from "@/lib/things/paging";
import { EXECUTIONS_PAGE_SIZE, executionStatusSchema, jobFiltersKey, jobIdSchema, jobListQuerySchema, JOBS_PAGE_SIZE, type JobListFilters } from "./filters";
import type { ExecutionDetail, ExecutionStatus, ExecutionsPage, JobDocumentView, JobsPage, JobView } from "./types";

/**
 * The routes of the job pages (lib/http/contract.ts). Every one is a read for `fleet.read`;
 * the changes (cancel, cancel one execution, retry the failed) are server actions in
 * lib/actions that check `jobs.write`.
 */

/** react-query keys of the job pages, one factory (cf. lib/query-keys.ts). */
export const jobKeys = {
  all: ["jobs"] as const,
  list: (filtersKey: string) => ["jobs", "list", filtersKey] as const,
  job: (jobId: string) => ["jobs", "job", jobId] as const,
  document: (jobId: string) => ["jobs", "document", jobId] as const,
  executions: (jobId: string, status: string) => ["jobs", "executions", jobId, status] as const,
  details: (jobId: string, things: readonly string[]) => ["jobs", "details", jobId, things.join(",")] as const,
  thing: (thingName: string) => ["jobs", "thing", thingName] as const,
};

const jobParams = z.object({ jobId: jobIdSchema });

/** GET /api/jobs?status&selection&group&size&nextToken → JobsPage (one ListJobs page with each job's counts). */
export const jobsRoute = defineRoute<JobsPage>()({
  path: "/api/jobs",
  permission: "fleet.read",
  query: jobListQuerySchema.extend({ nextToken: nextTokenParam }).strict(),
  request: (filters: JobListFilters, nextToken: string | null) => ({
    query: {
      status: filters.status,
      selection: filters.selection,
      group: filters.group,
      size: filters.size === JOBS_PAGE_SIZE ? null : filters.size,
      nextToken,
    },
  }),
  key: (filters: JobListFilters) => jobKeys.list(jobFiltersKey(filters)),
});

/** GET /api/jobs/{jobId} → JobView: DescribeJob. */
export const jobRoute = defineRoute<JobView>()({
  path: "/api/jobs/[jobId]",
  permission: "fleet.read",
  params: jobParams,
  query: z.object({}).strict(),
  request: (jobId: string) => ({ path: { jobId } }),
  key: (jobId: string) => jobKeys.job(jobId),
});

/** GET /api/jobs/{jobId}/document → JobDocumentView (placeholders left in). */
export const jobDocumentRoute = defineRoute<JobDocumentView>()({
  path: "/api/jobs/[jobId]/document",
  permission: "fleet.read",
  params: jobParams,
  query: z.object({}).strict(),
  request: (jobId: string) => ({ path: { jobId } }),
  key: (jobId: string) => jobKeys.document(jobId),
});

/** GET /api/jobs/{jobId}/executions?status&nextToken&size → ExecutionsPage (one ListJobExecutionsForJob page). */
export const jobExecutionsRoute = defineRoute<ExecutionsPage>()({
  path: "/api/jobs/[jobId]/executions",
  permission: "fleet.read",
  params: jobParams,
  query: z
    .object({
      status: executionStatusSchema.optional(),
      size: z.coerce.number().int().min(1).max(EXECUTIONS_PAGE_SIZE).optional(),
      nextToken: nextTokenParam,
    })
    .strict(),
  request: (jobId: string, status: ExecutionStatus | null, nextToken: string | null) => ({ path: { jobId }, query: { status, nextToken } }),
  key: (jobId: string, status: ExecutionStatus | null) => jobKeys.executions(jobId, status ?? "all"),
});

/** At most this many things per details call: a screenful of rows, one DescribeJobExecution each. */
export const DETAILS_BATCH_MAX = 25;

const thingList = z
  .string()
  .min(1, "Name at least one thing.")
  .transform((s) => s.split(","))
  .pipe(z.array(thingNameSchema).max(DETAILS_BATCH_MAX, `At most ${DETAILS_BATCH_MAX} things at a time.`));

/** GET /api/jobs/{jobId}/executions/details?things=a,b → each thing's latest execution with statusDetails. */
export const executionDetailsRoute = defineRoute<{ details: Record<string, ExecutionDetail | null> }>()({
  path: "/api/jobs/[jobId]/executions/details",
  permission: "fleet.read",
  params: jobParams,
  query: z.object({ things: thingList }).strict(),
  request: (jobId: string, things: readonly string[]) => ({ path: { jobId }, query: { things: things.join(",") } }),
  key: (jobId: string, things: readonly string[]) => jobKeys.details(jobId, things),
});

/** GET /api/things/{thingName}/jobs?nextToken → ExecutionsPage: the thing's executions with statusDetails. */
export const thingJobsRoute = defineRoute<ExecutionsPage>()({
  path: "/api/things/[thingName]/jobs",
  permission: "fleet.read",
  params: z.object({ thingName: thingNameSchema }),
  query: z.object({ nextToken: nextTokenParam }).strict(),
  request: (thingName: string, nextToken: string | null) => ({ path: { thingName }, query: { nextToken } }),
  key: (thingName: string) => jobKeys.thing(thingName),
});

/** The job page's polling: counts every 5 s while visible and the job may still change (a shared DescribeJob, lib/aws/jobs.ts). */
export const JOB_POLL = { everyMs: 5_000, maxMs: 60_000 };
/** The jobs list polls only while at most this many rows are loaded: each row is one DescribeJob per poll. */
export const JOBS_LIST_LIVE_MAX_ROWS = 75;
/** The jobs list: counts of a page of jobs every 15 s. */
export const JOBS_LIST_POLL = { everyMs: 15_000, maxMs: 5 * 60_000 };
/** The thing's Jobs tab. */
export const THING_JOBS_POLL = { everyMs: 10_000, maxMs: 2 * 60_000 };

import "server-only";
import {
  CancelJobCommand,
  CancelJobExecutionCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  GetJobDocumentCommand,
  ListJobExecutionsForJobCommand,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  type Job,
  type JobExecution,
  type JobExecutionSummary,
  type JobSummary,
} from "@aws-sdk/client-iot";
import { mapWithConcurrency } from "@/lib/async/limiter";
import { AppError } from "@/lib/errors";
import { countsFromProcessDetails } from "@/lib/jobs/status";
import type { JobListFilters } from "@/lib/jobs/filters";
import type {
  AbortCriterion,
  ExecutionDetail,
  ExecutionRow,
  ExecutionStatus,
  ExecutionsPage,
  JobDetail,
  JobRow,
  JobStatus,
  JobTarget,
  RetryCriterion,
  TargetCount,
  TargetSelection,
} from "@/lib/jobs/types";
import { normalizeToken } from "@/lib/things/paging";
import { forget, shared, type ReadSpec } from "./call-policy";
import { aws, collectPages, readIot } from "./client";
import { awsRequestIdOf } from "./fleet-index";
import { listThingsInGroup } from "./groups";

/**
 * AWS IoT Jobs' control plane for the job pages: ListJobs, DescribeJob, GetJobDocument,
 * the executions of a job and of a thing, DescribeJobExecution, CancelJob and
 * CancelJobExecution, in the console's own types (lib/jobs/types.ts). Every read spends
 * the `jobs` budget (lib/aws/budgets.ts: about 10 calls a second per account, answers
 * reused for 2 s so every open job page polling shares one DescribeJob).
 */

const toMs = (d: Date | number | string | undefined | null): number | null => {
  if (d === undefined || d === null) return null;
  const ms = d instanceof Date ? d.getTime() : typeof d === "number" ? d : Date.parse(d);
  return Number.isFinite(ms) ? ms : null;
};

/** An ARN as the console names it: `…:thing/<name>` or `…:thinggroup/<name>`. */
export function parseTargetArn(arn: string): JobTarget {
  const m = /:(thing|thinggroup)\/(.+)$/.exec(arn);
  if (!m) return { kind: "other", arn };
  return { kind: m[1] === "thing" ? "thing" : "group", name: m[2]!, arn };
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function toJobDetail(j: Job): JobDetail {
  const abortCriteria: AbortCriterion[] = (j.abortConfig?.criteriaList ?? []).map((c) => ({
    failureType: (c.failureType ?? "ALL") as AbortCriterion["failureType"],
    action: c.action ?? "CANCEL",
    thresholdPercentage: num(c.thresholdPercentage) ?? 100,
    minNumberOfExecutedThings: num(c.minNumberOfExecutedThings) ?? 1,
  }));
  const retryCriteria: RetryCriterion[] = (j.jobExecutionsRetryConfig?.criteriaList ?? []).map((c) => ({
    failureType: (c.failureType ?? "ALL") as RetryCriterion["failureType"],
    numberOfRetries: num(c.numberOfRetries) ?? 0,
  }));
  const rollout = j.jobExecutionsRolloutConfig;
  return {
    jobId: j.jobId ?? "",
    jobArn: j.jobArn ?? null,
    status: (j.status ?? "IN_PROGRESS") as JobStatus,
    targetSelection: (j.targetSelection ?? null) as TargetSelection | null,
    description: j.description || null,
    targets: (j.targets ?? []).map(parseTargetArn),
    counts: countsFromProcessDetails(j.jobProcessDetails as Record<string, unknown> | undefined),
    forceCanceled: j.forceCanceled === true,
    reasonCode: j.reasonCode || null,
    comment: j.comment || null,
    createdAtMs: toMs(j.createdAt),
    lastUpdatedAtMs: toMs(j.lastUpdatedAt),
    completedAtMs: toMs(j.completedAt),
    scheduledStartMs: toMs(j.schedulingConfig?.startTime),
    scheduledEndMs: toMs(j.schedulingConfig?.endTime),
    rollout: rollout
      ? {
          maximumPerMinute: rollout.maximumPerMinute,
          exponentialRate: rollout.exponentialRate
            ? {
                baseRatePerMinute: rollout.exponentialRate.baseRatePerMinute,
                incrementFactor: rollout.exponentialRate.incrementFactor,
                rateIncreaseCriteria: { ...rollout.exponentialRate.rateIncreaseCriteria },
              }
            : undefined,
        }
      : null,
    abortCriteria,
    retryCriteria,
    inProgressTimeoutMinutes: num(j.timeoutConfig?.inProgressTimeoutInMinutes),
    presignedUrlExpiresInSec: num(j.presignedUrlConfig?.expiresInSec),
    documentSource: null,
    jobTemplateArn: j.jobTemplateArn ?? null,
    isConcurrent: j.isConcurrent === true,
  };
}

const describeSpec = (jobId: string): ReadSpec => ({ operation: "DescribeJob", budget: "jobs", key: { jobId } });

/** DescribeJob, or null when there is no such job. Shared for the budget's 2 s: every open page polls it. */
export async function describeJob(jobId: string): Promise<JobDetail | null> {
  try {
    const out = await readIot(describeSpec(jobId), (c) => c.send(new DescribeJobCommand({ jobId })), { subject: jobId });
    if (!out.job) return null;
    return { ...toJobDetail(out.job), documentSource: out.documentSource ?? null };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** The document as stored: presigned-URL placeholders left in (beforeSubstitution), so no URL is minted for a page view. */
export async function getJobDocument(jobId: string): Promise<string | null> {
  const out = await readIot({ operation: "GetJobDocument", budget: "jobs", key: { jobId }, cacheMs: 60_000 }, (c) =>
    c.send(new GetJobDocumentCommand({ jobId, beforeSubstitution: true })),
  );
  return out.document ?? null;
}

// ---------------------------------------------------------------- the jobs list

/** A list row: ListJobs' summary, with DescribeJob's targets and counts (null when that read failed). */
async function toJobRow(s: JobSummary, createdBy: ReadonlyMap<string, string>): Promise<JobRow> {
  const jobId = s.jobId ?? "";
  const detail = await describeJob(jobId).catch((err: unknown) => {
    // Throttling fails the page (the browser retries it); anything else leaves this row without counts.
    if (err instanceof AppError && err.code === "throttled") throw err;
    return null;
  });
  return {
    jobId,
    status: (s.status ?? "IN_PROGRESS") as JobStatus,
    targetSelection: (s.targetSelection ?? null) as TargetSelection | null,
    createdAtMs: toMs(s.createdAt),
    lastUpdatedAtMs: toMs(s.lastUpdatedAt),
    completedAtMs: toMs(s.completedAt),
    details: detail
      ? {
          targets: detail.targets,
          counts: detail.counts,
          description: detail.description,
          targetCount: detail.targets.every((t) => t.kind === "thing") ? detail.targets.length : null,
        }
      : null,
    createdBy: createdBy.get(jobId) ?? null,
  };
}

/**
 * One ListJobs page, each job with its counts. ListJobs gives neither targets nor counts,
 * so a page costs one DescribeJob per job: pages are small (25 by default) and the calls
 * go a few at a time through the jobs budget.
 */
export async function listJobs(
  filters: JobListFilters,
  nextToken: string | null,
  creators: (jobIds: string[]) => ReadonlyMap<string, string>,
): Promise<{ jobs: JobRow[]; nextToken: string | null }> {
  const args = {
    status: filters.status ?? undefined,
    targetSelection: filters.selection ?? undefined,
    thingGroupName: filters.group ?? undefined,
    maxResults: filters.size,
    nextToken: nextToken ?? undefined,
  };
  const out = await readIot({ operation: "ListJobs", budget: "jobs", key: args }, (c) => c.send(new ListJobsCommand(args)));
  const summaries = (out.jobs ?? []).filter((j) => j.jobId);
  const createdBy = creators(summaries.map((j) => j.jobId!));
  const jobs = await mapWithConcurrency(summaries, 4, (s) => toJobRow(s, createdBy));
  return { jobs, nextToken: normalizeToken(out.nextToken) };
}

// ---------------------------------------------------------------- targets

const TARGET_COUNT = { name: "jobs.targetCount", cacheMs: 60_000, maxEntries: 500 };
/** Beyond this many things in one group the count stops and is given as "at least" (pages of 250: 40 calls). */
export const TARGET_COUNT_MAX = 10_000;

async function countGroupMembers(group: string): Promise<TargetCount> {
  let n = 0;
  let token: string | null = null;
  do {
    // Static groups include their child groups' members, as a job targeting them does.
    const page = await listThingsInGroup(group, true, token, 250);
    n += page.things.length;
    token = page.nextToken;
  } while (token && n < TARGET_COUNT_MAX);
  // Stopped with pages left: there are more members than counted.
  return { count: n, atLeast: token !== null };
}

/**
 * How many things a job targets, groups resolved (members of child groups included, a
 * thing in two targeted groups counted twice: an upper bound), with `atLeast` when a
 * group was too large to count to its end; null when a target cannot be read.
 * DescribeJob has no such count, and the ETA needs one. Cached a minute.
 */
export function jobTargetCount(job: Pick<JobDetail, "jobId" | "targets">): Promise<TargetCount | null> {
  return shared({ ...TARGET_COUNT, key: job.jobId }, async (): Promise<TargetCount | null> => {
    let count = 0;
    let atLeast = false;
    for (const t of job.targets) {
      if (t.kind === "thing") count += 1;
      else if (t.kind === "group") {
        const g = await countGroupMembers(t.name);
        count += g.count;
        atLeast ||= g.atLeast;
      } else return null;
    }
    return { count, atLeast };
  }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
}

// ---------------------------------------------------------------- executions

function toExecutionRow(jobId: string, thingName: string, s: JobExecutionSummary | undefined): ExecutionRow {
  return {
    thingName,
    jobId,
    status: (s?.status ?? "QUEUED") as ExecutionStatus,
    executionNumber: num(s?.executionNumber),
    retryAttempt: num(s?.retryAttempt),
    queuedAtMs: toMs(s?.queuedAt),
    startedAtMs: toMs(s?.startedAt),
    lastUpdatedAtMs: toMs(s?.lastUpdatedAt),
    statusDetails: null,
  };
}

/** One ListJobExecutionsForJob page (up to 250, AWS's maximum). */
export async function listJobExecutions(jobId: string, status: ExecutionStatus | null, nextToken: string | null, size: number): Promise<ExecutionsPage> {
  const args = { jobId, status: status ?? undefined, maxResults: size, nextToken: nextToken ?? undefined };
  const out = await readIot(
    { operation: "ListJobExecutionsForJob", budget: "jobs", key: args, cacheMs: 0 },
    (c) => c.send(new ListJobExecutionsForJobCommand(args)),
    {
      subject: jobId,
    },
  );
  const executions = (out.executionSummaries ?? []).map((e) => {
    const target = e.thingArn ? parseTargetArn(e.thingArn) : null;
    return toExecutionRow(jobId, target?.kind === "thing" ? target.name : (e.thingArn ?? ""), e.jobExecutionSummary);
  });
  return { executions, nextToken: normalizeToken(out.nextToken) };
}

/** Every execution of a job in the given statuses, with the things' ARNs (for a retry job's targets). */
export async function listAllJobExecutionArns(jobId: string, statuses: readonly ExecutionStatus[]): Promise<Array<{ thingName: string; thingArn: string }>> {
  const out: Array<{ thingName: string; thingArn: string }> = [];
  for (const status of statuses) {
    const items = await collectPages(async (token) => {
      const args = { jobId, status, maxResults: 250, nextToken: token };
      const page = await readIot({ operation: "ListJobExecutionsForJob", budget: "jobs", key: args, coalesce: false, retries: 5 }, (c) =>
        c.send(new ListJobExecutionsForJobCommand(args)),
      );
      return { items: page.executionSummaries ?? [], next: page.nextToken };
    });
    for (const e of items) {
      const t = e.thingArn ? parseTargetArn(e.thingArn) : null;
      if (t?.kind === "thing") out.push({ thingName: t.name, thingArn: t.arn });
    }
  }
  return out;
}

function toExecutionDetail(e: JobExecution, thingName: string): ExecutionDetail {
  return {
    ...toExecutionRow(e.jobId ?? "", thingName, e),
    statusDetails: e.statusDetails?.detailsMap ? { ...e.statusDetails.detailsMap } : null,
    versionNumber: num(e.versionNumber),
    forceCanceled: e.forceCanceled === true,
    approximateSecondsBeforeTimedOut: num(e.approximateSecondsBeforeTimedOut),
  };
}

/** DescribeJobExecution (the latest execution of the thing), or null when there is none. */
export async function describeJobExecution(jobId: string, thingName: string): Promise<ExecutionDetail | null> {
  try {
    const out = await readIot({ operation: "DescribeJobExecution", budget: "jobs", key: { jobId, thingName } }, (c) =>
      c.send(new DescribeJobExecutionCommand({ jobId, thingName })),
    );
    return out.execution ? toExecutionDetail(out.execution, thingName) : null;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** The executions of a few things (the rows in view): statusDetails is only in DescribeJobExecution. */
export async function describeJobExecutions(jobId: string, thingNames: readonly string[]): Promise<Record<string, ExecutionDetail | null>> {
  const details = await mapWithConcurrency(thingNames, 4, (t) => describeJobExecution(jobId, t));
  return Object.fromEntries(thingNames.map((t, i) => [t, details[i] ?? null]));
}

/** One page of a thing's executions (ListJobExecutionsForThing), each with its statusDetails. */
export async function listThingJobExecutions(thingName: string, nextToken: string | null, size: number): Promise<ExecutionsPage> {
  const args = { thingName, maxResults: size, nextToken: nextToken ?? undefined };
  const out = await readIot({ operation: "ListJobExecutionsForThing", budget: "jobs", key: args }, (c) => c.send(new ListJobExecutionsForThingCommand(args)), {
    subject: thingName,
  });
  const rows = (out.executionSummaries ?? []).filter((e) => e.jobId).map((e) => toExecutionRow(e.jobId!, thingName, e.jobExecutionSummary));
  // A thing has few executions a page; its details are one DescribeJobExecution each.
  const executions = await mapWithConcurrency(rows, 4, async (r) => {
    const d = await describeJobExecution(r.jobId, thingName).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "throttled") throw err;
      return null;
    });
    return d && d.executionNumber === r.executionNumber ? { ...r, statusDetails: d.statusDetails } : r;
  });
  return { executions, nextToken: normalizeToken(out.nextToken) };
}

// ---------------------------------------------------------------- writes

export interface CancelJobInput {
  jobId: string;
  force: boolean;
  reasonCode?: string;
  comment?: string;
}

/** CancelJob: queued executions are canceled; with force, those in progress too. */
export async function cancelJob(input: CancelJobInput): Promise<{ awsRequestId: string | null }> {
  try {
    const out = await aws("CancelJob", (c) => c.send(new CancelJobCommand(input)), { subject: input.jobId });
    return { awsRequestId: awsRequestIdOf(out) };
  } finally {
    forget(describeSpec(input.jobId));
  }
}

export interface CancelExecutionInput {
  jobId: string;
  thingName: string;
  force: boolean;
}

/** CancelJobExecution of the thing's latest execution (IN_PROGRESS only with force). */
export async function cancelJobExecution(input: CancelExecutionInput): Promise<{ awsRequestId: string | null }> {
  try {
    const out = await aws("CancelJobExecution", (c) => c.send(new CancelJobExecutionCommand(input)), { subject: input.thingName });
    return { awsRequestId: awsRequestIdOf(out) };
  } finally {
    forget(describeSpec(input.jobId));
    forget({ operation: "DescribeJobExecution", budget: "jobs", key: { jobId: input.jobId, thingName: input.thingName } });
  }
}

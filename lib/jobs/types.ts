/**
 * The console's own shapes of AWS IoT Jobs (lib/aws/jobs.ts reshapes the SDK's into
 * these): plain serialisable fields, times in ms since the epoch. No server-only imports:
 * client components render these.
 */
import type { RolloutConfig } from "./rollout";

export const JOB_STATUSES = ["IN_PROGRESS", "SCHEDULED", "COMPLETED", "CANCELED", "DELETION_IN_PROGRESS"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const EXECUTION_STATUSES = ["QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TARGET_SELECTIONS = ["SNAPSHOT", "CONTINUOUS"] as const;
export type TargetSelection = (typeof TARGET_SELECTIONS)[number];

export type FailureType = "FAILED" | "REJECTED" | "TIMED_OUT" | "ALL";

/** Executions by status (jobProcessDetails), every status present. */
export type ExecutionCounts = Record<ExecutionStatus, number>;

export interface AbortCriterion {
  failureType: FailureType;
  action: string;
  thresholdPercentage: number;
  minNumberOfExecutedThings: number;
}

export interface RetryCriterion {
  failureType: "FAILED" | "TIMED_OUT" | "ALL";
  numberOfRetries: number;
}

/** A job target as the console names it: a thing, a thing group (static or dynamic), or an ARN it cannot read. */
export type JobTarget = { kind: "thing"; name: string; arn: string } | { kind: "group"; name: string; arn: string } | { kind: "other"; arn: string };

/** One row of the jobs list: ListJobs' summary with DescribeJob's targets and counts. */
export interface JobRow {
  jobId: string;
  status: JobStatus;
  targetSelection: TargetSelection | null;
  createdAtMs: number | null;
  lastUpdatedAtMs: number | null;
  completedAtMs: number | null;
  /** From DescribeJob; null when that read failed (the row still shows). */
  details: {
    targets: JobTarget[];
    counts: ExecutionCounts;
    description: string | null;
    /** Things targeted when the targets are things only (free to count); null when a group is among them (the list does not resolve groups). */
    targetCount: number | null;
  } | null;
  /** The console user whose Create this was (the console's audit trail); null when created elsewhere. */
  createdBy: string | null;
}

export interface JobsPage {
  jobs: JobRow[];
  nextToken: string | null;
}

export interface JobDetail {
  jobId: string;
  jobArn: string | null;
  status: JobStatus;
  targetSelection: TargetSelection | null;
  description: string | null;
  targets: JobTarget[];
  counts: ExecutionCounts;
  forceCanceled: boolean;
  reasonCode: string | null;
  comment: string | null;
  createdAtMs: number | null;
  lastUpdatedAtMs: number | null;
  completedAtMs: number | null;
  /** Scheduled start, when the job has one. */
  scheduledStartMs: number | null;
  scheduledEndMs: number | null;
  rollout: RolloutConfig | null;
  abortCriteria: AbortCriterion[];
  retryCriteria: RetryCriterion[];
  inProgressTimeoutMinutes: number | null;
  presignedUrlExpiresInSec: number | null;
  documentSource: string | null;
  jobTemplateArn: string | null;
  isConcurrent: boolean;
}

export interface ExecutionRow {
  thingName: string;
  jobId: string;
  status: ExecutionStatus;
  /** 1 for the first try; a retry gets the next number. */
  executionNumber: number | null;
  /** How many times this execution was retried (a retry counts from 0). */
  retryAttempt: number | null;
  queuedAtMs: number | null;
  startedAtMs: number | null;
  lastUpdatedAtMs: number | null;
  /** Only the per-thing list carries them in one call; per job they come from DescribeJobExecution. */
  statusDetails: Record<string, string> | null;
}

export interface ExecutionsPage {
  executions: ExecutionRow[];
  nextToken: string | null;
}

/** One execution in full (DescribeJobExecution). */
export interface ExecutionDetail extends ExecutionRow {
  versionNumber: number | null;
  forceCanceled: boolean;
  approximateSecondsBeforeTimedOut: number | null;
}

/** GET /api/jobs/{jobId}: the job (DescribeJob). */
export interface JobView {
  job: JobDetail;
}

/**
 * How many things a job targets, groups resolved. `atLeast`: the counting stopped at a
 * ceiling (a very large group), so `count` is a lower bound, not the total.
 */
export interface TargetCount {
  count: number;
  atLeast: boolean;
}

export interface JobDocumentView {
  /** As stored, before the presigned-URL placeholders are replaced. */
  document: string | null;
}

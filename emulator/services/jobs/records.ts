import type { ExecutionStatus } from "./data-plane-api";

/**
 * What the Jobs engine stores (kinds prefixed `iot.job`, in the iot service's region view):
 * one document per job (its configuration, counts and rollout cursor; written at most once
 * per tick), its job document apart (up to 32 KB, never changes, so it is written once),
 * the job's target list (written at creation under the job id; things added later, by
 * CONTINUOUS joins or AssociateTargetsWithJob, as append-only chunks `<jobId>|<index of
 * their first name>`), one per execution, one per job template. A job and the executions
 * a rollout step creates are put in the same tick, so they commit in one transaction: a
 * restart resumes the cursor with no duplicates. Job records written before the document
 * kind existed hold `document` themselves; they are still read (and moved on load).
 */
export const JOB_KINDS = {
  job: "iot.job",
  document: "iot.jobDocument",
  targets: "iot.jobTargets",
  execution: "iot.jobExecution",
  template: "iot.jobTemplate",
} as const;

/** The id of a chunk of a job's target list that starts at `index` (the first part is stored under the job id). */
export const targetChunkId = (jobId: string, index: number) => `${jobId}|${index}`;

export { EXECUTION_STATUSES } from "./execution-input";
export const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED"]);

export type JobStatus = "IN_PROGRESS" | "CANCELED" | "COMPLETED" | "DELETION_IN_PROGRESS" | "SCHEDULED";
export type TargetSelection = "CONTINUOUS" | "SNAPSHOT";
export type FailureType = "FAILED" | "REJECTED" | "TIMED_OUT" | "ALL";

export interface PresignedUrlConfig {
  roleArn?: string;
  expiresInSec?: number;
}

export interface RolloutConfig {
  maximumPerMinute?: number;
  exponentialRate?: {
    baseRatePerMinute: number;
    incrementFactor: number;
    rateIncreaseCriteria: { numberOfNotifiedThings?: number; numberOfSucceededThings?: number };
  };
}

export interface AbortCriteria {
  failureType: FailureType;
  action: "CANCEL";
  thresholdPercentage: number;
  minNumberOfExecutedThings: number;
}

export interface RetryCriteria {
  failureType: "FAILED" | "TIMED_OUT" | "ALL";
  numberOfRetries: number;
}

export interface MaintenanceWindow {
  startTime: string;
  durationInMinutes: number;
}

export interface SchedulingConfig {
  startTime?: string;
  endTime?: string;
  endBehavior?: "STOP_ROLLOUT" | "CANCEL" | "FORCE_CANCEL";
  maintenanceWindows?: MaintenanceWindow[];
}

export interface Tag {
  Key: string;
  Value?: string;
}

/** The configuration a job and a job template share. */
export interface JobSettings {
  description?: string;
  document?: string;
  documentSource?: string;
  presignedUrlConfig?: PresignedUrlConfig;
  jobExecutionsRolloutConfig?: RolloutConfig;
  abortConfig?: { criteriaList: AbortCriteria[] };
  timeoutConfig?: { inProgressTimeoutInMinutes?: number };
  jobExecutionsRetryConfig?: { criteriaList: RetryCriteria[] };
  destinationPackageVersions?: string[];
}

export type Counts = Record<ExecutionStatus, number>;

export interface JobRecord extends JobSettings {
  jobId: string;
  /** Creation order (ListJobs pages by it); a reused id gets a new one. */
  seq: number;
  targets: string[];
  targetSelection: TargetSelection;
  status: JobStatus;
  forceCanceled?: boolean;
  reasonCode?: string;
  comment?: string;
  schedulingConfig?: SchedulingConfig;
  jobTemplateArn?: string;
  namespaceId?: string;
  documentParameters?: Record<string, string>;
  tags?: Tag[];
  createdMs: number;
  lastUpdatedMs: number;
  completedMs?: number;
  /** Executions by status, the latest execution of each thing counted once. */
  counts: Counts;
  // ---- rollout cursor ----
  /** How many entries of the target list have been considered (released or skipped). */
  released: number;
  /** Things notified (executions created by the rollout; retries not counted). */
  notified: number;
  /** When the last execution was released (paced rollouts): the next is due one interval at the current rate later. */
  lastReleaseMs?: number;
  /** endBehavior STOP_ROLLOUT reached: nothing more is released. */
  rolloutStopped?: boolean;
  /** Whether the schedule's start has passed (SCHEDULED → IN_PROGRESS). */
  started: boolean;
  /**
   * Things whose latest executions were deleted (DeleteJobExecution), with the highest
   * execution number they had: a later execution of the thing takes the next number.
   */
  deletedExecutionNumbers?: Array<[string, number]>;
}

export interface ExecutionRecord {
  jobId: string;
  thingName: string;
  executionNumber: number;
  status: ExecutionStatus;
  statusDetails?: Record<string, string>;
  forceCanceled?: boolean;
  queuedMs: number;
  startedMs?: number;
  lastUpdatedMs: number;
  versionNumber: number;
  retryAttempt: number;
  /** Global creation order: ties of queuedAt, and list paging. */
  seq: number;
  /** Absolute times (emulator clock) at which the execution times out. */
  inProgressTimeoutMs?: number;
  stepTimeoutMs?: number;
}

export interface JobTemplateRecord extends JobSettings {
  jobTemplateId: string;
  seq: number;
  createdMs: number;
  maintenanceWindows?: MaintenanceWindow[];
  tags?: Tag[];
}

export function emptyCounts(): Counts {
  return { QUEUED: 0, IN_PROGRESS: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, REJECTED: 0, REMOVED: 0, CANCELED: 0 };
}

export const executionKey = (jobId: string, thingName: string, executionNumber: number) => `${jobId}|${thingName}|${executionNumber}`;

import { EXECUTION_STATUSES, type ExecutionCounts, type ExecutionStatus, type FailureType, type JobStatus } from "./types";

/**
 * What a job's counts add up to (pure): AWS's jobProcessDetails gives a count per
 * execution status; the console shows them as one progress bar and a few totals.
 *
 * "Notified" is every execution the rollout has released (each status counts: an
 * execution exists only once its thing was notified); "executed" is those that reached
 * a terminal state other than REMOVED and CANCELED (the thing ran the job to an outcome).
 */

export const TERMINAL_EXECUTION: ReadonlySet<ExecutionStatus> = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED"]);
/** AWS retries only these (DG iot-jobs-lifecycle): the console's "retry the failed" takes the same. */
export const RETRYABLE_EXECUTION: ReadonlySet<ExecutionStatus> = new Set(["FAILED", "TIMED_OUT"]);
/** A job still running its rollout, whose executions may still change. */
export const ACTIVE_JOB: ReadonlySet<JobStatus> = new Set(["IN_PROGRESS", "SCHEDULED"]);

/**
 * Whether a job's figures can still change, so its page keeps polling: it is running or
 * scheduled, or it has ended (a cancel without force) while executions are still in
 * progress on devices, which go on to report an outcome.
 */
export function jobMayChange(job: { status: JobStatus; counts: Pick<ExecutionCounts, "IN_PROGRESS"> }): boolean {
  return ACTIVE_JOB.has(job.status) || job.counts.IN_PROGRESS > 0;
}

export function emptyCounts(): ExecutionCounts {
  return Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as ExecutionCounts;
}

const nonNegative = (n: unknown): number => (typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/** jobProcessDetails (any subset of its `numberOf…Things`) → counts by status. */
export function countsFromProcessDetails(d: Partial<Record<string, unknown>> | null | undefined): ExecutionCounts {
  return {
    QUEUED: nonNegative(d?.numberOfQueuedThings),
    IN_PROGRESS: nonNegative(d?.numberOfInProgressThings),
    SUCCEEDED: nonNegative(d?.numberOfSucceededThings),
    FAILED: nonNegative(d?.numberOfFailedThings),
    TIMED_OUT: nonNegative(d?.numberOfTimedOutThings),
    REJECTED: nonNegative(d?.numberOfRejectedThings),
    REMOVED: nonNegative(d?.numberOfRemovedThings),
    CANCELED: nonNegative(d?.numberOfCanceledThings),
  };
}

export interface JobTotals {
  /** Executions released so far (things notified). */
  notified: number;
  /** Still to finish: queued or in progress. */
  pending: number;
  /** Ran to an outcome: succeeded, failed, timed out or rejected. */
  executed: number;
  succeeded: number;
  /** FAILED + TIMED_OUT + REJECTED. */
  failures: number;
  /** Of the retryable kind (FAILED, TIMED_OUT). */
  retryable: number;
}

export function totalsOf(c: ExecutionCounts): JobTotals {
  const notified = EXECUTION_STATUSES.reduce((n, s) => n + c[s], 0);
  const failures = c.FAILED + c.TIMED_OUT + c.REJECTED;
  return {
    notified,
    pending: c.QUEUED + c.IN_PROGRESS,
    executed: c.SUCCEEDED + failures,
    succeeded: c.SUCCEEDED,
    failures,
    retryable: c.FAILED + c.TIMED_OUT,
  };
}

/** Failures of one abort criterion's type. */
export function failuresOfType(c: ExecutionCounts, type: FailureType): number {
  return type === "ALL" ? c.FAILED + c.TIMED_OUT + c.REJECTED : c[type];
}

/** The order of the progress bar: outcomes first (good, then bad), then work still running, then what was taken away. */
export const BAR_ORDER: readonly ExecutionStatus[] = ["SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "IN_PROGRESS", "QUEUED", "CANCELED", "REMOVED"];

export interface BarSegment {
  status: ExecutionStatus;
  count: number;
  /** Share of the bar's whole, 0..100. */
  percent: number;
}

/**
 * The segments of a progress bar. The whole is the job's targets when known (so a rollout
 * a quarter through shows three quarters not yet notified), else what was notified.
 * Empty statuses are left out; `notNotified` is the rest of the targets.
 */
export function barSegments(c: ExecutionCounts, targetCount: number | null = null): { segments: BarSegment[]; notNotified: number; whole: number } {
  const { notified } = totalsOf(c);
  const whole = Math.max(notified, targetCount ?? 0);
  const pct = (n: number) => (whole > 0 ? (n * 100) / whole : 0);
  const segments = BAR_ORDER.filter((s) => c[s] > 0).map((s) => ({ status: s, count: c[s], percent: pct(c[s]) }));
  return { segments, notNotified: whole - notified, whole };
}

export const EXECUTION_STATUS_LABELS: Record<ExecutionStatus, string> = {
  QUEUED: "Queued",
  IN_PROGRESS: "In progress",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  TIMED_OUT: "Timed out",
  REJECTED: "Rejected",
  REMOVED: "Removed",
  CANCELED: "Canceled",
};

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  IN_PROGRESS: "In progress",
  SCHEDULED: "Scheduled",
  COMPLETED: "Completed",
  CANCELED: "Canceled",
  DELETION_IN_PROGRESS: "Deleting",
};

export type StatusTone = "ok" | "warn" | "bad" | "idle" | "neutral" | "info";

export const EXECUTION_TONES: Record<ExecutionStatus, StatusTone> = {
  QUEUED: "idle",
  IN_PROGRESS: "info",
  SUCCEEDED: "ok",
  FAILED: "bad",
  TIMED_OUT: "warn",
  REJECTED: "bad",
  REMOVED: "neutral",
  CANCELED: "neutral",
};

export const JOB_TONES: Record<JobStatus, StatusTone> = {
  IN_PROGRESS: "info",
  SCHEDULED: "idle",
  COMPLETED: "ok",
  CANCELED: "warn",
  DELETION_IN_PROGRESS: "neutral",
};

import type { S3Objects } from "../s3/api";
import {
  JobsDataError,
  type DataPlaneExecution,
  type ExecutionState,
  type JobsDataPlane,
  type PendingExecutionSummary,
  type UpdateExecutionInput,
  type UpdateExecutionResult,
} from "./data-plane-api";
import { substitutePresigned } from "./documents";
import { checkStatusDetails, checkStepTimeout } from "./execution-input";
import type { JobsEngine, JobState } from "./engine";
import { TERMINAL, type ExecutionRecord } from "./records";

/**
 * The device side of the engine (iot-jobs-data over HTTP and MQTT, emulator/services/iotjobs/):
 * the execution state machine of the developer guide's "Job execution states" table.
 * A device moves QUEUED or IN_PROGRESS to IN_PROGRESS, SUCCEEDED, FAILED or REJECTED; a
 * terminal execution cannot change (InvalidStateTransition, with its state); a wrong
 * `expectedVersion` is a conflict (MQTT VersionMismatch, with the state).
 */

const DEVICE_STATUSES = new Set(["IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED"]);
const seconds = (ms: number) => Math.floor(ms / 1000);

export class EngineDataPlane implements JobsDataPlane {
  constructor(
    private readonly engine: JobsEngine,
    private readonly objects: () => S3Objects | undefined,
  ) {}

  onPendingChange(listener: (thingName: string) => void): () => void {
    return this.engine.onPendingChange(listener);
  }

  afterCommit(fn: () => void): void {
    this.engine.afterCommit(fn);
  }

  getPending(thingName: string): { inProgressJobs: PendingExecutionSummary[]; queuedJobs: PendingExecutionSummary[] } {
    const inProgressJobs: PendingExecutionSummary[] = [];
    const queuedJobs: PendingExecutionSummary[] = [];
    for (const { exec } of this.pending(thingName)) (exec.status === "IN_PROGRESS" ? inProgressJobs : queuedJobs).push(summary(exec));
    return { inProgressJobs, queuedJobs };
  }

  async startNext(
    thingName: string,
    input: { statusDetails?: Record<string, string>; stepTimeoutInMinutes?: number },
  ): Promise<DataPlaneExecution | undefined> {
    const statusDetails = checkStatusDetails(input.statusDetails);
    const step = checkStepTimeout(input.stepTimeoutInMinutes);
    const next = this.next(thingName);
    if (!next) return undefined;
    const { job, exec } = next;
    // An execution already IN_PROGRESS is returned as it is (the guide: "gets and starts the next pending").
    if (exec.status === "QUEUED") {
      const now = this.engine.now();
      this.engine.setStepTimeout(exec, step, now);
      this.engine.setStatus(job, exec, "IN_PROGRESS", now, { statusDetails });
    }
    return this.render(job, exec, true);
  }

  async describe(thingName: string, jobId: string, opts: { executionNumber?: number; includeJobDocument: boolean }): Promise<DataPlaneExecution> {
    this.requireThing(thingName);
    if (jobId === "$next") {
      const next = this.next(thingName);
      if (!next) throw new JobsDataError("ResourceNotFoundException", `No pending job execution for thing ${thingName}`, "ResourceNotFound");
      return this.render(next.job, next.exec, opts.includeJobDocument);
    }
    const { job, exec } = this.find(thingName, jobId, opts.executionNumber);
    // "The job is in a terminal state": a finished execution of a finished job (unverified which AWS means).
    if (TERMINAL.has(exec.status) && job.rec.status !== "IN_PROGRESS" && job.rec.status !== "SCHEDULED") {
      throw new JobsDataError(
        "TerminalStateException",
        `Job ${jobId} is ${job.rec.status} and its execution on ${thingName} is ${exec.status}`,
        "TerminalStateReached",
      );
    }
    return this.render(job, exec, opts.includeJobDocument);
  }

  async update(thingName: string, jobId: string, input: UpdateExecutionInput): Promise<UpdateExecutionResult> {
    const statusDetails = checkStatusDetails(input.statusDetails);
    const step = checkStepTimeout(input.stepTimeoutInMinutes);
    if (!DEVICE_STATUSES.has(input.status)) {
      throw new JobsDataError(
        "InvalidRequestException",
        `status must be one of IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, not '${input.status}'`,
        "InvalidRequest",
      );
    }
    const { job, exec } = this.find(thingName, jobId, input.executionNumber);
    if (input.expectedVersion !== undefined && input.expectedVersion !== exec.versionNumber) {
      throw new JobsDataError(
        "ConflictException",
        `The expected version ${input.expectedVersion} does not match the job execution's version ${exec.versionNumber}`,
        "VersionMismatch",
        state(exec),
      );
    }
    if (TERMINAL.has(exec.status)) {
      throw new JobsDataError(
        "InvalidStateTransitionException",
        `Job execution of ${jobId} on ${thingName} is ${exec.status} and cannot be updated to ${input.status}`,
        "InvalidStateTransition",
        state(exec),
      );
    }
    const now = this.engine.now();
    const status = input.status as ExecutionRecord["status"];
    if (status === "IN_PROGRESS" || exec.status === "IN_PROGRESS") this.engine.setStepTimeout(exec, step, now);
    this.engine.setStatus(job, exec, status, now, { statusDetails });
    const out: UpdateExecutionResult = {};
    if (input.includeJobExecutionState) out.executionState = state(exec);
    if (input.includeJobDocument) out.jobDocument = this.document(job);
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------------

  private requireThing(thingName: string): void {
    if (!this.engine.registry.things.has(thingName))
      throw new JobsDataError("ResourceNotFoundException", `Thing ${thingName} cannot be found.`, "ResourceNotFound");
  }

  private find(thingName: string, jobId: string, executionNumber: number | undefined): { job: JobState; exec: ExecutionRecord } {
    const job = this.engine.jobs.get(jobId);
    const exec = job && job.rec.status !== "DELETION_IN_PROGRESS" ? this.engine.execution(job, thingName, executionNumber) : undefined;
    if (!job || !exec) {
      throw new JobsDataError(
        "ResourceNotFoundException",
        `Job execution of ${jobId} on thing ${thingName}${executionNumber === undefined ? "" : ` (execution ${executionNumber})`} does not exist`,
        "ResourceNotFound",
      );
    }
    return { job, exec };
  }

  /** QUEUED and IN_PROGRESS executions of a thing, each group in the order they were queued. */
  private pending(thingName: string): Array<{ job: JobState; exec: ExecutionRecord }> {
    return this.engine
      .executionsOfThing(thingName)
      .filter(({ exec }) => exec.status === "QUEUED" || exec.status === "IN_PROGRESS")
      .sort((a, b) => a.exec.queuedMs - b.exec.queuedMs || a.exec.seq - b.exec.seq);
  }

  /** `$next`: the oldest IN_PROGRESS execution, else the oldest QUEUED one. */
  private next(thingName: string): { job: JobState; exec: ExecutionRecord } | undefined {
    const pending = this.pending(thingName);
    return pending.find((p) => p.exec.status === "IN_PROGRESS") ?? pending[0];
  }

  document(job: JobState): string {
    return substitutePresigned(job.rec.document ?? "", this.objects(), job.rec.presignedUrlConfig?.expiresInSec ?? 3600);
  }

  private render(job: JobState, e: ExecutionRecord, includeJobDocument: boolean): DataPlaneExecution {
    const out: DataPlaneExecution = {
      jobId: e.jobId,
      thingName: e.thingName,
      status: e.status,
      queuedAt: seconds(e.queuedMs),
      lastUpdatedAt: seconds(e.lastUpdatedMs),
      versionNumber: e.versionNumber,
      executionNumber: e.executionNumber,
    };
    if (e.statusDetails) out.statusDetails = e.statusDetails;
    if (e.startedMs !== undefined) out.startedAt = seconds(e.startedMs);
    const left = this.engine.secondsBeforeTimeout(e, this.engine.now());
    if (left !== undefined) out.approximateSecondsBeforeTimedOut = left;
    if (includeJobDocument) out.jobDocument = this.document(job);
    return out;
  }
}

function summary(e: ExecutionRecord): PendingExecutionSummary {
  const s: PendingExecutionSummary = {
    jobId: e.jobId,
    queuedAt: seconds(e.queuedMs),
    lastUpdatedAt: seconds(e.lastUpdatedMs),
    versionNumber: e.versionNumber,
    executionNumber: e.executionNumber,
  };
  if (e.startedMs !== undefined) s.startedAt = seconds(e.startedMs);
  return s;
}

function state(e: ExecutionRecord): ExecutionState {
  const s: ExecutionState = { status: e.status, versionNumber: e.versionNumber };
  if (e.statusDetails) s.statusDetails = e.statusDetails;
  return s;
}

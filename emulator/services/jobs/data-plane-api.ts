import { AwsError } from "../../server/errors";

/**
 * The contract between the Jobs engine (iot control plane, emulator/services/jobs/) and
 * the Jobs data plane (iot-jobs-data over HTTP and MQTT, emulator/services/iotjobs/).
 * Wire shapes: timestamps are epoch seconds (numbers), as iot-jobs-data reports them.
 */

export type ExecutionStatus = "QUEUED" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "REJECTED" | "REMOVED" | "CANCELED";

/** GetPendingJobExecutions items (JobExecutionSummary of iot-jobs-data). */
export interface PendingExecutionSummary {
  jobId: string;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
}

/** JobExecution of iot-jobs-data. */
export interface DataPlaneExecution {
  jobId: string;
  thingName: string;
  status: ExecutionStatus;
  statusDetails?: Record<string, string>;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  approximateSecondsBeforeTimedOut?: number;
  versionNumber: number;
  executionNumber: number;
  /** The document as the device sees it: presigned-URL placeholders replaced. */
  jobDocument?: string;
}

export interface ExecutionState {
  status: ExecutionStatus;
  statusDetails?: Record<string, string>;
  versionNumber: number;
}

export interface UpdateExecutionInput {
  status: string;
  statusDetails?: Record<string, string>;
  stepTimeoutInMinutes?: number;
  expectedVersion?: number;
  executionNumber?: number;
  includeJobExecutionState?: boolean;
  includeJobDocument?: boolean;
}

export interface UpdateExecutionResult {
  executionState?: ExecutionState;
  jobDocument?: string;
}

/**
 * An error of the data plane. `mqttCode` is the code of the MQTT error document
 * (`…/rejected`: InvalidRequest, ResourceNotFound, InvalidStateTransition, VersionMismatch,
 * TerminalStateReached, ...); `executionState` goes into that document for
 * InvalidStateTransition and VersionMismatch only (never into an HTTP error body).
 */
export class JobsDataError extends AwsError {
  constructor(
    code: string,
    message: string,
    readonly mqttCode: string,
    readonly executionState?: ExecutionState,
  ) {
    super(code, message);
  }
}

export interface JobsDataPlane {
  /** In-progress executions first, then queued, each in the order they were queued. */
  getPending(thingName: string): { inProgressJobs: PendingExecutionSummary[]; queuedJobs: PendingExecutionSummary[] };
  /** Starts the next pending execution (IN_PROGRESS first, else the oldest QUEUED); undefined when there is none. */
  startNext(thingName: string, input: { statusDetails?: Record<string, string>; stepTimeoutInMinutes?: number }): Promise<DataPlaneExecution | undefined>;
  /** jobId may be `$next`. Throws JobsDataError (ResourceNotFoundException, TerminalStateException, ...). */
  describe(thingName: string, jobId: string, opts: { executionNumber?: number; includeJobDocument: boolean }): Promise<DataPlaneExecution>;
  update(thingName: string, jobId: string, input: UpdateExecutionInput): Promise<UpdateExecutionResult>;
  /**
   * Called after every change to a thing's pending executions (one queued, started,
   * finished, canceled, removed, timed out, deleted), once per thing per change, after the
   * change is in the store. The data plane publishes `jobs/notify` and `jobs/notify-next` from it.
   */
  onPendingChange(listener: (thingName: string) => void): () => void;
  /**
   * Runs `fn` once every change made so far is committed (the engine's store): an MQTT
   * answer goes out only then, as an HTTP answer does, so a device never acts on a change
   * a crash would undo.
   */
  afterCommit(fn: () => void): void;
}

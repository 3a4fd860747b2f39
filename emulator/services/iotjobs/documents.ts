import { AwsError } from "../../server/errors";
import { JobsDataError, type DataPlaneExecution, type ExecutionState, type PendingExecutionSummary } from "../jobs/data-plane-api";

/**
 * The documents of the Jobs MQTT API (developer guide "Jobs device MQTT API operations",
 * "Jobs notifications"; the AWS IoT Device SDK v2 `iotjobs` models name the same fields).
 * They differ from the HTTP answers in three ways: every message carries `timestamp`
 * (epoch seconds, when it was sent) and echoes the request's `clientToken`; `jobDocument`
 * is the document as a JSON object, not a string; errors are a document on `…/rejected`
 * with a Jobs-specific `code` instead of an exception name.
 */

/** The error codes of an MQTT error document (developer guide, "Jobs device MQTT API operations": error codes). */
export type MqttErrorCode =
  | "InvalidTopic"
  | "InvalidJson"
  | "InvalidRequest"
  | "InvalidStateTransition"
  | "ResourceNotFound"
  | "VersionMismatch"
  | "InternalError"
  | "RequestThrottled"
  | "TerminalStateReached";

/** Exception (HTTP) → code (MQTT), for errors that are not a JobsDataError with its own code. */
const MQTT_CODE_OF: Record<string, MqttErrorCode> = {
  InvalidRequestException: "InvalidRequest",
  SerializationException: "InvalidJson",
  ResourceNotFoundException: "ResourceNotFound",
  InvalidStateTransitionException: "InvalidStateTransition",
  TerminalStateException: "TerminalStateReached",
  ThrottlingException: "RequestThrottled",
  ConflictException: "VersionMismatch",
  VersionConflictException: "VersionMismatch",
};

/** The codes whose error document carries the execution's current state (the guide names these two). */
const WITH_STATE = new Set<string>(["InvalidStateTransition", "VersionMismatch"]);

/** A refused MQTT request before it reached the engine: a code of its own (InvalidJson, InvalidTopic). */
export class MqttRequestError extends Error {
  constructor(
    readonly code: MqttErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ErrorDocument {
  code: string;
  message: string;
  timestamp: number;
  clientToken?: string;
  executionState?: ExecutionState;
}

/** The `…/rejected` document of an error; an unexpected error is an InternalError (and is logged by the caller). */
export function errorDocument(err: unknown, timestamp: number, clientToken: string | undefined): { doc: ErrorDocument; internal: boolean } {
  let code: string;
  let message: string;
  let state: ExecutionState | undefined;
  let internal = false;
  if (err instanceof MqttRequestError) {
    code = err.code;
    message = err.message;
  } else if (err instanceof JobsDataError) {
    code = err.mqttCode;
    message = err.message;
    state = err.executionState;
  } else if (err instanceof AwsError && MQTT_CODE_OF[err.code]) {
    code = MQTT_CODE_OF[err.code];
    message = err.message;
  } else {
    code = "InternalError";
    message = "Internal service failure";
    internal = true;
  }
  const doc: ErrorDocument = { code, message, timestamp, ...(clientToken !== undefined ? { clientToken } : {}) };
  if (state && WITH_STATE.has(code)) doc.executionState = state;
  return { doc, internal };
}

/**
 * The job document as MQTT carries it: the parsed JSON object. A document that is not
 * JSON (the control plane should not let one in) is sent as the string it is.
 */
export function documentObject(doc: string): unknown {
  try {
    return JSON.parse(doc);
  } catch {
    return doc;
  }
}

/** An execution in an MQTT answer or notify-next: the HTTP JobExecution with the document as an object. */
export function mqttExecution(e: DataPlaneExecution): Record<string, unknown> {
  const { jobDocument, ...rest } = e;
  return jobDocument === undefined ? { ...rest } : { ...rest, jobDocument: documentObject(jobDocument) };
}

/** notify's list: the guide says at most 10 pending executions without scheduling configuration (15 with); 10 here. */
export const MAX_LISTED = 10;

/**
 * The `jobs/notify` document: pending executions by status, IN_PROGRESS before QUEUED, each
 * in the order they were queued, at most MAX_LISTED in all. A status with none is left out,
 * so a thing with nothing pending gets `"jobs": {}`.
 */
export function notifyDocument(
  pending: { inProgressJobs: PendingExecutionSummary[]; queuedJobs: PendingExecutionSummary[] },
  timestamp: number,
): { timestamp: number; jobs: Record<string, PendingExecutionSummary[]> } {
  const inProgress = pending.inProgressJobs.slice(0, MAX_LISTED);
  const queued = pending.queuedJobs.slice(0, MAX_LISTED - inProgress.length);
  const jobs: Record<string, PendingExecutionSummary[]> = {};
  if (inProgress.length) jobs.IN_PROGRESS = inProgress;
  if (queued.length) jobs.QUEUED = queued;
  return { timestamp, jobs };
}

/**
 * GetPendingJobExecutions' answer (HTTP and `jobs/get`): the developer guide's job limits
 * say the API "can return up to a maximum of 10 pending job executions" (without a
 * scheduling configuration). How AWS splits the 10 between the two lists is not stated;
 * here as notify: IN_PROGRESS first, then QUEUED, each in the order they were queued.
 */
export function pendingAnswer(pending: { inProgressJobs: PendingExecutionSummary[]; queuedJobs: PendingExecutionSummary[] }): {
  inProgressJobs: PendingExecutionSummary[];
  queuedJobs: PendingExecutionSummary[];
} {
  const inProgressJobs = pending.inProgressJobs.slice(0, MAX_LISTED);
  return { inProgressJobs, queuedJobs: pending.queuedJobs.slice(0, MAX_LISTED - inProgressJobs.length) };
}

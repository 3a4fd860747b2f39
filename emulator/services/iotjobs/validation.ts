import { invalid } from "../../server/errors";
import type { ExecutionStatus, UpdateExecutionInput } from "../jobs/data-plane-api";
import { checkStatusDetails, checkStepTimeout, EXECUTION_STATUSES, violation } from "../jobs/execution-input";

export { checkStatusDetails, checkStepTimeout, MAX_DETAILS_KEY, MAX_DETAILS_PAIRS, MAX_DETAILS_VALUE, MAX_STEP_TIMEOUT } from "../jobs/execution-input";

/**
 * Request validation of the iot-jobs-data plane, shared by the HTTP routes and the MQTT
 * topics so both refuse the same inputs with the same message. Constraints come from the
 * iot-jobs-data model (botocore `iot-jobs-data/2017-09-29`) and the developer guide's
 * jobs-mqtt-api page; the SDKs check none of them client-side. The execution checks
 * (statusDetails, stepTimeoutInMinutes, statuses) are the engine's, jobs/execution-input.ts.
 */

const NAME = /^[a-zA-Z0-9:_-]+$/;
const JOB_ID = /^[a-zA-Z0-9_-]+$/;
export const MAX_THING_NAME = 128;
export const MAX_JOB_ID = 64;
/** clientToken (MQTT requests): up to 64 bytes, echoed in the answer. */
export const MAX_CLIENT_TOKEN = 64;

export function checkThingName(value: unknown): string {
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_THING_NAME || !NAME.test(value)) {
    throw violation(
      value,
      "thingName",
      "Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
    );
  }
  return value;
}

/** A job id; `$next` only where the operation allows it (DescribeJobExecution). */
export function checkJobId(value: unknown, allowNext: boolean): string {
  if (allowNext && value === "$next") return value;
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_JOB_ID || !JOB_ID.test(value)) {
    const pattern = allowNext ? "[a-zA-Z0-9_-]+|^\\$next" : "[a-zA-Z0-9_-]+";
    throw violation(
      value,
      "jobId",
      `Member must have length less than or equal to 64, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${pattern}`,
    );
  }
  return value;
}

/** A `long` member (expectedVersion, executionNumber): a whole number, not negative. */
function checkLong(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw invalid(`${member} must be a whole number`);
  return value;
}

function checkBoolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(`${member} must be a boolean`);
  return value;
}

function checkStatus(value: unknown): ExecutionStatus {
  if (value === undefined || value === null) throw violation(value, "status", "Member must not be null");
  if (typeof value !== "string" || !(EXECUTION_STATUSES as readonly string[]).includes(value)) {
    throw violation(value, "status", `Member must satisfy enum value set: [${EXECUTION_STATUSES.join(", ")}]`);
  }
  return value as ExecutionStatus;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw invalid("The request body must be a JSON object");
  return body as Record<string, unknown>;
}

/** The body of StartNextPendingJobExecution (HTTP) or a `jobs/start-next` message. */
export function parseStartNext(body: unknown): { statusDetails?: Record<string, string>; stepTimeoutInMinutes?: number } {
  const b = asObject(body);
  const statusDetails = checkStatusDetails(b.statusDetails);
  const stepTimeoutInMinutes = checkStepTimeout(b.stepTimeoutInMinutes);
  return { ...(statusDetails ? { statusDetails } : {}), ...(stepTimeoutInMinutes !== undefined ? { stepTimeoutInMinutes } : {}) };
}

/** The body of UpdateJobExecution (HTTP) or a `jobs/{jobId}/update` message. */
export function parseUpdate(body: unknown): UpdateExecutionInput {
  const b = asObject(body);
  const input: UpdateExecutionInput = { status: checkStatus(b.status) };
  const statusDetails = checkStatusDetails(b.statusDetails);
  if (statusDetails) input.statusDetails = statusDetails;
  const optional = {
    stepTimeoutInMinutes: checkStepTimeout(b.stepTimeoutInMinutes),
    expectedVersion: checkLong(b.expectedVersion, "expectedVersion"),
    executionNumber: checkLong(b.executionNumber, "executionNumber"),
    includeJobExecutionState: checkBoolean(b.includeJobExecutionState, "includeJobExecutionState"),
    includeJobDocument: checkBoolean(b.includeJobDocument, "includeJobDocument"),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (input as unknown as Record<string, unknown>)[k] = v;
  return input;
}

/** The options of a `jobs/{jobId}/get` message (DescribeJobExecution over MQTT). */
export function parseDescribeMessage(body: unknown): { executionNumber?: number; includeJobDocument: boolean } {
  const b = asObject(body);
  const executionNumber = checkLong(b.executionNumber, "executionNumber");
  // The guide: "Unless set to false, the response contains the job document."
  const includeJobDocument = checkBoolean(b.includeJobDocument, "includeJobDocument") ?? true;
  return { ...(executionNumber !== undefined ? { executionNumber } : {}), includeJobDocument };
}

/** Query-string forms (DescribeJobExecution over HTTP). */
export function queryBoolean(raw: string | null, member: string): boolean | undefined {
  if (raw === null) return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw invalid(`${member} must be true or false`);
}

export function queryLong(raw: string | null, member: string): number | undefined {
  if (raw === null) return undefined;
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(`${member} must be a whole number`);
  return n;
}

/**
 * The clientToken of an MQTT request, echoed in its answer. A token that is not a string,
 * or is longer than 64 bytes, fails the request (and is not echoed).
 */
export function clientTokenOf(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const t = (body as Record<string, unknown>).clientToken;
  if (t === undefined || t === null) return undefined;
  if (typeof t !== "string" || t.length < 1 || Buffer.byteLength(t) > MAX_CLIENT_TOKEN) throw invalid("clientToken must be a string of 1 to 64 bytes");
  return t;
}

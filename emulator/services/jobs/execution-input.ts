import { JobsDataError, type ExecutionStatus } from "./data-plane-api";

/**
 * The checks of what a caller says about an execution, in one place for every way in:
 * iot-jobs-data over HTTP and MQTT (emulator/services/iotjobs/validation.ts re-exports
 * them), the engine's data plane, and iot's CancelJobExecution. Constraints from the
 * models (iot 2015-05-28 and iot-jobs-data 2017-09-29 share DetailsKey and DetailsValue)
 * and the developer guide; the SDKs check none of them client-side. Errors are
 * InvalidRequestException (MQTT code InvalidRequest) in AWS's "1 validation error
 * detected" form.
 */

/** JobExecutionStatus, every value the wire may carry (which a device may set is the engine's rule). */
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ["QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED"];

const DETAILS_KEY = /^[a-zA-Z0-9:_-]+$/;
/** DetailsValue pattern `[^\p{C}]+`: no control, format, unassigned or private-use characters. */
const CONTROL = /\p{C}/u;

export const MAX_DETAILS_KEY = 128;
/** The developer guide: "The maximum length of the value in the name/value pair is 1,024 characters" (the model has no max). */
export const MAX_DETAILS_VALUE = 1024;
/** Status-details pairs per request: iot's CancelJobExecution says "at most 10"; iot-jobs-data's model does not say (assumed the same). */
export const MAX_DETAILS_PAIRS = 10;
/** stepTimeoutInMinutes: 1..10080 (7 days), or -1 to cancel the step timer. */
export const MAX_STEP_TIMEOUT = 10080;

/** An InvalidRequestException in AWS's validation form. */
export function violation(value: unknown, member: string, constraint: string): JobsDataError {
  const shown = value === undefined || value === null ? "null" : `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
  return new JobsDataError(
    "InvalidRequestException",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
    "InvalidRequest",
  );
}

export function checkStatusDetails(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new JobsDataError("InvalidRequestException", "statusDetails must be a map of strings to strings", "InvalidRequest");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_DETAILS_PAIRS) {
    throw violation(value, "statusDetails", `Member must have at most ${MAX_DETAILS_PAIRS} entries`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > MAX_DETAILS_KEY || !DETAILS_KEY.test(k)) {
      throw violation(
        value,
        "statusDetails",
        "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+]",
      );
    }
    if (typeof v !== "string" || v.length < 1 || v.length > MAX_DETAILS_VALUE || CONTROL.test(v)) {
      throw violation(
        value,
        "statusDetails",
        "Map value must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [^\\p{C}]+]",
      );
    }
    out[k] = v;
  }
  return out;
}

export function checkStepTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || (value !== -1 && (value < 1 || value > MAX_STEP_TIMEOUT))) {
    throw violation(value, "stepTimeoutInMinutes", `Member must be -1 or between 1 and ${MAX_STEP_TIMEOUT}`);
  }
  return value;
}

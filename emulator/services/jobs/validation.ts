import { AwsError, invalid } from "../../server/errors";
import type { AbortCriteria, JobSettings, MaintenanceWindow, PresignedUrlConfig, RetryCriteria, RolloutConfig, SchedulingConfig, Tag } from "./records";
import { checkDocument } from "./documents";
import { compileWindow } from "./schedule";

/**
 * The Jobs control plane's request shapes, checked against the model (botocore's
 * iot 2015-05-28) and the developer guide's limits. botocore checks minimums only, so
 * maxima and patterns are enforced here; messages follow AWS's "1 validation error
 * detected: Value '…' at '…' failed to satisfy constraint: …" form.
 */

export const JOB_ID = /^[a-zA-Z0-9_-]+$/;
const REASON_CODE = /^[\p{Lu}\p{Nd}_]+$/u;
const NO_CONTROL = /^[^\p{C}]+$/u;
const ARN = /^arn:[!-~]+$/;
export const MAX_TARGETS = 100;
export const MAX_IN_PROGRESS_TIMEOUT_MINUTES = 10_080;

function constraint(value: unknown, member: string, text: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${text}`);
}

export function checkId(value: unknown, member: string): string {
  if (typeof value !== "string" || value.length < 1 || value.length > 64 || !JOB_ID.test(value)) {
    throw constraint(
      value,
      member,
      "Member must have length less than or equal to 64, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
    );
  }
  return value;
}

function obj(value: unknown, member: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`${member} must be an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, member: string, opts: { min?: number; max?: number; pattern?: RegExp; patternText?: string } = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${member} must be a string`);
  if (value.length < (opts.min ?? 0)) throw constraint(value, member, `Member must have length greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && value.length > opts.max) throw constraint(value, member, `Member must have length less than or equal to ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(value))
    throw constraint(value, member, `Member must satisfy regular expression pattern: ${opts.patternText ?? opts.pattern.source}`);
  return value;
}

function num(value: unknown, member: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (opts.integer !== false && !Number.isInteger(value))) {
    throw invalid(`${member} must be ${opts.integer === false ? "a number" : "an integer"}`);
  }
  if (opts.min !== undefined && value < opts.min) throw constraint(value, member, `Member must have value greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && value > opts.max) throw constraint(value, member, `Member must have value less than or equal to ${opts.max}`);
  return value;
}

function list(value: unknown, member: string, min = 0, max = Infinity): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`${member} must be a list`);
  if (value.length < min) throw constraint(value, member, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
  return value;
}

function oneOf<T extends string>(value: unknown, member: string, values: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !values.includes(value as T)) throw constraint(value, member, `Member must satisfy enum value set: [${values.join(", ")}]`);
  return value as T;
}

/** At most two decimals (thresholdPercentage), one for incrementFactor. */
function decimals(value: number, places: number): boolean {
  return Math.abs(Math.round(value * 10 ** places) - value * 10 ** places) < 1e-9;
}

export const description = (v: unknown, member = "description") => str(v, member, { max: 2028, pattern: NO_CONTROL, patternText: "[^\\p{C}]+" });
export const comment = (v: unknown) => str(v, "comment", { max: 2028, pattern: NO_CONTROL, patternText: "[^\\p{C}]+" });
export const reasonCode = (v: unknown) => str(v, "reasonCode", { max: 128, pattern: REASON_CODE, patternText: "[\\p{Upper}\\p{Digit}_]+" });
// The model gives namespaceId a pattern only, no length bounds.
export const namespaceId = (v: unknown) => str(v, "namespaceId", { min: 1, pattern: JOB_ID });
export const thingGroupId = (v: unknown) => str(v, "thingGroupId", { min: 1, max: 128, pattern: /^[a-zA-Z0-9-]+$/, patternText: "[a-zA-Z0-9\\-]+" });
export const templateArn = (v: unknown) => str(v, "jobTemplateArn", { min: 1, max: 1600, pattern: ARN, patternText: "^arn:[!-~]+$" });

export function targets(v: unknown, member = "targets"): string[] {
  const l = list(v, member, 1);
  if (!l) throw invalid(`${member} is required`);
  if (l.length > MAX_TARGETS) throw new AwsError("LimitExceededException", `A job can have at most ${MAX_TARGETS} targets`);
  return l.map((t, i) => str(t, `${member}.${i + 1}.member`, { min: 1, max: 2048 })!);
}

export function presignedUrlConfig(v: unknown): PresignedUrlConfig | undefined {
  const o = obj(v, "presignedUrlConfig");
  if (!o) return undefined;
  const out: PresignedUrlConfig = {};
  const roleArn = str(o.roleArn, "presignedUrlConfig.roleArn", { min: 20, max: 2048 });
  const expires = num(o.expiresInSec, "presignedUrlConfig.expiresInSec", { min: 60, max: 3600 });
  if (roleArn !== undefined) out.roleArn = roleArn;
  if (expires !== undefined) out.expiresInSec = expires;
  return out;
}

export function rolloutConfig(v: unknown): RolloutConfig | undefined {
  const o = obj(v, "jobExecutionsRolloutConfig");
  if (!o) return undefined;
  const out: RolloutConfig = {};
  const max = num(o.maximumPerMinute, "jobExecutionsRolloutConfig.maximumPerMinute", { min: 1 });
  if (max !== undefined) out.maximumPerMinute = max;
  const e = obj(o.exponentialRate, "jobExecutionsRolloutConfig.exponentialRate");
  if (e) {
    const m = "jobExecutionsRolloutConfig.exponentialRate";
    const base = num(e.baseRatePerMinute, `${m}.baseRatePerMinute`, { min: 1, max: 1000 });
    const factor = num(e.incrementFactor, `${m}.incrementFactor`, { min: 1.1, max: 5, integer: false });
    const c = obj(e.rateIncreaseCriteria, `${m}.rateIncreaseCriteria`);
    if (base === undefined || factor === undefined || !c) throw invalid(`${m} needs baseRatePerMinute, incrementFactor and rateIncreaseCriteria`);
    if (!decimals(factor, 1)) throw invalid(`${m}.incrementFactor may have at most one decimal place`);
    const notified = num(c.numberOfNotifiedThings, `${m}.rateIncreaseCriteria.numberOfNotifiedThings`, { min: 1 });
    const succeeded = num(c.numberOfSucceededThings, `${m}.rateIncreaseCriteria.numberOfSucceededThings`, { min: 1 });
    if ((notified === undefined) === (succeeded === undefined))
      throw invalid(`${m}.rateIncreaseCriteria needs exactly one of numberOfNotifiedThings and numberOfSucceededThings`);
    out.exponentialRate = {
      baseRatePerMinute: base,
      incrementFactor: factor,
      rateIncreaseCriteria: notified !== undefined ? { numberOfNotifiedThings: notified } : { numberOfSucceededThings: succeeded },
    };
  }
  return out;
}

export function abortConfig(v: unknown): { criteriaList: AbortCriteria[] } | undefined {
  const o = obj(v, "abortConfig");
  if (!o) return undefined;
  const l = list(o.criteriaList, "abortConfig.criteriaList", 1);
  if (!l) throw invalid("abortConfig.criteriaList is required");
  const seen = new Set<string>();
  const criteriaList = l.map((raw, i) => {
    const m = `abortConfig.criteriaList.${i + 1}.member`;
    const c = obj(raw, m) ?? {};
    const failureType = oneOf(c.failureType, `${m}.failureType`, ["FAILED", "REJECTED", "TIMED_OUT", "ALL"] as const);
    const action = oneOf(c.action, `${m}.action`, ["CANCEL"] as const);
    const thresholdPercentage = num(c.thresholdPercentage, `${m}.thresholdPercentage`, { min: 0, max: 100, integer: false });
    const minNumberOfExecutedThings = num(c.minNumberOfExecutedThings, `${m}.minNumberOfExecutedThings`, { min: 1 });
    if (!failureType || !action || thresholdPercentage === undefined || minNumberOfExecutedThings === undefined) {
      throw invalid(`${m} needs failureType, action, thresholdPercentage and minNumberOfExecutedThings`);
    }
    if (!decimals(thresholdPercentage, 2)) throw invalid(`${m}.thresholdPercentage may have at most two decimal places`);
    if (seen.has(failureType)) throw invalid(`abortConfig.criteriaList has more than one criterion for ${failureType}`);
    seen.add(failureType);
    return { failureType, action, thresholdPercentage, minNumberOfExecutedThings };
  });
  return { criteriaList };
}

export function timeoutConfig(v: unknown): { inProgressTimeoutInMinutes?: number } | undefined {
  const o = obj(v, "timeoutConfig");
  if (!o) return undefined;
  const minutes = num(o.inProgressTimeoutInMinutes, "timeoutConfig.inProgressTimeoutInMinutes", { min: 1, max: MAX_IN_PROGRESS_TIMEOUT_MINUTES });
  return minutes === undefined ? {} : { inProgressTimeoutInMinutes: minutes };
}

export function retryConfig(v: unknown): { criteriaList: RetryCriteria[] } | undefined {
  const o = obj(v, "jobExecutionsRetryConfig");
  if (!o) return undefined;
  const l = list(o.criteriaList, "jobExecutionsRetryConfig.criteriaList", 1, 2);
  if (!l) throw invalid("jobExecutionsRetryConfig.criteriaList is required");
  const seen = new Set<string>();
  const criteriaList = l.map((raw, i) => {
    const m = `jobExecutionsRetryConfig.criteriaList.${i + 1}.member`;
    const c = obj(raw, m) ?? {};
    const failureType = oneOf(c.failureType, `${m}.failureType`, ["FAILED", "TIMED_OUT", "ALL"] as const);
    const numberOfRetries = num(c.numberOfRetries, `${m}.numberOfRetries`, { min: 0, max: 10 });
    if (!failureType || numberOfRetries === undefined) throw invalid(`${m} needs failureType and numberOfRetries`);
    if (seen.has(failureType)) throw invalid(`jobExecutionsRetryConfig.criteriaList has more than one criterion for ${failureType}`);
    seen.add(failureType);
    return { failureType, numberOfRetries };
  });
  return { criteriaList };
}

export function maintenanceWindows(v: unknown, member: string): MaintenanceWindow[] | undefined {
  const l = list(v, member, 0, 5);
  if (!l) return undefined;
  return l.map((raw, i) => {
    const m = `${member}.${i + 1}.member`;
    const w = obj(raw, m) ?? {};
    const startTime = str(w.startTime, `${m}.startTime`, { min: 1, max: 256 });
    const durationInMinutes = num(w.durationInMinutes, `${m}.durationInMinutes`, { min: 1, max: 1430 });
    if (startTime === undefined || durationInMinutes === undefined) throw invalid(`${m} needs startTime and durationInMinutes`);
    const window = { startTime, durationInMinutes };
    compileWindow(window, `${m}.startTime`);
    return window;
  });
}

/** schedulingConfig's shape; the times relative to now are checked by the model (it has the clock). */
export function schedulingConfig(v: unknown): SchedulingConfig | undefined {
  const o = obj(v, "schedulingConfig");
  if (!o) return undefined;
  const out: SchedulingConfig = {};
  const start = str(o.startTime, "schedulingConfig.startTime", { min: 1, max: 64 });
  const end = str(o.endTime, "schedulingConfig.endTime", { min: 1, max: 64 });
  const behavior = oneOf(o.endBehavior, "schedulingConfig.endBehavior", ["STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL"] as const);
  const windows = maintenanceWindows(o.maintenanceWindows, "schedulingConfig.maintenanceWindows");
  if (start !== undefined) out.startTime = start;
  if (end !== undefined) out.endTime = end;
  if (behavior !== undefined) out.endBehavior = behavior;
  if (windows !== undefined) out.maintenanceWindows = windows;
  return out;
}

export function tags(v: unknown): Tag[] | undefined {
  const l = list(v, "tags", 0, 50);
  if (!l) return undefined;
  return l.map((raw, i) => {
    const t = obj(raw, `tags.${i + 1}.member`) ?? {};
    const Key = str(t.Key, `tags.${i + 1}.member.Key`, { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u });
    const Value = str(t.Value, `tags.${i + 1}.member.Value`, { max: 256 });
    if (Key === undefined) throw invalid(`tags.${i + 1}.member.Key is required`);
    return Value === undefined ? { Key } : { Key, Value };
  });
}

export function packageVersions(v: unknown): string[] | undefined {
  const l = list(v, "destinationPackageVersions", 0, 25);
  return l?.map((a, i) => str(a, `destinationPackageVersions.${i + 1}.member`, { min: 1, max: 1600, pattern: ARN, patternText: "^arn:[!-~]+$" })!);
}

export function documentParameters(v: unknown): Record<string, string> | undefined {
  const o = obj(v, "documentParameters");
  if (!o) return undefined;
  for (const [k, val] of Object.entries(o)) {
    str(k, "documentParameters.key", { min: 1, max: 128, pattern: JOB_ID });
    str(val, `documentParameters.${k}`, { min: 1, max: 30720, pattern: NO_CONTROL, patternText: "[^\\p{C}]+" });
  }
  return o as Record<string, string>;
}

/** The settings a job and a template share, from a request body (document checked as JSON). */
export function settings(body: Record<string, unknown>): JobSettings {
  const out: JobSettings = {};
  const doc = str(body.document, "document", { max: 32_768 });
  const source = str(body.documentSource, "documentSource", { min: 1, max: 1350 });
  if (doc !== undefined && source !== undefined) throw invalid("Specify either document or documentSource, not both");
  if (doc !== undefined) out.document = checkDocument(doc);
  if (source !== undefined) out.documentSource = source;
  const d = description(body.description);
  if (d !== undefined) out.description = d;
  const p = presignedUrlConfig(body.presignedUrlConfig);
  if (p) out.presignedUrlConfig = p;
  const r = rolloutConfig(body.jobExecutionsRolloutConfig);
  if (r) out.jobExecutionsRolloutConfig = r;
  const a = abortConfig(body.abortConfig);
  if (a) out.abortConfig = a;
  const t = timeoutConfig(body.timeoutConfig);
  if (t) out.timeoutConfig = t;
  const rc = retryConfig(body.jobExecutionsRetryConfig);
  if (rc) out.jobExecutionsRetryConfig = rc;
  const pv = packageVersions(body.destinationPackageVersions);
  if (pv) out.destinationPackageVersions = pv;
  return out;
}

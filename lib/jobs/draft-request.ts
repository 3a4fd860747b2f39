import { checkJobDocument } from "./document";
import { rolloutConfigFromRate, type RolloutConfig } from "./rollout";
import { MAX_THING_NAMES, type JobDraft, type WizardStep } from "./draft";

/**
 * A draft's problems, per field, with AWS's limits (botocore checks only minimums, so
 * the maxima and patterns are checked here, before anything is sent), and the exact
 * CreateJob request a valid draft becomes. Pure: the wizard shows the same errors and
 * the same request the create-job action then sends.
 */

export const JOB_ID = /^[a-zA-Z0-9_-]{1,64}$/;
export const THING_OR_GROUP_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
/** AWS's schedule format: `cron(minutes hours day-of-month month day-of-week year)`. */
const CRON = /^cron\(\s*\S+(\s+\S+){5}\s*\)$/;
const MINUTE_MS = 60_000;
/** Above this many things the operator types the job id to confirm. */
export const CONFIRM_ABOVE_THINGS = 1000;

/** CreateJob's limit on `targets` (AWS and the emulator refuse more). */
export const MAX_JOB_TARGETS = 100;

/** Why more than 100 things cannot be targeted one by one without the right to create a group. */
export function tooManyThingsMessage(count: number): string {
  return (
    `A job has at most ${MAX_JOB_TARGETS} targets and this names ${count.toLocaleString("en-US")} things. ` +
    "Target a thing group (or a query saved as a dynamic group) instead; an admin can also create the job, which puts the things in a group for it."
  );
}

export type DraftErrors = Record<string, string>;

/** The wizard step a field (error key) belongs to. */
export function stepOfField(field: string): WizardStep {
  const head = field.split(".")[0]!;
  if (head === "targets" || head === "targetSelection" || head === "jobId" || head === "description") return "targets";
  if (head === "document" || head === "artifact" || head === "presignExpiresInSec") return "document";
  if (head === "rate" || head === "abort" || head === "timeoutMinutes" || head === "retry" || head === "schedule") return "rollout";
  return "review";
}

const isWhole = (n: number, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(n) && n >= min && n <= max;
const decimals = (n: number, d: number) => Math.abs(Math.round(n * 10 ** d) - n * 10 ** d) < 1e-6;

/** `YYYY-MM-DDTHH:MM` in UTC → epoch ms, or null. */
export function parseUtcMinute(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const back = new Date(ms);
  // Reject 2026-02-31 and 25:00 (Date.UTC rolls them over).
  return back.getUTCDate() === Number(m[3]) && back.getUTCHours() === Number(m[4]) ? ms : null;
}

function targetErrors(d: JobDraft, e: DraftErrors, canCreateGroups: boolean): void {
  const t = d.targets;
  if (t.kind === "things") {
    if (t.thingNames.length === 0) e["targets.thingNames"] = "Name at least one thing.";
    else {
      const bad = t.thingNames.find((n) => !THING_OR_GROUP_NAME.test(n));
      if (bad !== undefined) e["targets.thingNames"] = `“${bad.slice(0, 64)}” is not a thing name (letters, digits, “:”, “_” or “-”, at most 128).`;
      else if (t.thingNames.length > MAX_THING_NAMES) e["targets.thingNames"] = `Name at most ${MAX_THING_NAMES.toLocaleString("en-US")} things.`;
      // Beyond 100, the things go into a static group made for the job: that needs registry.write.
      else if (t.thingNames.length > MAX_JOB_TARGETS && !canCreateGroups) e["targets.thingNames"] = tooManyThingsMessage(t.thingNames.length);
    }
  } else if (t.kind === "groups") {
    if (t.groupNames.length === 0) e["targets.groupNames"] = "Choose at least one group.";
    else if (t.groupNames.length > MAX_JOB_TARGETS)
      e["targets.groupNames"] = `A job has at most ${MAX_JOB_TARGETS} targets: choose at most ${MAX_JOB_TARGETS} groups.`;
    else {
      const bad = t.groupNames.find((n) => !THING_OR_GROUP_NAME.test(n));
      if (bad !== undefined) e["targets.groupNames"] = `“${bad.slice(0, 64)}” is not a group name.`;
    }
  } else {
    if (!t.query.trim()) e["targets.query"] = "Enter the fleet query that selects the things.";
    if (t.queryMode === "dynamic-group") {
      if (!canCreateGroups) e["targets.queryMode"] = "Saving a query as a dynamic group needs the admin role; snapshot its matches instead.";
      else if (!THING_OR_GROUP_NAME.test(t.newGroupName)) e["targets.newGroupName"] = "Name the dynamic group (letters, digits, “:”, “_” or “-”, at most 128).";
    }
  }
}

function rolloutErrors(d: JobDraft, e: DraftErrors): void {
  const r = d.rate;
  if (r.kind === "fixed" && !isWhole(r.maximumPerMinute, 1)) e["rate.maximumPerMinute"] = "The rate is a whole number of things per minute, 1 or more.";
  if (r.kind === "exponential") {
    if (!isWhole(r.baseRatePerMinute, 1, 1000)) e["rate.baseRatePerMinute"] = "The base rate is a whole number from 1 to 1000 per minute.";
    if (!(r.incrementFactor >= 1.1 && r.incrementFactor <= 5 && decimals(r.incrementFactor, 1)))
      e["rate.incrementFactor"] = "The factor is from 1.1 to 5, with at most one decimal.";
    if (!isWhole(r.every, 1)) e["rate.every"] = "Raise the rate every 1 or more things.";
    if (r.maximumPerMinute !== undefined && !isWhole(r.maximumPerMinute, 1)) e["rate.maximumPerMinute"] = "The maximum is a whole number, 1 or more.";
  }
  const seenAbort = new Set<string>();
  d.abort.forEach((a, i) => {
    if (!(a.thresholdPercentage > 0 && a.thresholdPercentage <= 100 && decimals(a.thresholdPercentage, 2)))
      e[`abort.${i}.thresholdPercentage`] = "The threshold is a percentage above 0, at most 100, with at most two decimals.";
    if (!isWhole(a.minNumberOfExecutedThings, 1)) e[`abort.${i}.minNumberOfExecutedThings`] = "At least 1 thing must have run before the job can abort.";
    if (seenAbort.has(a.failureType)) e[`abort.${i}.failureType`] = "One criterion per failure type.";
    seenAbort.add(a.failureType);
  });
  if (d.timeoutMinutes !== null && !isWhole(d.timeoutMinutes, 1, 10_080)) e.timeoutMinutes = "The in-progress timeout is from 1 to 10,080 minutes (7 days).";
  if (d.retry.length > 2) e.retry = "At most two retry criteria.";
  const seenRetry = new Set<string>();
  d.retry.forEach((r, i) => {
    if (!isWhole(r.numberOfRetries, 0, 10)) e[`retry.${i}.numberOfRetries`] = "From 0 to 10 retries.";
    if (seenRetry.has(r.failureType) || (seenRetry.size > 0 && (r.failureType === "ALL" || seenRetry.has("ALL"))))
      e[`retry.${i}.failureType`] = "One criterion per failure type (ALL covers both).";
    seenRetry.add(r.failureType);
  });
}

function scheduleErrors(d: JobDraft, e: DraftErrors, nowMs: number): void {
  const s = d.schedule;
  if (!s.enabled) return;
  const start = s.startTime ? parseUtcMinute(s.startTime) : null;
  const end = s.endTime ? parseUtcMinute(s.endTime) : null;
  if (s.startTime && start === null) e["schedule.startTime"] = "Use YYYY-MM-DDTHH:MM (UTC).";
  else if (start !== null && start < nowMs + 30 * MINUTE_MS) e["schedule.startTime"] = "The start must be at least 30 minutes from now.";
  else if (start !== null && start > nowMs + 366 * 24 * 60 * MINUTE_MS) e["schedule.startTime"] = "The start can be at most a year ahead.";
  if (s.endTime && end === null) e["schedule.endTime"] = "Use YYYY-MM-DDTHH:MM (UTC).";
  else if (end !== null) {
    const from = start ?? nowMs;
    if (end < from + 30 * MINUTE_MS) e["schedule.endTime"] = "The end must be at least 30 minutes after the start.";
    else if (end > nowMs + 2 * 366 * 24 * 60 * MINUTE_MS) e["schedule.endTime"] = "The end can be at most two years ahead.";
  }
  if (s.endBehavior && end === null && !e["schedule.endTime"]) e["schedule.endTime"] = "An end behaviour needs an end time.";
  if (!s.startTime && !s.endTime && s.windows.length === 0) e["schedule.startTime"] = "Set a start, an end or a maintenance window, or turn scheduling off.";
  s.windows.forEach((w, i) => {
    if (!CRON.test(w.cron.trim()))
      e[`schedule.windows.${i}.cron`] = "Use AWS's cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 2 ? * SUN *).";
    if (!isWhole(w.durationInMinutes, 1, 1430)) e[`schedule.windows.${i}.durationInMinutes`] = "A window lasts from 1 to 1430 minutes.";
  });
}

/** Every problem of a draft, keyed by field; empty when it can be created. */
export function draftErrors(d: JobDraft, opts: { nowMs: number; region?: string; canCreateGroups: boolean }): DraftErrors {
  const e: DraftErrors = {};
  if (!JOB_ID.test(d.jobId)) e.jobId = "The job id is 1 to 64 letters, digits, “_” or “-”.";
  if (d.description.length > 2028) e.description = "The description is at most 2028 characters.";
  else if (/\p{C}/u.test(d.description)) e.description = "The description may not contain control characters or line breaks.";
  targetErrors(d, e, opts.canCreateGroups);
  const doc = checkJobDocument(d.document.text, { region: opts.region });
  const firstError = doc.issues.find((i) => i.severity === "error");
  if (firstError) e.document = firstError.message;
  if (d.artifact && !d.artifact.done) e.artifact = "The artifact upload has not finished.";
  if (doc.placeholders.length > 0 && !isWhole(d.presignExpiresInSec, 60, 3600)) e.presignExpiresInSec = "Presigned URLs last from 60 to 3600 seconds.";
  rolloutErrors(d, e);
  scheduleErrors(d, e, opts.nowMs);
  return e;
}

/** The CreateJob input (the SDK's field names), as plain data the review step shows verbatim. */
export interface CreateJobRequest {
  jobId: string;
  targets: string[];
  document: string;
  description?: string;
  targetSelection: "SNAPSHOT" | "CONTINUOUS";
  presignedUrlConfig?: { roleArn: string; expiresInSec: number };
  jobExecutionsRolloutConfig?: RolloutConfig;
  abortConfig?: {
    criteriaList: Array<{ failureType: string; action: "CANCEL"; thresholdPercentage: number; minNumberOfExecutedThings: number }>;
  };
  timeoutConfig?: { inProgressTimeoutInMinutes: number };
  jobExecutionsRetryConfig?: { criteriaList: Array<{ failureType: string; numberOfRetries: number }> };
  schedulingConfig?: {
    startTime?: string;
    endTime?: string;
    endBehavior?: string;
    maintenanceWindows?: Array<{ startTime: string; durationInMinutes: number }>;
  };
}

/** The request for a valid draft and its resolved target ARNs. `roleArn` signs the presigned URLs (JOBS_PRESIGN_ROLE_ARN). */
export function buildCreateJobRequest(d: JobDraft, resolved: { targets: string[]; roleArn: string }): CreateJobRequest {
  const hasPlaceholders = checkJobDocument(d.document.text).placeholders.length > 0;
  const rollout = rolloutConfigFromRate(d.rate);
  const s = d.schedule;
  const windows = s.windows.map((w) => ({ startTime: w.cron.trim(), durationInMinutes: w.durationInMinutes }));
  const scheduling = s.enabled
    ? {
        ...(s.startTime ? { startTime: s.startTime.trim() } : {}),
        ...(s.endTime ? { endTime: s.endTime.trim() } : {}),
        ...(s.endBehavior ? { endBehavior: s.endBehavior } : {}),
        ...(windows.length ? { maintenanceWindows: windows } : {}),
      }
    : undefined;
  return {
    jobId: d.jobId,
    targets: resolved.targets,
    document: d.document.text,
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    targetSelection: d.targetSelection,
    ...(hasPlaceholders ? { presignedUrlConfig: { roleArn: resolved.roleArn, expiresInSec: d.presignExpiresInSec } } : {}),
    ...(rollout ? { jobExecutionsRolloutConfig: rollout } : {}),
    ...(d.abort.length
      ? {
          abortConfig: {
            criteriaList: d.abort.map((a) => ({
              failureType: a.failureType,
              action: "CANCEL" as const,
              thresholdPercentage: a.thresholdPercentage,
              minNumberOfExecutedThings: a.minNumberOfExecutedThings,
            })),
          },
        }
      : {}),
    ...(d.timeoutMinutes !== null ? { timeoutConfig: { inProgressTimeoutInMinutes: d.timeoutMinutes } } : {}),
    ...(d.retry.length
      ? { jobExecutionsRetryConfig: { criteriaList: d.retry.map((r) => ({ failureType: r.failureType, numberOfRetries: r.numberOfRetries })) } }
      : {}),
    ...(scheduling && Object.keys(scheduling).length ? { schedulingConfig: scheduling } : {}),
  };
}

/** Whether the operator must type the job id to create it. */
export function needsTypedConfirmation(thingCount: number | null): boolean {
  return thingCount === null || thingCount > CONFIRM_ABOVE_THINGS;
}

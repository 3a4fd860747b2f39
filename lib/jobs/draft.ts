import { z } from "zod";

/**
 * The new-rollout wizard's state: everything the operator typed, in one serialisable
 * object. It is kept in the browser's localStorage per user (survives an error, a reload,
 * a crash of the tab) and is what the create-job action receives; the server validates it
 * again (./draft-request.ts) and builds the CreateJob request from it. All kinds of target
 * are kept side by side so switching kind loses nothing typed.
 */

export const DRAFT_VERSION = 1;
export const FAILURE_TYPES = ["FAILED", "REJECTED", "TIMED_OUT", "ALL"] as const;
export const RETRYABLE_FAILURE_TYPES = ["FAILED", "TIMED_OUT", "ALL"] as const;
export const END_BEHAVIORS = ["STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL"] as const;
export const WIZARD_STEPS = ["targets", "document", "rollout", "blast", "review"] as const;
/** The most things a draft names one by one (above 100 they are put in a static group for the job). */
export const MAX_THING_NAMES = 10_000;
/** The longest text the document editor keeps (the document itself is at most 32 KiB: ./document.ts). */
export const MAX_DOCUMENT_TEXT = 256 * 1024;
export type WizardStep = (typeof WIZARD_STEPS)[number];

const rate = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("unlimited") }),
  z.object({ kind: z.literal("fixed"), maximumPerMinute: z.number() }),
  z.object({
    kind: z.literal("exponential"),
    baseRatePerMinute: z.number(),
    incrementFactor: z.number(),
    criterion: z.enum(["notified", "succeeded"]),
    every: z.number(),
    maximumPerMinute: z.number().optional(),
  }),
]);

const artifact = z.object({
  fileName: z.string().max(1024),
  size: z.number().int().nonnegative(),
  lastModifiedMs: z.number().optional(),
  bucket: z.string().max(63),
  key: z.string().max(1024),
  uploadId: z.string().max(1024).nullable(),
  partSize: z.number().int().positive(),
  /** Parts S3 has acknowledged: a retry or a resumed upload sends only the others. */
  parts: z.array(z.object({ partNumber: z.number().int().positive(), etag: z.string().max(256) })).max(10_000),
  sha256: z.string().max(64).nullable(),
  done: z.boolean(),
});
export type DraftArtifact = z.infer<typeof artifact>;

export const draftSchema = z.object({
  version: z.literal(DRAFT_VERSION),
  step: z.enum(WIZARD_STEPS),
  jobId: z.string().max(256),
  description: z.string().max(4096),
  targets: z.object({
    kind: z.enum(["things", "groups", "query"]),
    thingNames: z.array(z.string().max(256, "A thing name is at most 128 characters.")).max(MAX_THING_NAMES, `Name at most ${MAX_THING_NAMES} things.`),
    /** Static or dynamic groups, by name. */
    groupNames: z.array(z.string().max(256)).max(100),
    query: z.string().max(4096),
    /** A query becomes a dynamic group (kept current, admins) or a snapshot of its matches (thing targets). */
    queryMode: z.enum(["dynamic-group", "snapshot"]),
    newGroupName: z.string().max(256),
  }),
  targetSelection: z.enum(["SNAPSHOT", "CONTINUOUS"]),
  document: z.object({
    /** The console template the text started from (shown, not sent). */
    templateId: z.string().max(2048).nullable(),
    text: z.string().max(MAX_DOCUMENT_TEXT, "The document text is at most 256 KiB (and the job document itself at most 32 KiB)."),
    /** For agent-update: the version the document installs. */
    agentVersion: z.string().max(128),
  }),
  artifact: artifact.nullable(),
  presignExpiresInSec: z.number(),
  rate,
  /** The values typed for the other kinds of rate, so switching kind and back loses nothing (not sent). */
  rateKept: z.object({ fixed: rate.options[1].optional(), exponential: rate.options[2].optional() }).optional(),
  abort: z.array(z.object({ failureType: z.enum(FAILURE_TYPES), thresholdPercentage: z.number(), minNumberOfExecutedThings: z.number() })).max(10),
  timeoutMinutes: z.number().nullable(),
  retry: z.array(z.object({ failureType: z.enum(RETRYABLE_FAILURE_TYPES), numberOfRetries: z.number() })).max(4),
  schedule: z.object({
    enabled: z.boolean(),
    /** UTC, `YYYY-MM-DDTHH:MM` (CreateJob's format). */
    startTime: z.string().max(32),
    endTime: z.string().max(32),
    endBehavior: z.enum(END_BEHAVIORS).nullable(),
    windows: z.array(z.object({ cron: z.string().max(256), durationInMinutes: z.number() })).max(10),
  }),
  /** The time the draft was last changed, for "saved … ago". */
  savedAtMs: z.number(),
});
export type JobDraft = z.infer<typeof draftSchema>;

export function emptyDraft(nowMs: number): JobDraft {
  return {
    version: DRAFT_VERSION,
    step: "targets",
    jobId: "",
    description: "",
    targets: { kind: "groups", thingNames: [], groupNames: [], query: "", queryMode: "snapshot", newGroupName: "" },
    targetSelection: "SNAPSHOT",
    document: { templateId: null, text: "", agentVersion: "" },
    artifact: null,
    presignExpiresInSec: 3600,
    rate: { kind: "fixed", maximumPerMinute: 100 },
    abort: [{ failureType: "FAILED", thresholdPercentage: 10, minNumberOfExecutedThings: 20 }],
    timeoutMinutes: 60,
    retry: [],
    schedule: { enabled: false, startTime: "", endTime: "", endBehavior: null, windows: [] },
    savedAtMs: nowMs,
  };
}

/** Where a user's draft is kept: per user, so two operators of one browser never see each other's. */
export function draftStorageKey(username: string): string {
  return `fleet-console.job-draft.v${DRAFT_VERSION}.${username}`;
}

/** A stored draft, or null for nothing stored, another version or anything unreadable (a fresh draft then). */
export function parseStoredDraft(raw: string | null): JobDraft | null {
  return readStoredDraft(raw, Date.now())?.draft ?? null;
}

/**
 * A stored draft as typed, with only the fields that fail the schema repaired: a string
 * too long is cut to its limit, a list loses its malformed entries and what is beyond its
 * limit, anything else unreadable takes the fresh draft's value. `repaired` names those
 * fields (to tell the operator). Null for nothing stored, unreadable JSON or another version.
 */
export function readStoredDraft(raw: string | null, nowMs: number): { draft: JobDraft; repaired: string[] } | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const whole = draftSchema.safeParse(value);
  if (whole.success) return { draft: whole.data, repaired: [] };
  if (!isRecord(value) || value.version !== DRAFT_VERSION) return null;
  const repaired: string[] = [];
  const out = repair(draftSchema, value, emptyDraft(nowMs), "", repaired);
  const checked = draftSchema.safeParse(out);
  return checked.success ? { draft: checked.data, repaired } : null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function repair(schema: z.ZodType, value: unknown, fallback: unknown, path: string, repaired: string[]): unknown {
  if (schema.safeParse(value).success) return value;
  if (schema instanceof z.ZodObject && isRecord(value) && isRecord(fallback)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [k, sub] of Object.entries(shape)) {
      const v = repair(sub, value[k], fallback[k], path ? `${path}.${k}` : k, repaired);
      if (v !== undefined) out[k] = v;
    }
    if (schema.safeParse(out).success) return out;
  } else if (schema instanceof z.ZodNullable && value !== null) {
    return repair(schema.unwrap() as z.ZodType, value, fallback ?? null, path, repaired);
  } else if (schema instanceof z.ZodString && typeof value === "string" && schema.maxLength !== null) {
    repaired.push(path);
    return value.slice(0, schema.maxLength);
  } else if (schema instanceof z.ZodArray && Array.isArray(value)) {
    const element = schema.element as z.ZodType;
    let items = value.filter((v) => element.safeParse(v).success);
    // Cut to the longest prefix the list's own limit accepts.
    if (!schema.safeParse(items).success) {
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (schema.safeParse(items.slice(0, mid)).success) lo = mid;
        else hi = mid - 1;
      }
      items = items.slice(0, lo);
    }
    if (schema.safeParse(items).success) {
      repaired.push(path);
      return items;
    }
  }
  repaired.push(path);
  return fallback;
}

export function serializeDraft(draft: JobDraft): string {
  return JSON.stringify(draft);
}

/** The names of a free-text list (one per line, or separated by commas or spaces), deduplicated, in order. */
export function parseNameList(text: string): string[] {
  const seen = new Set<string>();
  for (const n of text.split(/[\s,]+/)) if (n) seen.add(n);
  return [...seen];
}

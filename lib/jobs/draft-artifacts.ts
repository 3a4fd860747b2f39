import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";

/**
 * Uploading an agent artifact from the wizard: a multipart upload to S3 streamed through
 * the console part by part (the browser never holds an AWS credential; each part is a
 * role-checked request). Each acknowledged part is kept in the draft, so an error or a
 * reload loses nothing: the upload resumes with the parts S3 does not have yet. The
 * SHA-256 is computed in the browser as the parts are read.
 *
 * Every upload is recorded in the console's store (artifact_uploads: its starter, declared
 * size and part size); a part, the part list and completing or aborting are accepted only
 * from the user who started it, and only within what was declared (part numbers up to the
 * part count, each part exactly its length, the total exactly the size).
 *
 * Server actions (jobs.write, audited with AWS's request id):
 *   startArtifactUpload    {fileName,size,version}   -> ArtifactUpload     (lib/actions/start-artifact-upload.ts)
 *   completeArtifactUpload {key,uploadId,sha256}     -> UploadedArtifact   (lib/actions/complete-artifact-upload.ts)
 *   abortArtifactUpload    {key,uploadId}            -> { aborted: true }  (lib/actions/abort-artifact-upload.ts)
 * Routes (jobs.write; a streamed body and a read):
 *   GET    /api/artifacts/uploads/parts?key&uploadId                -> { parts }
 *   PUT    /api/artifacts/uploads/parts?key&uploadId&partNumber     body: the part's bytes -> { partNumber, etag }
 */

/** The largest artifact the console uploads (the wizard says so before an upload starts). */
export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 3;
export const MAX_ARTIFACT_LABEL = "5 GiB";
/** S3's rules: parts of at least 5 MiB (but the last), at most 10,000 of them. */
export const DEFAULT_PART_BYTES = 8 * 1024 ** 2;
export const MAX_PART_BYTES = 64 * 1024 ** 2;
const MAX_PARTS = 10_000;
/** Unfinished uploads one user may hold at once. */
export const MAX_OPEN_UPLOADS_PER_USER = 3;
/** An unfinished upload older than this is aborted when its starter begins another. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** Every artifact key starts here: the routes write nowhere else in the bucket. */
export const ARTIFACT_PREFIX = "artifacts/";

/** Part size for a file: 8 MiB, or larger (in whole MiB) when 10,000 of those would not hold it. */
export function partSizeFor(size: number): number {
  const needed = Math.ceil(size / MAX_PARTS / 1024 ** 2) * 1024 ** 2;
  return Math.min(MAX_PART_BYTES, Math.max(DEFAULT_PART_BYTES, needed));
}

export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/** The byte range of part `n` (1-based): [start, end). */
export function partRange(n: number, size: number, partSize: number): { start: number; end: number } {
  const start = (n - 1) * partSize;
  return { start, end: Math.min(size, start + partSize) };
}

/**
 * The object key: the version (when given), a time stamp, a random suffix (two uploads of
 * one name in the same second get two objects) and the file's name, stripped to safe characters.
 */
export function artifactKey(fileName: string, version: string, nowMs: number, suffix: string): string {
  const safe = (s: string) =>
    s
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "")
      .slice(0, 100);
  const stamp = new Date(nowMs).toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  const rand = suffix.replace(/[^a-z0-9]+/g, "").slice(0, 16) || "x";
  return `${ARTIFACT_PREFIX}${safe(version) || "unversioned"}/${stamp}-${rand}-${safe(fileName) || "artifact"}`;
}

export const artifactKeySchema = z
  .string()
  .max(1024)
  .refine((k) => k.startsWith(ARTIFACT_PREFIX) && !k.includes("..") && /^[A-Za-z0-9._/-]+$/.test(k), "Not an artifact key of this console.");

export const startUploadBody = z.object({
  fileName: z.string().min(1).max(1024),
  size: z.number().int().positive().max(MAX_ARTIFACT_BYTES, "The artifact is larger than 5 GiB, the most the console uploads."),
  version: z.string().max(128).default(""),
});

export const uploadRef = z.object({ key: artifactKeySchema, uploadId: z.string().min(1).max(1024) });
export const partParams = uploadRef.extend({ partNumber: z.coerce.number().int().min(1).max(MAX_PARTS) });
export const completeBody = uploadRef.extend({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "The SHA-256 is 64 lowercase hex digits."),
});

/** What the console's store keeps of an upload it started. */
export interface UploadRecord {
  key: string;
  uploadId: string;
  owner: string;
  size: number;
  partSize: number;
  createdAtMs: number;
}

/** The exact length of part `n` of an upload, or null when the upload has no such part. */
export function expectedPartLength(n: number, size: number, partSize: number): number | null {
  if (!Number.isInteger(n) || n < 1 || n > partCount(size, partSize)) return null;
  const { start, end } = partRange(n, size, partSize);
  return end - start;
}

/** Why `caller` may not act on `record` (null: it may). Only the user who started an upload touches it. */
export function ownerRefusal(record: UploadRecord | null, caller: string | null | undefined): string | null {
  if (!record) return "The console has no record of this upload (it finished, was aborted or expired). Start the upload again.";
  if (!caller || caller.toLowerCase() !== record.owner.toLowerCase())
    return "This upload was started by another user: only they can continue, finish or abort it.";
  return null;
}

/** Why a part may not be sent (null: it may): its number must be one of the upload's, its length exactly that part's. */
export function partRefusal(record: UploadRecord, partNumber: number, contentLength: number): string | null {
  const expected = expectedPartLength(partNumber, record.size, record.partSize);
  const count = partCount(record.size, record.partSize);
  if (expected === null) return `This upload has ${count.toLocaleString("en-US")} part${count === 1 ? "" : "s"}: part ${partNumber} is not one of them.`;
  if (contentLength !== expected)
    return `Part ${partNumber} is ${expected.toLocaleString("en-US")} bytes; the request declares ${contentLength.toLocaleString("en-US")}. Send the part with its exact Content-Length.`;
  return null;
}

/**
 * The parts to complete with, from what S3 holds: every part 1..count, each of its exact
 * length, adding up to the declared size; otherwise why not (the message says what is missing).
 */
export function completionParts(
  record: UploadRecord,
  held: ReadonlyArray<{ partNumber: number; etag: string; size: number }>,
): { ok: true; parts: Array<{ partNumber: number; etag: string }> } | { ok: false; message: string } {
  const count = partCount(record.size, record.partSize);
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  const parts: Array<{ partNumber: number; etag: string }> = [];
  let total = 0;
  const missing: number[] = [];
  for (let n = 1; n <= count; n++) {
    const p = byNumber.get(n);
    if (!p || p.size !== expectedPartLength(n, record.size, record.partSize)) {
      missing.push(n);
      continue;
    }
    parts.push({ partNumber: n, etag: p.etag });
    total += p.size;
  }
  const extra = held.filter((p) => p.partNumber > count).length;
  if (missing.length || extra || total !== record.size) {
    const which = missing.length
      ? ` Missing or of the wrong size: part${missing.length === 1 ? "" : "s"} ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}.`
      : "";
    return {
      ok: false,
      message: `S3 holds ${total.toLocaleString("en-US")} of the file's ${record.size.toLocaleString("en-US")} bytes.${which} Resume the upload.`,
    };
  }
  return { ok: true, parts };
}

/** Which of a user's unfinished uploads to abort before starting another, and whether one may start. */
export function planNewUpload(open: ReadonlyArray<UploadRecord>, nowMs: number): { stale: UploadRecord[]; refusal: string | null } {
  const stale = open.filter((u) => nowMs - u.createdAtMs > STALE_UPLOAD_MS);
  const live = open.length - stale.length;
  return {
    stale,
    refusal:
      live >= MAX_OPEN_UPLOADS_PER_USER
        ? `You already have ${live} unfinished artifact uploads (at most ${MAX_OPEN_UPLOADS_PER_USER}). Finish or remove one (or wait a day: older ones are dropped), then start this one.`
        : null,
  };
}

export interface ArtifactUpload {
  bucket: string;
  key: string;
  uploadId: string;
  partSize: number;
}

export interface UploadedArtifact {
  bucket: string;
  key: string;
  size: number;
  sha256: string;
  /** The region the placeholder names. */
  region: string;
}

export const listPartsRoute = defineRoute<{ parts: Array<{ partNumber: number; etag: string; size: number }> }>()({
  path: "/api/artifacts/uploads/parts",
  permission: "jobs.write",
  query: uploadRef,
  request: (key: string, uploadId: string) => ({ query: { key, uploadId } }),
});
export const uploadPartRoute = defineRoute<{ partNumber: number; etag: string }>()({
  path: "/api/artifacts/uploads/parts",
  permission: "jobs.write",
  query: partParams,
  request: (key: string, uploadId: string, partNumber: number) => ({ query: { key, uploadId, partNumber } }),
});

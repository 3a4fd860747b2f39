import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";

/**
 * Uploading an agent artifact from the wizard: a multipart upload to S3 streamed through
 * the console part by part (the browser never holds an AWS credential; each part is a
 * role-checked request). Each acknowledged part is kept in the draft, so an error or a
 * reload loses nothing: the upload resumes with the parts S3 does not have yet. The
 * SHA-256 is computed in the browser as the parts are read.
 *
 * Routes (jobs.write):
 *   POST   /api/artifacts/uploads                         {fileName,size,version} -> ArtifactUpload
 *   DELETE /api/artifacts/uploads?key&uploadId             aborts it
 *   GET    /api/artifacts/uploads/parts?key&uploadId       -> { parts }
 *   PUT    /api/artifacts/uploads/parts?key&uploadId&partNumber   body: the part's bytes -> { partNumber, etag }
 *   POST   /api/artifacts/uploads/complete                {key,uploadId,parts,sha256,size} -> { bucket, key, size, sha256 }
 */

/** The largest artifact the console uploads. */
export const MAX_ARTIFACT_BYTES = 2 * 1024 ** 3;
/** S3's rules: parts of at least 5 MiB (but the last), at most 10,000 of them. */
export const DEFAULT_PART_BYTES = 8 * 1024 ** 2;
export const MAX_PART_BYTES = 64 * 1024 ** 2;
const MAX_PARTS = 10_000;
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

/** The object key: the version (when given), a time stamp and the file's name, stripped to safe characters. */
export function artifactKey(fileName: string, version: string, nowMs: number): string {
  const safe = (s: string) =>
    s
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "")
      .slice(0, 100);
  const stamp = new Date(nowMs).toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  return `${ARTIFACT_PREFIX}${safe(version) || "unversioned"}/${stamp}-${safe(fileName) || "artifact"}`;
}

export const artifactKeySchema = z
  .string()
  .max(1024)
  .refine((k) => k.startsWith(ARTIFACT_PREFIX) && !k.includes("..") && /^[A-Za-z0-9._/-]+$/.test(k), "Not an artifact key of this console.");

export const startUploadBody = z.object({
  fileName: z.string().min(1).max(1024),
  size: z.number().int().positive().max(MAX_ARTIFACT_BYTES, "The artifact is larger than 2 GB."),
  version: z.string().max(128).default(""),
});

export const uploadRef = z.object({ key: artifactKeySchema, uploadId: z.string().min(1).max(1024) });
export const partParams = uploadRef.extend({ partNumber: z.coerce.number().int().min(1).max(MAX_PARTS) });
export const completeBody = uploadRef.extend({
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(MAX_PARTS), etag: z.string().min(1).max(256) }))
    .min(1)
    .max(MAX_PARTS),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "The SHA-256 is 64 lowercase hex digits."),
  size: z.number().int().positive().max(MAX_ARTIFACT_BYTES),
});

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

export const startUploadRoute = defineRoute<ArtifactUpload>()({ path: "/api/artifacts/uploads", permission: "jobs.write" });
export const abortUploadRoute = defineRoute<{ aborted: true }>()({
  path: "/api/artifacts/uploads",
  permission: "jobs.write",
  query: uploadRef,
  request: (key: string, uploadId: string) => ({ query: { key, uploadId } }),
});
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
export const completeUploadRoute = defineRoute<UploadedArtifact>()({ path: "/api/artifacts/uploads/complete", permission: "jobs.write" });

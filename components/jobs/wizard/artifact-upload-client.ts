"use client";

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { abortArtifactUpload } from "@/lib/actions/abort-artifact-upload";
import { completeArtifactUpload } from "@/lib/actions/complete-artifact-upload";
import { startArtifactUpload } from "@/lib/actions/start-artifact-upload";
import type { ActionResult } from "@/lib/auth/guard";
import { jsonAnswer, sendJson } from "@/lib/http/get-json";
import type { DraftArtifact } from "@/lib/jobs/draft";
import { listPartsRoute, partCount, partRange, uploadPartRoute, type ArtifactUpload, type UploadedArtifact } from "@/lib/jobs/draft-artifacts";
import { AppError } from "@/lib/errors";

/**
 * The browser's side of an artifact upload: started, completed and aborted by server
 * actions (lib/actions/*-artifact-upload.ts); the file is read one part at a time (never
 * whole), each part is added to a running SHA-256 and, unless S3 already holds it, sent to
 * the console's part route, which streams it to S3. Every acknowledged part is reported
 * (the draft keeps it), so after an error or a reload the same file resumes: the parts are
 * hashed again, only the missing ones are sent.
 */

export interface UploadProgress {
  /** Bytes read and hashed so far. */
  hashedBytes: number;
  /** Bytes S3 holds (acknowledged parts plus the part in flight). */
  uploadedBytes: number;
  totalBytes: number;
}

/** A server action's answer as a value, or its AppError thrown (an action cannot be aborted: the signal is checked around it). */
async function run<T>(call: () => Promise<ActionResult<T>>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) throw new DOMException("Upload stopped", "AbortError");
  let r: ActionResult<T>;
  try {
    r = await call();
  } catch {
    throw new AppError("unavailable", "The console server did not answer. Check your network connection, then resume the upload.");
  }
  if (!r.ok) throw new AppError(r.error.code, r.error.message, { reason: r.error.reason });
  if (signal?.aborted) throw new DOMException("Upload stopped", "AbortError");
  return r.data;
}

/** One part by XMLHttpRequest, the only browser API that reports upload progress. */
function putPart(url: string, body: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<{ partNumber: number; etag: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      const res = new Response(xhr.responseText || null, { status: xhr.status, headers: { "Content-Type": "application/json" } });
      jsonAnswer<{ partNumber: number; etag: string }>(res).then(resolve, reject);
    };
    xhr.onerror = () => reject(new AppError("unavailable", "The connection dropped while sending a part. Resume the upload: the parts already sent are kept."));
    xhr.onabort = () => reject(new DOMException("Upload stopped", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/** Whether a picked file is the one a stored upload belongs to (name, size and modification time). */
export function sameFile(file: File, a: DraftArtifact): boolean {
  return file.name === a.fileName && file.size === a.size && (a.lastModifiedMs === undefined || a.lastModifiedMs === file.lastModified);
}

/**
 * Uploads `file` (or resumes `resume`, an unfinished upload of the same file). `onState`
 * receives the artifact as the draft should keep it after each acknowledged part.
 */
export async function uploadArtifact(opts: {
  file: File;
  version: string;
  resume: DraftArtifact | null;
  signal: AbortSignal;
  onProgress: (p: UploadProgress) => void;
  onState: (a: DraftArtifact) => void;
}): Promise<{ artifact: DraftArtifact; uploaded: UploadedArtifact }> {
  const { file, signal } = opts;
  let upload: ArtifactUpload;
  let held = new Map<number, string>();
  if (opts.resume?.uploadId && sameFile(file, opts.resume)) {
    upload = { bucket: opts.resume.bucket, key: opts.resume.key, uploadId: opts.resume.uploadId, partSize: opts.resume.partSize };
    try {
      const listed = await sendJson<{ parts: Array<{ partNumber: number; etag: string; size: number }> }>(listPartsRoute.url(upload.key, upload.uploadId), {
        method: "GET",
        signal,
      });
      const expected = (n: number) => partRange(n, file.size, upload.partSize);
      // A part of the wrong size (another file under the same name) is sent again.
      held = new Map(listed.parts.filter((p) => p.size === expected(p.partNumber).end - expected(p.partNumber).start).map((p) => [p.partNumber, p.etag]));
    } catch (err) {
      if (!(err instanceof AppError && err.code === "not_found")) throw err;
      // S3 no longer knows the upload (aborted or expired): start over.
      upload = await run(() => startArtifactUpload({ fileName: file.name, size: file.size, version: opts.version }), signal);
    }
  } else {
    upload = await run(() => startArtifactUpload({ fileName: file.name, size: file.size, version: opts.version }), signal);
  }

  const total = partCount(file.size, upload.partSize);
  const state = (done: boolean, sha: string | null): DraftArtifact => ({
    fileName: file.name,
    size: file.size,
    lastModifiedMs: file.lastModified,
    bucket: upload.bucket,
    key: upload.key,
    uploadId: upload.uploadId,
    partSize: upload.partSize,
    parts: [...held].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag })),
    sha256: sha,
    done,
  });
  opts.onState(state(false, null));

  const hash = sha256.create();
  let hashed = 0;
  let acknowledged = [...held.keys()].reduce((n, p) => n + (partRange(p, file.size, upload.partSize).end - partRange(p, file.size, upload.partSize).start), 0);
  opts.onProgress({ hashedBytes: 0, uploadedBytes: acknowledged, totalBytes: file.size });
  for (let n = 1; n <= total; n++) {
    if (signal.aborted) throw new DOMException("Upload stopped", "AbortError");
    const { start, end } = partRange(n, file.size, upload.partSize);
    const blob = file.slice(start, end);
    // One part in memory at a time: the hash is streamed over the file, part by part.
    hash.update(new Uint8Array(await blob.arrayBuffer()));
    hashed = end;
    opts.onProgress({ hashedBytes: hashed, uploadedBytes: acknowledged, totalBytes: file.size });
    if (held.has(n)) continue;
    const part = await putPart(
      uploadPartRoute.url(upload.key, upload.uploadId, n),
      blob,
      (sent) => opts.onProgress({ hashedBytes: hashed, uploadedBytes: acknowledged + sent, totalBytes: file.size }),
      signal,
    );
    held.set(n, part.etag);
    acknowledged += end - start;
    opts.onProgress({ hashedBytes: hashed, uploadedBytes: acknowledged, totalBytes: file.size });
    opts.onState(state(false, null));
  }
  const digest = bytesToHex(hash.digest());
  const done = state(true, digest);
  const uploaded: UploadedArtifact = await run(() => completeArtifactUpload({ key: upload.key, uploadId: upload.uploadId, sha256: digest }), signal);
  return { artifact: { ...done, uploadId: null }, uploaded };
}

/** Drops an unfinished upload in S3 (its parts stop costing storage); a finished one is left alone. */
export async function abandonUpload(a: DraftArtifact): Promise<void> {
  if (a.done || !a.uploadId) return;
  try {
    await run(() => abortArtifactUpload({ key: a.key, uploadId: a.uploadId }));
  } catch (err) {
    // Already gone is what we wanted.
    if (!(err instanceof AppError && err.code === "not_found")) throw err;
  }
}

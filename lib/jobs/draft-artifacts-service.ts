import "server-only";
import { Readable } from "node:stream";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { recordAudit } from "@/lib/audit/audit";
import { clientAddress } from "@/lib/auth/current";
import type { Session } from "@/lib/auth/sessions";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { abortArtifactUpload, completeArtifactUpload, createArtifactUpload, ensureArtifactBucket, listArtifactParts, uploadArtifactPart } from "@/lib/aws/s3";
import { fleetConfig } from "@/lib/config";
import { consoleDb } from "@/lib/db/console-db";
import { readEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { firstIssueMessage } from "@/lib/http/contract";
import {
  artifactKey,
  MAX_PART_BYTES,
  partSizeFor,
  type ArtifactUpload,
  type completeBody,
  type partParams,
  type startUploadBody,
  type UploadedArtifact,
  type uploadRef,
} from "./draft-artifacts";

/**
 * The artifact routes' work (app/api/artifacts/uploads/**): the bucket is the server's
 * (JOBS_ARTIFACT_BUCKET), never the browser's; starting, completing and aborting an
 * upload are audited with AWS's request id (a part is not: it changes nothing until the
 * upload completes).
 */

export function artifactBucket(): string {
  return readEnv(["JOBS_ARTIFACT_BUCKET"]).JOBS_ARTIFACT_BUCKET;
}

/** A JSON body checked with `schema` (400 with the first issue). */
export async function jsonBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new AppError("invalid_input", "Send a JSON body.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_input", firstIssueMessage(parsed.error));
  return parsed.data;
}

async function audit(
  session: Session | null,
  action: string,
  target: string,
  result: "success" | "failure",
  params: unknown,
  err?: unknown,
  awsRequestId?: string | null,
) {
  recordAudit(consoleDb(), {
    actor: session?.username ?? "anonymous",
    role: session?.role ?? null,
    action,
    target,
    params,
    result,
    errorCode: err === undefined ? null : err instanceof AppError ? err.code : "internal",
    awsRequestId: awsRequestId ?? (err === undefined ? null : awsRequestIdOf(err)),
    ip: await clientAddress(),
  });
}

export async function startUpload(input: z.output<typeof startUploadBody>, session: Session | null): Promise<ArtifactUpload> {
  const bucket = artifactBucket();
  const key = artifactKey(input.fileName, input.version, Date.now());
  const params = { bucket, key, fileName: input.fileName, size: input.size, version: input.version };
  try {
    await ensureArtifactBucket(bucket);
    const { uploadId, awsRequestId } = await createArtifactUpload({ bucket, key });
    await audit(session, "artifacts.upload_start", key, "success", params, undefined, awsRequestId);
    return { bucket, key, uploadId, partSize: partSizeFor(input.size) };
  } catch (err) {
    await audit(session, "artifacts.upload_start", key, "failure", params, err);
    throw err;
  }
}

/** Streams the request body into one part; the declared length must be the part's size. */
export async function uploadPart(req: NextRequest, p: z.output<typeof partParams>): Promise<{ partNumber: number; etag: string }> {
  const length = Number(req.headers.get("content-length"));
  if (!Number.isSafeInteger(length) || length <= 0) throw new AppError("invalid_input", "Send the part with its Content-Length.");
  if (length > MAX_PART_BYTES) throw new AppError("invalid_input", "A part is at most 64 MB.");
  if (!req.body) throw new AppError("invalid_input", "The part has no body.");
  const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const { etag } = await uploadArtifactPart({
    bucket: artifactBucket(),
    key: p.key,
    uploadId: p.uploadId,
    partNumber: p.partNumber,
    body,
    contentLength: length,
    signal: req.signal,
  });
  return { partNumber: p.partNumber, etag };
}

export async function listParts(p: z.output<typeof uploadRef>) {
  return { parts: await listArtifactParts({ bucket: artifactBucket(), key: p.key, uploadId: p.uploadId }) };
}

export async function completeUpload(input: z.output<typeof completeBody>, session: Session | null): Promise<UploadedArtifact> {
  const bucket = artifactBucket();
  const params = { bucket, key: input.key, parts: input.parts.length, size: input.size, sha256: input.sha256 };
  try {
    // The parts S3 holds must add up to the file the browser hashed: a part lost or sent twice shows here.
    const held = await listArtifactParts({ bucket, key: input.key, uploadId: input.uploadId });
    const wanted = new Set(input.parts.map((x) => x.partNumber));
    const total = held.filter((x) => wanted.has(x.partNumber)).reduce((n, x) => n + x.size, 0);
    if (total !== input.size)
      throw new AppError("conflict", `S3 holds ${total.toLocaleString("en-US")} of the file's ${input.size.toLocaleString("en-US")} bytes. Resume the upload.`);
    const out = await completeArtifactUpload({ bucket, key: input.key, uploadId: input.uploadId, parts: input.parts });
    await audit(session, "artifacts.upload_complete", input.key, "success", params, undefined, out.awsRequestId);
    return { bucket, key: input.key, size: input.size, sha256: input.sha256, region: fleetConfig().region };
  } catch (err) {
    await audit(session, "artifacts.upload_complete", input.key, "failure", params, err);
    throw err;
  }
}

export async function abortUpload(p: z.output<typeof uploadRef>, session: Session | null): Promise<{ aborted: true }> {
  const bucket = artifactBucket();
  try {
    const out = await abortArtifactUpload({ bucket, key: p.key, uploadId: p.uploadId });
    await audit(session, "artifacts.upload_abort", p.key, "success", { bucket, key: p.key }, undefined, out.awsRequestId);
    return { aborted: true };
  } catch (err) {
    await audit(session, "artifacts.upload_abort", p.key, "failure", { bucket, key: p.key }, err);
    throw err;
  }
}

import "server-only";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import type { ActionContext } from "@/lib/auth/guard";
import type { Session } from "@/lib/auth/sessions";
import { awsRequestIdOf } from "@/lib/aws/fleet-index";
import { abortArtifactUpload, completeArtifactUpload, createArtifactUpload, ensureArtifactBucket, listArtifactParts, uploadArtifactPart } from "@/lib/aws/s3";
import { fleetConfig } from "@/lib/config";
import { consoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { readEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import {
  artifactKey,
  completionParts,
  MAX_OPEN_UPLOADS_PER_USER,
  ownerRefusal,
  partRefusal,
  partSizeFor,
  planNewUpload,
  type ArtifactUpload,
  type completeBody,
  type partParams,
  type startUploadBody,
  type UploadedArtifact,
  type UploadRecord,
  type uploadRef,
} from "./draft-artifacts";

/**
 * The artifact upload's work: the server actions (lib/actions/{start,complete,abort}-artifact-upload.ts)
 * and the part routes (app/api/artifacts/uploads/parts). The bucket is the server's
 * (JOBS_ARTIFACT_BUCKET), never the browser's. Every upload is recorded in the console's
 * store with its starter, declared size and part size; only the starter may send parts,
 * list, complete or abort it, and only within what was declared.
 */

export function artifactBucket(): string {
  return readEnv(["JOBS_ARTIFACT_BUCKET"]).JOBS_ARTIFACT_BUCKET;
}

// ---------------------------------------------------------------- the store

type Row = { key: string; upload_id: string; owner: string; size: number; part_size: number; created_at: number };
const toRecord = (r: Row): UploadRecord => ({
  key: r.key,
  uploadId: r.upload_id,
  owner: r.owner,
  size: r.size,
  partSize: r.part_size,
  createdAtMs: r.created_at,
});

export function findUpload(db: ConsoleDb, key: string, uploadId: string): UploadRecord | null {
  const row = db.prepare("SELECT * FROM artifact_uploads WHERE key = ? AND upload_id = ?").get(key, uploadId) as Row | undefined;
  return row ? toRecord(row) : null;
}

export function openUploadsOf(db: ConsoleDb, owner: string): UploadRecord[] {
  return (db.prepare("SELECT * FROM artifact_uploads WHERE owner = ? ORDER BY created_at").all(owner) as Row[]).map(toRecord);
}

/** Records an upload unless its owner already holds the most open ones (counted in the same transaction); whether it was recorded. */
export function recordUpload(db: ConsoleDb, bucket: string, u: UploadRecord): boolean {
  return db
    .transaction(() => {
      const open = (db.prepare("SELECT COUNT(*) AS n FROM artifact_uploads WHERE owner = ?").get(u.owner) as { n: number }).n;
      if (open >= MAX_OPEN_UPLOADS_PER_USER) return false;
      db.prepare("INSERT INTO artifact_uploads (upload_id, key, bucket, owner, size, part_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        u.uploadId,
        u.key,
        bucket,
        u.owner,
        u.size,
        u.partSize,
        u.createdAtMs,
      );
      return true;
    })
    .immediate();
}

export function forgetUpload(db: ConsoleDb, key: string, uploadId: string): void {
  db.prepare("DELETE FROM artifact_uploads WHERE key = ? AND upload_id = ?").run(key, uploadId);
}

/** The caller's own upload, or an AppError: not_found when the console has no record, forbidden when another user started it. */
export function ownUpload(db: ConsoleDb, key: string, uploadId: string, session: Session | null): UploadRecord {
  const record = findUpload(db, key, uploadId);
  const refusal = ownerRefusal(record, session?.username);
  if (refusal) throw new AppError(record ? "forbidden" : "not_found", refusal);
  return record as UploadRecord;
}

const gone = (err: unknown) => err instanceof AppError && err.code === "not_found";

// ---------------------------------------------------------------- actions

export async function startUpload(input: z.output<typeof startUploadBody>, ctx: ActionContext): Promise<ArtifactUpload> {
  const owner = ctx.session?.username;
  if (!owner) throw new AppError("unauthenticated");
  const db = consoleDb();
  const bucket = artifactBucket();
  const key = artifactKey(input.fileName, input.version, Date.now(), randomBytes(6).toString("hex"));
  const partSize = partSizeFor(input.size);
  ctx.audit.target = key;
  const params: Record<string, unknown> = { bucket, key, fileName: input.fileName, size: input.size, partSize, version: input.version };
  ctx.audit.params = params;

  // Uploads left for more than a day are dropped (S3 stops keeping their parts); at most a few stay open per user.
  const plan = planNewUpload(openUploadsOf(db, owner), Date.now());
  const dropped: string[] = [];
  for (const s of plan.stale) {
    try {
      await abortArtifactUpload({ bucket, key: s.key, uploadId: s.uploadId });
    } catch (err) {
      if (!gone(err)) throw err;
    }
    forgetUpload(db, s.key, s.uploadId);
    dropped.push(s.key);
  }
  if (dropped.length) params.abortedStale = dropped;
  if (plan.refusal) throw new AppError("conflict", plan.refusal, { reason: "too_many_uploads" });

  await ensureArtifactBucket(bucket);
  let created: { uploadId: string; awsRequestId: string | null };
  try {
    created = await createArtifactUpload({ bucket, key });
  } catch (err) {
    ctx.audit.awsRequestId = awsRequestIdOf(err);
    throw err;
  }
  ctx.audit.awsRequestId = created.awsRequestId;
  params.uploadId = created.uploadId;
  if (!recordUpload(db, bucket, { key, uploadId: created.uploadId, owner, size: input.size, partSize, createdAtMs: Date.now() })) {
    // Another start of the same user won the last slot meanwhile.
    await abortArtifactUpload({ bucket, key, uploadId: created.uploadId }).catch(() => undefined);
    throw new AppError("conflict", `You already have ${MAX_OPEN_UPLOADS_PER_USER} unfinished artifact uploads. Finish or remove one, then start this one.`, {
      reason: "too_many_uploads",
    });
  }
  return { bucket, key, uploadId: created.uploadId, partSize };
}

export async function completeUpload(input: z.output<typeof completeBody>, ctx: ActionContext): Promise<UploadedArtifact> {
  const db = consoleDb();
  const bucket = artifactBucket();
  ctx.audit.target = input.key;
  ctx.audit.params = { bucket, key: input.key, uploadId: input.uploadId, sha256: input.sha256 };
  const record = ownUpload(db, input.key, input.uploadId, ctx.session);
  ctx.audit.params = { bucket, key: input.key, uploadId: input.uploadId, size: record.size, sha256: input.sha256 };
  try {
    // The parts S3 holds must be exactly the declared file: every part, each of its length, adding up to the size.
    const held = await listArtifactParts({ bucket, key: input.key, uploadId: input.uploadId });
    const checked = completionParts(record, held);
    if (!checked.ok) throw new AppError("conflict", checked.message);
    const out = await completeArtifactUpload({ bucket, key: input.key, uploadId: input.uploadId, parts: checked.parts });
    ctx.audit.awsRequestId = out.awsRequestId;
  } catch (err) {
    ctx.audit.awsRequestId = awsRequestIdOf(err);
    throw err;
  }
  forgetUpload(db, input.key, input.uploadId);
  return { bucket, key: input.key, size: record.size, sha256: input.sha256, region: fleetConfig().region };
}

export async function abortUpload(p: z.output<typeof uploadRef>, ctx: ActionContext): Promise<{ aborted: true }> {
  const db = consoleDb();
  const bucket = artifactBucket();
  ctx.audit.target = p.key;
  ctx.audit.params = { bucket, key: p.key, uploadId: p.uploadId };
  ownUpload(db, p.key, p.uploadId, ctx.session);
  try {
    const out = await abortArtifactUpload({ bucket, key: p.key, uploadId: p.uploadId });
    ctx.audit.awsRequestId = out.awsRequestId;
  } catch (err) {
    ctx.audit.awsRequestId = awsRequestIdOf(err);
    if (!gone(err)) throw err;
  }
  forgetUpload(db, p.key, p.uploadId);
  return { aborted: true };
}

// ---------------------------------------------------------------- routes

/** Streams the request body into one part: the caller's own upload, a part number it has, exactly that part's length. */
export async function uploadPart(req: NextRequest, p: z.output<typeof partParams>, session: Session | null): Promise<{ partNumber: number; etag: string }> {
  const record = ownUpload(consoleDb(), p.key, p.uploadId, session);
  const length = Number(req.headers.get("content-length"));
  if (!req.headers.get("content-length") || !Number.isSafeInteger(length) || length <= 0)
    throw new AppError("invalid_input", "Send the part with its Content-Length.");
  const refusal = partRefusal(record, p.partNumber, length);
  if (refusal) throw new AppError("invalid_input", refusal);
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

export async function listParts(p: z.output<typeof uploadRef>, session: Session | null) {
  ownUpload(consoleDb(), p.key, p.uploadId, session);
  return { parts: await listArtifactParts({ bucket: artifactBucket(), key: p.key, uploadId: p.uploadId }) };
}

import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  ListPartsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { fleetConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { awsS3 } from "./client";
import { awsRequestIdOf } from "./fleet-index";

/**
 * Rollout artifacts in S3, in the console's own types: a multipart upload streamed part by
 * part through the console (the browser never holds a credential), so an upload that
 * fails keeps every part S3 acknowledged and resumes with the rest.
 */

/** S3's limits on multipart uploads. */
export const S3_MAX_PARTS = 10_000;
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
export const S3_MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/**
 * Makes sure the artifact bucket exists. Against the emulator it is created on first use;
 * on AWS a missing bucket is a configuration error (the console does not create buckets
 * in a real account).
 */
export async function ensureArtifactBucket(bucket: string): Promise<void> {
  try {
    await awsS3("HeadBucket", (c) => c.send(new HeadBucketCommand({ Bucket: bucket })), { subject: bucket });
    return;
  } catch (err) {
    if (!(err instanceof AppError && err.code === "not_found")) throw err;
  }
  if (fleetConfig().backend !== "local") {
    throw new AppError("unavailable", `The artifact bucket ${bucket} does not exist. Create it, or set JOBS_ARTIFACT_BUCKET to one that does.`);
  }
  try {
    await awsS3("CreateBucket", (c) => c.send(new CreateBucketCommand({ Bucket: bucket })), { subject: bucket });
  } catch (err) {
    // Another upload created it meanwhile.
    if (!(err instanceof AppError && err.code === "conflict")) throw err;
  }
}

export async function createArtifactUpload(input: {
  bucket: string;
  key: string;
  contentType?: string;
}): Promise<{ uploadId: string; awsRequestId: string | null }> {
  const out = await awsS3(
    "CreateMultipartUpload",
    (c) => c.send(new CreateMultipartUploadCommand({ Bucket: input.bucket, Key: input.key, ContentType: input.contentType || "application/octet-stream" })),
    { subject: input.key },
  );
  if (!out.UploadId) throw new AppError("unavailable", "S3 did not start the upload.");
  return { uploadId: out.UploadId, awsRequestId: awsRequestIdOf(out) };
}

/** One part, streamed from `body` to S3 (nothing buffered here); `contentLength` is the part's exact size. */
export async function uploadArtifactPart(input: {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  body: Readable;
  contentLength: number;
  signal?: AbortSignal;
}): Promise<{ etag: string }> {
  const out = await awsS3(
    "UploadPart",
    (c) =>
      c.send(
        new UploadPartCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          Body: input.body,
          ContentLength: input.contentLength,
        }),
        { abortSignal: input.signal },
      ),
    { subject: input.key },
  );
  if (!out.ETag) throw new AppError("unavailable", "S3 did not acknowledge the part.");
  return { etag: out.ETag };
}

/** The parts S3 holds for an upload, every page of them. */
export async function listArtifactParts(input: { bucket: string; key: string; uploadId: string }): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await awsS3("ListParts", (c) =>
      c.send(new ListPartsCommand({ Bucket: input.bucket, Key: input.key, UploadId: input.uploadId, PartNumberMarker: marker, MaxParts: 1000 })),
    );
    for (const p of out.Parts ?? []) if (p.PartNumber && p.ETag) parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
    if (!out.IsTruncated || !out.NextPartNumberMarker) break;
    marker = out.NextPartNumberMarker;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

export async function completeArtifactUpload(input: {
  bucket: string;
  key: string;
  uploadId: string;
  parts: Array<{ partNumber: number; etag: string }>;
}): Promise<{ etag: string | null; awsRequestId: string | null }> {
  const out = await awsS3(
    "CompleteMultipartUpload",
    (c) =>
      c.send(
        new CompleteMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          MultipartUpload: { Parts: [...input.parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      ),
    { subject: input.key },
  );
  return { etag: out.ETag ?? null, awsRequestId: awsRequestIdOf(out) };
}

export async function abortArtifactUpload(input: { bucket: string; key: string; uploadId: string }): Promise<{ awsRequestId: string | null }> {
  const out = await awsS3(
    "AbortMultipartUpload",
    (c) => c.send(new AbortMultipartUploadCommand({ Bucket: input.bucket, Key: input.key, UploadId: input.uploadId })),
    {
      subject: input.key,
    },
  );
  return { awsRequestId: awsRequestIdOf(out) };
}

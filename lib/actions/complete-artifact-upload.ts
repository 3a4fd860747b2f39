"use server";
import "server-only";

import { action, targetField } from "@/lib/auth/guard";
import { completeBody } from "@/lib/jobs/draft-artifacts";
import { completeUpload } from "@/lib/jobs/draft-artifacts-service";

/**
 * Completes the caller's own artifact upload (jobs.write): the parts S3 holds must be every
 * part of the declared size, each of its exact length; then CompleteMultipartUpload.
 * Audited with the key as target and AWS's request id.
 */
export const completeArtifactUpload = action(
  { name: "artifacts.upload_complete", requirement: "jobs.write", input: completeBody, target: targetField("key") },
  (data, ctx) => completeUpload(data, ctx),
);

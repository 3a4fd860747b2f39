"use server";
import "server-only";

import { action } from "@/lib/auth/guard";
import { startUploadBody } from "@/lib/jobs/draft-artifacts";
import { startUpload } from "@/lib/jobs/draft-artifacts-service";

/**
 * Starts an artifact upload from the wizard (jobs.write): CreateMultipartUpload in the
 * console's artifact bucket, recorded with its starter, declared size and part size (at
 * most 5 GiB; at most 3 unfinished per user, those older than a day are aborted first).
 * Audited with the new key as target and AWS's request id.
 */
export const startArtifactUpload = action({ name: "artifacts.upload_start", requirement: "jobs.write", input: startUploadBody }, (data, ctx) =>
  startUpload(data, ctx),
);

"use server";
import "server-only";

import { action, targetField } from "@/lib/auth/guard";
import { uploadRef } from "@/lib/jobs/draft-artifacts";
import { abortUpload } from "@/lib/jobs/draft-artifacts-service";

/** Aborts the caller's own unfinished artifact upload (jobs.write; AbortMultipartUpload, audited with AWS's request id). */
export const abortArtifactUpload = action(
  { name: "artifacts.upload_abort", requirement: "jobs.write", input: uploadRef, target: targetField("key") },
  (data, ctx) => abortUpload(data, ctx),
);

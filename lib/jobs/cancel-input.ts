import { z } from "zod";
import { thingNameSchema } from "@/lib/shadows/api";
import { jobIdSchema } from "./filters";

/**
 * The inputs of the job actions (lib/actions), shared with their forms. AWS's own
 * limits: reasonCode `[\p{Upper}\p{Digit}_]+` up to 128, comment up to 2028 printable
 * characters (botocore's ReasonCode, Comment).
 */
export const REASON_CODE_PATTERN = /^[\p{Lu}\p{Nd}_]+$/u;

const flag = z.union([z.boolean(), z.enum(["on", "true", "1", "false", "0", ""])]).transform((v) => v === true || v === "on" || v === "true" || v === "1");

export const cancelJobInput = z.object({
  jobId: jobIdSchema,
  force: flag.optional().transform((v) => v === true),
  reasonCode: z
    .string()
    .trim()
    .max(128, "A reason code is at most 128 characters.")
    .regex(/^([\p{Lu}\p{Nd}_]+)?$/u, "A reason code is upper-case letters, digits and “_” (e.g. BAD_BUILD).")
    .optional()
    .transform((v) => v || undefined),
  comment: z
    .string()
    .trim()
    .min(1, "Say why the job is canceled: the comment stays on the job and in the audit trail.")
    .max(2028, "A comment is at most 2028 characters.")
    .regex(/^[^\p{C}]+$/u, "Use printable characters only (no line breaks)."),
});

export const cancelExecutionInput = z.object({
  jobId: jobIdSchema,
  thingName: thingNameSchema,
  force: flag.optional().transform((v) => v === true),
});

export const retryFailedInput = z.object({
  jobId: jobIdSchema,
  /** The new job's id: AWS job ids are unique, so the retry is a job of its own. */
  newJobId: jobIdSchema,
  /** Include REJECTED executions (AWS itself never retries them: the device refused the job). */
  includeRejected: flag.optional().transform((v) => v === true),
});

/** A retry job's default id: `<jobId>-retry-<n>`, cut to AWS's 64 characters. */
export function retryJobId(jobId: string, n = 1): string {
  const suffix = `-retry-${n}`;
  return jobId.slice(0, 64 - suffix.length) + suffix;
}

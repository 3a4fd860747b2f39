import { z } from "zod";
import { EXECUTION_STATUSES, JOB_STATUSES, TARGET_SELECTIONS, type ExecutionStatus, type JobStatus, type TargetSelection } from "./types";

/**
 * The jobs list's filters (ListJobs: status, targetSelection, thingGroupName), as the URL
 * and the API carry them, and the job page's execution status filter. Pure and shared by
 * the server page, the route handler and the filter bar.
 */
export const JOBS_PAGE_SIZE = 25;
/** AWS's maximum page of ListJobExecutionsForJob / ForThing (LaserMaxResults 1..250). */
export const EXECUTIONS_PAGE_SIZE = 250;

export interface JobListFilters {
  status: JobStatus | null;
  selection: TargetSelection | null;
  group: string | null;
  size: number;
}

/** A thing group name as AWS allows it (1..128 of [a-zA-Z0-9:_-]). */
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;
/** A job id as AWS allows it (1..64 of [a-zA-Z0-9_-]). */
export const JOB_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export const jobIdSchema = z.string().regex(JOB_ID_PATTERN, "A job id is 1 to 64 letters, digits, “_” or “-”.");

export const jobStatusSchema = z.enum(JOB_STATUSES, { message: `One of ${JOB_STATUSES.join(", ")}.` });
export const executionStatusSchema = z.enum(EXECUTION_STATUSES, { message: `One of ${EXECUTION_STATUSES.join(", ")}.` });
export const selectionSchema = z.enum(TARGET_SELECTIONS, { message: "SNAPSHOT or CONTINUOUS." });

export const jobListQuerySchema = z
  .object({
    status: jobStatusSchema.optional(),
    selection: selectionSchema.optional(),
    group: z.string().regex(GROUP_NAME_PATTERN, "A group name is 1 to 128 letters, digits, “:”, “_” or “-”.").optional(),
    size: z.coerce.number().int().min(1).max(250).optional(),
  })
  .strict();

/** Values from the URL (already parsed loosely) → filters, or the first problem. */
export function parseJobFilters(raw: {
  status?: string | null;
  selection?: string | null;
  group?: string | null;
  size?: number | null;
}): { ok: true; filters: JobListFilters } | { ok: false; message: string } {
  const parsed = jobListQuerySchema.safeParse({
    status: raw.status || undefined,
    selection: raw.selection || undefined,
    group: raw.group || undefined,
    size: raw.size ?? undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join(".") || "filter"}: ${issue?.message ?? "invalid"}` };
  }
  const q = parsed.data;
  return { ok: true, filters: { status: q.status ?? null, selection: q.selection ?? null, group: q.group ?? null, size: q.size ?? JOBS_PAGE_SIZE } };
}

export function jobFiltersKey(f: JobListFilters): string {
  return [f.status ?? "", f.selection ?? "", f.group ?? "", f.size].join("|");
}

export function hasJobFilters(f: JobListFilters): boolean {
  return f.status !== null || f.selection !== null || f.group !== null;
}

export type { ExecutionStatus };

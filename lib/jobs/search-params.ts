import { createLoader, parseAsInteger, parseAsString } from "nuqs/server";
import { EXECUTION_STATUSES, type ExecutionStatus } from "./types";

/**
 * URL state of the jobs list and of a job's executions, shared by the server pages and the
 * filter bars, so a shared link shows the same list. Values are checked by
 * lib/jobs/filters.ts (an unknown status is an explained error, not silently dropped).
 */
export const jobsSearchParams = {
  status: parseAsString,
  selection: parseAsString,
  group: parseAsString,
  size: parseAsInteger,
};

export const loadJobsSearchParams = createLoader(jobsSearchParams);

/**
 * The job page: which executions the table shows. Read as text so that a value that is no
 * status is explained (parseExecStatus) rather than silently dropped.
 */
export const jobSearchParams = {
  exec: parseAsString,
};

/** `?exec=` → the status, null for all, or "invalid". */
export function parseExecStatus(raw: string | null): ExecutionStatus | null | "invalid" {
  if (!raw) return null;
  return (EXECUTION_STATUSES as readonly string[]).includes(raw) ? (raw as ExecutionStatus) : "invalid";
}

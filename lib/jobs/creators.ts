import "server-only";
import type { ConsoleDb } from "@/lib/db/console-db";

/**
 * Who created a job, from the console's own audit trail: AWS IoT records no creator. A
 * job created outside the console (the CLI, another tool) has none, and the list says so.
 * The actions that create jobs write their new job id as the audit target.
 */
export const JOB_CREATING_ACTIONS = ["jobs.create", "jobs.retry_failed"] as const;

/** The newest successful creator of each job id (one indexed query for a page of jobs). */
export function jobCreators(db: ConsoleDb, jobIds: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (jobIds.length === 0) return out;
  const ids = [...new Set(jobIds)].slice(0, 250);
  const rows = db
    .prepare(
      `SELECT target, actor FROM audit_log
        WHERE action IN (${JOB_CREATING_ACTIONS.map(() => "?").join(",")}) AND result = 'success' AND target IN (${ids.map(() => "?").join(",")})
        ORDER BY id ASC`,
    )
    .all(...JOB_CREATING_ACTIONS, ...ids) as Array<{ target: string; actor: string }>;
  // Oldest first, so a job id reused after a deletion names its latest creator.
  for (const r of rows) out.set(r.target, r.actor);
  return out;
}

"use client";

import { useEffect, useMemo, useState } from "react";
import { ProgressChart } from "@/components/jobs/progress-chart";
import { useExecutionPages, useLoadToEnd } from "@/components/jobs/use-executions";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { rateLabel } from "@/lib/jobs/eta";
import { progressSeries, withLivePoint } from "@/lib/jobs/progress";
import { rolloutRateFromConfig } from "@/lib/jobs/rollout";
import { ACTIVE_JOB, totalsOf } from "@/lib/jobs/status";
import type { JobDetail } from "@/lib/jobs/types";

/** The curve is built from at most this many executions (40 pages of 250); the live counts give its end beyond that. */
const MAX_ROWS = 10_000;
/** How often the time axis of a running job moves on when no count changed. */
const TICK_MS = 15_000;

/**
 * Things notified, succeeded and failed since the rollout started, against what the
 * configured rate allows (lib/jobs/progress.ts: from the executions' own timestamps, so
 * the curve is the same for everyone and survives a reload). It reads every execution of
 * the job (sharing the pages with the executions table); while that is under way, or
 * beyond MAX_ROWS, its last point is the job's live counts.
 */
export function ProgressOverTime({ job, targetCount, renderedAtMs }: { job: JobDetail; targetCount: number | null; renderedAtMs: number }) {
  const active = ACTIVE_JOB.has(job.status);
  // The table's reader of these pages keeps them current (poll: false: one poller, not two).
  const { query, rows } = useExecutionPages(job.jobId, null, { live: active, poll: false, renderedAtMs });
  useLoadToEnd(query, rows.length, MAX_ROWS, true);
  const nowMs = useRunningClock(active, renderedAtMs);
  const totals = totalsOf(job.counts);
  const startMs = job.scheduledStartMs ?? job.createdAtMs ?? renderedAtMs;
  const endMs = active ? Math.max(nowMs, startMs) : (job.completedAtMs ?? job.lastUpdatedAtMs ?? nowMs);

  const points = useMemo(() => {
    const series = progressSeries(rows, { startMs, nowMs: endMs, rate: rolloutRateFromConfig(job.rollout), targetCount });
    return withLivePoint(series, { notified: totals.notified, succeeded: totals.succeeded, failed: totals.failures });
  }, [rows, startMs, endMs, job.rollout, targetCount, totals.notified, totals.succeeded, totals.failures]);

  if (job.status === "SCHEDULED" && totals.notified === 0) {
    return <p className="text-sm text-muted">The rollout has not started: the chart begins with its first notification.</p>;
  }
  if (query.isPending) return <LinesSkeleton lines={5} label="Loading the executions for the chart" />;

  const loaded = rows.length;
  const complete = !query.hasNextPage;
  return (
    <div className="space-y-1">
      {query.isError ? (
        <ErrorNotice
          error={toErrorData(query.error)}
          title="Could not read every execution: the curve stops where the reading did"
          action={
            <button type="button" className="btn" onClick={() => void query.fetchNextPage()}>
              Retry
            </button>
          }
        />
      ) : null}
      <ProgressChart points={points} />
      <p className="text-xs text-muted" data-testid="chart-source">
        Dashed: what the configured rate allows ({rateLabel(job.rollout).replace(/^./, (c) => c.toLowerCase())})
        {targetCount === null ? " — not drawn: the number of things targeted is unknown" : ""}.{" "}
        {complete
          ? `Built from all ${formatCount(loaded)} executions.`
          : loaded >= MAX_ROWS
            ? `Built from the first ${formatCount(loaded)} of ${formatCount(totals.notified)} executions; the last point is the job's live counts.`
            : `Reading executions… ${formatCount(loaded)} of ${formatCount(totals.notified)}; the last point is the job's live counts.`}
      </p>
    </div>
  );
}

/** Now, moving on every TICK_MS while the job runs (the chart's right edge); frozen once it has ended. */
function useRunningClock(active: boolean, initialMs: number): number {
  const [now, setNow] = useState(initialMs);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

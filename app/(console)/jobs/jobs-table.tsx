"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { ExecutionProgressBar } from "@/components/jobs/progress-bar";
import { JobStatusBadge } from "@/components/jobs/status-badge";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { useLivePolling } from "@/components/query/use-route-query";
import { RefreshButton } from "@/components/ui/retry-button";
import { TimeAgo } from "@/components/ui/time-ago";
import { formatCount } from "@/lib/format/count";
import { fetchRoute } from "@/lib/http/get-json";
import { nextPollMs } from "@/lib/http/poll-policy";
import { JOBS_LIST_LIVE_MAX_ROWS, JOBS_LIST_POLL, jobsRoute } from "@/lib/jobs/api";
import type { JobListFilters } from "@/lib/jobs/filters";
import { totalsOf } from "@/lib/jobs/status";
import type { JobRow, JobsPage, JobTarget } from "@/lib/jobs/types";
import { flattenPages } from "@/lib/things/paging";

/** Rows loaded: each poll re-reads every loaded page, one DescribeJob a row. */
const loadedRows = (data: { pages: readonly JobsPage[] } | undefined) => data?.pages.reduce((n, p) => n + p.jobs.length, 0) ?? 0;

interface Props {
  filters: JobListFilters;
  filtersActive: boolean;
  initialPage: JobsPage;
  renderedAtMs: number;
}

/**
 * The jobs list: page 1 from the server, the next ones from /api/jobs with AWS's
 * nextToken, "Load all" to the end. The progress bars are kept current every 15 s while
 * the tab is visible and at most JOBS_LIST_LIVE_MAX_ROWS rows are loaded (each row costs
 * one DescribeJob a poll, against AWS's 10 a second); beyond that the list says so and
 * is refreshed on demand (page 1 again, from the server).
 */
export function JobsTable({ filters, filtersActive, initialPage, renderedAtMs }: Props) {
  const live = useLivePolling();
  const counter = `jobs:${renderedAtMs}`;
  const query = useInfiniteQuery({
    queryKey: [...jobsRoute.key(filters, null), renderedAtMs],
    queryFn: ({ pageParam, signal }) => live.failures.track(counter, () => fetchRoute(jobsRoute, [filters, pageParam], signal), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: JOBS_LIST_POLL.everyMs,
    refetchInterval: (q) =>
      loadedRows(q.state.data) <= JOBS_LIST_LIVE_MAX_ROWS
        ? nextPollMs(JOBS_LIST_POLL, {
            visible: live.visible,
            failures: live.failures.count(counter),
            lastErrorCode: (q.state.error as { code?: string } | null)?.code,
          })
        : false,
    refetchIntervalInBackground: false,
  });
  const { controls } = useLoadAll(query);
  const pages = query.data.pages;
  const jobs = useMemo(
    () =>
      flattenPages(
        pages,
        (p) => p.jobs,
        (j) => j.jobId,
      ),
    [pages],
  );

  if (jobs.length === 0) {
    return (
      <div className="rounded border border-border bg-surface px-4 py-8 text-center">
        <p className="text-base font-semibold">{filtersActive ? "No jobs match these filters" : "No jobs yet"}</p>
        <p className="mt-1 text-muted">
          {filtersActive ? "Try another status or group, or clear the filters." : "Jobs appear here once a rollout is created."}
        </p>
      </div>
    );
  }

  const paused = jobs.length > JOBS_LIST_LIVE_MAX_ROWS;
  return (
    <div>
      {paused ? (
        <div role="status" className="mb-2 flex flex-wrap items-center justify-between gap-2 rounded border border-border bg-surface-2 px-3 py-1.5 text-sm">
          <span>
            <span className="font-semibold">Auto-refresh paused</span>
            <span className="text-muted">
              {" "}
              · {formatCount(jobs.length)} jobs are loaded; re-reading them all every 15 s would outrun AWS IoT’s DescribeJob rate. The figures are as loaded.
            </span>
          </span>
          <RefreshButton label="Refresh now" pendingLabel="Refreshing…" />
        </div>
      ) : null}
      <div className="max-h-[calc(100vh-15rem)] overflow-auto rounded border border-border bg-surface">
        <table className="data-table" aria-label="Jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Targets</th>
              <th scope="col" className="w-[28%]">
                Progress
              </th>
              <th scope="col">Created</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <JobListRow key={j.jobId} job={j} />
            ))}
          </tbody>
        </table>
      </div>
      <LoadControls {...controls} count={jobs.length} noun={["job", "jobs"]} />
    </div>
  );
}

function JobListRow({ job }: { job: JobRow }) {
  const totals = job.details ? totalsOf(job.details.counts) : null;
  return (
    <tr data-job-id={job.jobId}>
      <td className="font-mono text-[13px] whitespace-nowrap">
        <Link href={`/jobs/${encodeURIComponent(job.jobId)}`}>{job.jobId}</Link>
        {job.details?.description ? (
          <p className="max-w-72 truncate font-sans text-xs text-muted" title={job.details.description}>
            {job.details.description}
          </p>
        ) : null}
      </td>
      <td className="whitespace-nowrap">
        <JobStatusBadge status={job.status} />
        {job.targetSelection === "CONTINUOUS" ? <span className="ml-1 text-xs text-muted">continuous</span> : null}
      </td>
      <td>{job.details ? <TargetsSummary targets={job.details.targets} /> : <span className="text-xs text-warn">unavailable</span>}</td>
      <td>
        {job.details && totals ? (
          <div className="space-y-0.5">
            <ExecutionProgressBar counts={job.details.counts} targetCount={job.details.targetCount} />
            <p className="text-xs text-muted tabular-nums">
              {job.details.targetCount !== null
                ? `${formatCount(totals.succeeded)} of ${formatCount(job.details.targetCount)} succeeded`
                : `${formatCount(totals.succeeded)} succeeded of ${formatCount(totals.notified)} notified`}
              {totals.failures > 0 ? <span className="text-bad"> · {formatCount(totals.failures)} failed</span> : null}
              {totals.pending > 0 ? ` · ${formatCount(totals.pending)} pending` : ""}
            </p>
          </div>
        ) : (
          <span className="text-xs text-muted">—</span>
        )}
      </td>
      <td className="whitespace-nowrap text-sm">{job.createdAtMs !== null ? <TimeAgo at={job.createdAtMs} /> : "—"}</td>
      <td className="whitespace-nowrap text-sm">
        {job.createdBy ?? (
          <span className="text-muted" title="Not created from this console">
            —
          </span>
        )}
      </td>
    </tr>
  );
}

/** The first target or two by name, and how many more. */
export function TargetsSummary({ targets }: { targets: readonly JobTarget[] }) {
  const shown = targets.slice(0, 2);
  return (
    <span className="text-sm">
      {shown.map((t, i) => (
        <span key={t.arn}>
          {i > 0 ? ", " : ""}
          {t.kind === "group" ? (
            <Link href={`/groups?group=${encodeURIComponent(t.name)}`} className="font-mono text-[13px]" title="Thing group">
              ▣ {t.name}
            </Link>
          ) : t.kind === "thing" ? (
            <Link href={`/things/${encodeURIComponent(t.name)}`} className="font-mono text-[13px]" title="Thing">
              {t.name}
            </Link>
          ) : (
            <span className="font-mono text-[13px]">{t.arn}</span>
          )}
        </span>
      ))}
      {targets.length > shown.length ? <span className="text-muted"> +{formatCount(targets.length - shown.length)} more</span> : null}
    </span>
  );
}

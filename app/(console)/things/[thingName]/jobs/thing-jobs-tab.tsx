"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { ExecutionStatusBadge } from "@/components/jobs/status-badge";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { useLivePolling } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { TableSkeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { toErrorData } from "@/lib/errors";
import { fetchRoute } from "@/lib/http/get-json";
import { nextPollMs } from "@/lib/http/poll-policy";
import { THING_JOBS_POLL, thingJobsRoute } from "@/lib/jobs/api";
import { detailsText } from "@/lib/jobs/details";
import type { ExecutionRow } from "@/lib/jobs/types";

/** Kept current while no more than this many pages are loaded and one execution is still pending. */
const LIVE_MAX_PAGES = 2;

/**
 * A thing's Jobs tab: every job execution of the thing (ListJobExecutionsForThing) with
 * its status and statusDetails, each linked to its job. Re-read every 10 s while one of
 * them is queued or in progress and the tab is visible.
 */
export function ThingJobsTab({ thingName }: { thingName: string }) {
  const live = useLivePolling();
  const counter = `thing-jobs:${thingName}`;
  const query = useInfiniteQuery({
    queryKey: thingJobsRoute.key(thingName, null),
    queryFn: ({ pageParam, signal }) => live.failures.track(counter, () => fetchRoute(thingJobsRoute, [thingName, pageParam], signal), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    staleTime: THING_JOBS_POLL.everyMs,
    refetchInterval: (q) => {
      const pages = q.state.data?.pages ?? [];
      const pending = pages.some((p) => p.executions.some((e) => e.status === "QUEUED" || e.status === "IN_PROGRESS"));
      if (!pending || pages.length > LIVE_MAX_PAGES) return false;
      return nextPollMs(THING_JOBS_POLL, {
        visible: live.visible,
        failures: live.failures.count(counter),
        lastErrorCode: (q.state.error as { code?: string } | null)?.code,
      });
    },
    refetchIntervalInBackground: false,
  });
  const { controls } = useLoadAll(query);
  const pages = query.data?.pages;
  // A thing has one execution per job (its latest): the job id is the row's key.
  const rows = useMemo(() => (pages ?? []).flatMap((p) => p.executions), [pages]);

  return (
    <section aria-labelledby="thing-jobs" className="rounded border border-border bg-surface" data-testid="thing-jobs-tab">
      <header className="flex items-center justify-between gap-2 border-b border-border px-3 py-2">
        <h2 id="thing-jobs" className="text-sm font-semibold tracking-wide text-muted uppercase">
          Job executions
        </h2>
        <button type="button" className="btn px-2 py-0.5 text-xs" onClick={() => void query.refetch()} disabled={query.isFetching}>
          {query.isRefetching && !query.isFetchingNextPage ? "Refreshing…" : "Refresh"}
        </button>
      </header>
      <div className="px-3 py-2">
        {query.isPending ? (
          <TableSkeleton label="Loading the thing's job executions" columns={6} rows={4} />
        ) : query.isError && rows.length === 0 ? (
          <ErrorNotice
            error={toErrorData(query.error)}
            title="Could not list this thing's job executions"
            action={
              <button type="button" className="btn" onClick={() => void query.refetch()}>
                Retry
              </button>
            }
          />
        ) : rows.length === 0 ? (
          <div className="px-2 py-6 text-center">
            <p className="font-semibold">No job executions</p>
            <p className="mt-1 text-sm text-muted">No job has targeted this thing yet (or every one that did was deleted).</p>
          </div>
        ) : (
          <>
            <div className="overflow-auto">
              <table className="data-table" aria-label="Job executions of this thing">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Status</th>
                    <th scope="col">Status details</th>
                    <th scope="col">Queued</th>
                    <th scope="col">Started</th>
                    <th scope="col">Updated</th>
                    <th scope="col" className="text-right" title="Execution number · retry attempt">
                      Run
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <ExecutionLine key={`${r.jobId}#${r.executionNumber ?? ""}`} row={r} />
                  ))}
                </tbody>
              </table>
            </div>
            <LoadControls {...controls} count={rows.length} noun={["execution", "executions"]} endLabel="end of executions" />
          </>
        )}
      </div>
    </section>
  );
}

function ExecutionLine({ row }: { row: ExecutionRow }) {
  const text = detailsText(row.statusDetails);
  return (
    <tr data-job-id={row.jobId}>
      <td className="font-mono text-[13px] whitespace-nowrap">
        <Link href={`/jobs/${encodeURIComponent(row.jobId)}`}>{row.jobId}</Link>
      </td>
      <td className="whitespace-nowrap">
        <ExecutionStatusBadge status={row.status} />
      </td>
      <td className="max-w-96 font-mono text-xs break-words">{text || <span className="text-muted">—</span>}</td>
      <td className="text-sm whitespace-nowrap">{row.queuedAtMs !== null ? <TimeAgo at={row.queuedAtMs} /> : "—"}</td>
      <td className="text-sm whitespace-nowrap">{row.startedAtMs !== null ? <TimeAgo at={row.startedAtMs} /> : "—"}</td>
      <td className="text-sm whitespace-nowrap">{row.lastUpdatedAtMs !== null ? <TimeAgo at={row.lastUpdatedAtMs} /> : "—"}</td>
      <td className="text-right font-mono text-[13px] tabular-nums" title={row.retryAttempt ? `retry ${row.retryAttempt}` : undefined}>
        {row.executionNumber ?? "—"}
        {row.retryAttempt ? <span className="text-warn"> ↻{row.retryAttempt}</span> : null}
      </td>
    </tr>
  );
}

"use client";

import { useQueryStates } from "nuqs";
import { useCallback, useId, useState } from "react";
import { ExecutionsTable } from "@/components/jobs/executions-table";
import { useExecutionPages } from "@/components/jobs/use-executions";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { ErrorNotice } from "@/components/ui/error-notice";
import { TableSkeleton } from "@/components/ui/skeleton";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { jobSearchParams, parseExecStatus } from "@/lib/jobs/search-params";
import { EXECUTION_STATUS_LABELS, totalsOf } from "@/lib/jobs/status";
import { EXECUTION_STATUSES, type ExecutionCounts } from "@/lib/jobs/types";

interface Props {
  jobId: string;
  /** The job's live counts (DescribeJob): the filter's figures and the list's expected size. */
  counts: ExecutionCounts;
  /** The job may still change (lib/jobs/status.ts jobMayChange): the list and the details in view are kept current. */
  active: boolean;
  canWrite: boolean;
  renderedAtMs: number;
}

/**
 * The job's executions: a status filter kept in the URL (`?exec=FAILED`), the virtualized
 * table that pages to the end as it is scrolled (components/jobs/executions-table.tsx), and
 * "Load all" to fetch every page at once. While the job may change, a short list is re-read
 * every 15 s, a long one its first page only, and the details of the rows in view every
 * 20 s; the whole list is reloaded on demand.
 */
export function ExecutionsSection({ jobId, counts, active, canWrite, renderedAtMs }: Props) {
  const id = useId();
  const [{ exec }, setParams] = useQueryStates(jobSearchParams);
  const parsed = parseExecStatus(exec);
  const status = parsed === "invalid" ? null : parsed;
  const { query, rows } = useExecutionPages(jobId, status, { live: active, renderedAtMs });
  const { controls, loadingAll } = useLoadAll(query);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const onNeedMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  // Bumped by "Reload executions": the details in view are read again with the list (and once more when the job stops changing).
  const [reloads, setReloads] = useState(0);
  const reload = () => {
    setReloads((n) => n + 1);
    void query.refetch();
  };
  const total = status ? counts[status] : totalsOf(counts).notified;

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor={`${id}-status`} className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
          Status
          <select id={`${id}-status`} className="input min-w-48" value={status ?? ""} onChange={(e) => void setParams({ exec: e.target.value || null })}>
            <option value="">All statuses ({formatCount(totalsOf(counts).notified)})</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {EXECUTION_STATUS_LABELS[s]} ({formatCount(counts[s])})
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-center gap-2">
          {query.isRefetching && !isFetchingNextPage ? (
            <span className="text-xs text-muted" aria-live="polite">
              Refreshing…
            </span>
          ) : null}
          <button type="button" className="btn" onClick={reload} disabled={query.isFetching || loadingAll}>
            Reload executions
          </button>
        </div>
      </div>
      {parsed === "invalid" ? (
        <div role="alert" className="rounded border border-warn/50 bg-warn/10 px-3 py-2 text-sm">
          “{exec}” is not an execution status (one of {EXECUTION_STATUSES.join(", ")}): showing every execution.
        </div>
      ) : null}
      {query.isPending ? (
        <TableSkeleton label="Loading executions" columns={canWrite ? 8 : 7} rows={6} />
      ) : query.isError && rows.length === 0 ? (
        <ErrorNotice
          error={toErrorData(query.error)}
          title="Could not list the executions"
          action={
            <button type="button" className="btn" onClick={() => void query.refetch()}>
              Retry
            </button>
          }
        />
      ) : rows.length === 0 ? (
        <div className="rounded border border-border px-4 py-6 text-center">
          <p className="font-semibold">{status ? `No ${EXECUTION_STATUS_LABELS[status].toLowerCase()} executions` : "No executions yet"}</p>
          <p className="mt-1 text-sm text-muted">
            {status ? "Choose another status, or all of them." : active ? "Executions appear as the rollout notifies things." : "This job notified no thing."}
          </p>
        </div>
      ) : (
        <>
          <ExecutionsTable
            jobId={jobId}
            rows={rows}
            hasNextPage={hasNextPage}
            isFetchingNextPage={isFetchingNextPage}
            autoLoad={!query.isFetchNextPageError}
            onNeedMore={onNeedMore}
            canWrite={canWrite}
            live={active}
            version={`${reloads}:${active ? "live" : "final"}`}
          />
          <LoadControls {...controls} count={rows.length} total={total} noun={["execution", "executions"]} endLabel="end of executions" />
        </>
      )}
    </div>
  );
}

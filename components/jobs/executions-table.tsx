"use client";

import { useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { TimeAgo } from "@/components/ui/time-ago";
import { fetchRoute } from "@/lib/http/get-json";
import { DETAILS_BATCH_MAX, executionDetailsRoute } from "@/lib/jobs/api";
import { detailsText } from "@/lib/jobs/details";
import type { ExecutionDetail, ExecutionRow } from "@/lib/jobs/types";
import { CancelExecutionButton } from "./cancel-execution-dialog";
import { ExecutionStatusBadge } from "./status-badge";
import { EndRow, SpacerRow } from "@/components/ui/virtual-rows";

/** One line per row: fixed heights keep 10,000 rows cheap to scroll. */
const ROW_HEIGHT = 33;
const PREFETCH_ROWS = 200;
/** statusDetails are read for the rows in view once scrolling rests this long. */
const DETAILS_SETTLE_MS = 300;
/** While the job may change, the details of the rows in view are re-read this often (25 DescribeJobExecution a chunk). */
export const DETAILS_LIVE_MS = 20_000;

interface Props {
  jobId: string;
  rows: readonly ExecutionRow[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  autoLoad: boolean;
  onNeedMore: () => void;
  canWrite: boolean;
  /** The job may still change: the details in view are re-read every DETAILS_LIVE_MS. */
  live: boolean;
  /** Changes when the list is reloaded or the job stops changing: details read before are read again. */
  version: string;
}

/**
 * A job's executions, virtualized (a real <table>, off-screen rows stood in for by two
 * spacers), loading the next page as the end nears, so it reaches the last of 10,000 rows.
 * AWS's list call has no statusDetails: they are read (DescribeJobExecution) for the rows
 * in view, 25 at a time, once scrolling rests, and again now and then while the job runs.
 */
export function ExecutionsTable({ jobId, rows, hasNextPage, isFetchingNextPage, autoLoad, onNeedMore, canWrite, live, version }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = rows.length + 1;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length ? items[0]!.index : 0;
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;

  useEffect(() => {
    if (autoLoad && hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS) onNeedMore();
  }, [autoLoad, hasNextPage, isFetchingNextPage, lastIndex, rows.length, onNeedMore]);

  const details = useVisibleDetails(jobId, rows, firstIndex, lastIndex, live, version);
  const columns = canWrite ? 8 : 7;
  const top = items.length ? items[0]!.start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <div
      ref={scrollRef}
      className="max-h-[32rem] overflow-auto rounded border border-border bg-surface [overflow-anchor:none]"
      data-testid="executions-scroller"
    >
      <table className="data-table table-fixed" aria-label="Executions" aria-rowcount={rows.length + 2} style={{ minWidth: "68rem" }}>
        <colgroup>
          <col style={{ width: "15rem" }} />
          <col style={{ width: "8rem" }} />
          <col />
          <col style={{ width: "7rem" }} />
          <col style={{ width: "7rem" }} />
          <col style={{ width: "7rem" }} />
          <col style={{ width: "5.5rem" }} />
          {canWrite ? <col style={{ width: "5.5rem" }} /> : null}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Thing</th>
            <th scope="col">Status</th>
            <th scope="col">Status details</th>
            <th scope="col">Queued</th>
            <th scope="col">Started</th>
            <th scope="col">Updated</th>
            <th scope="col" className="text-right" title="Execution number · retry attempt">
              Run
            </th>
            {canWrite ? (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <SpacerRow height={top} span={columns} /> : null}
          {items.map((item) =>
            item.index < rows.length ? (
              <Row
                key={rows[item.index]!.thingName}
                index={item.index}
                row={rows[item.index]!}
                detail={details.get(rows[item.index]!.thingName)}
                canWrite={canWrite}
              />
            ) : (
              <EndRow
                key="end"
                index={rows.length + 2}
                height={ROW_HEIGHT}
                span={columns}
                count={rows.length}
                hasNextPage={hasNextPage}
                isFetchingNextPage={isFetchingNextPage}
                what="executions"
                unit={["execution", "executions"]}
              />
            ),
          )}
          {bottom > 0 ? <SpacerRow height={bottom} span={columns} /> : null}
        </tbody>
      </table>
    </div>
  );
}

type DetailState = { status: "loading" } | { status: "done"; detail: ExecutionDetail | null } | { status: "failed" };

/**
 * The details of the rows in view, in aligned chunks of 25 (so a small scroll reuses the
 * chunks already read), asked for only after scrolling rests; while `live`, the chunks in
 * view are re-read every DETAILS_LIVE_MS (only those: chunks scrolled past are not polled).
 */
function useVisibleDetails(
  jobId: string,
  rows: readonly ExecutionRow[],
  first: number,
  last: number,
  live: boolean,
  version: string,
): Map<string, DetailState> {
  const [range, setRange] = useState<[number, number]>([0, -1]);
  useEffect(() => {
    const t = setTimeout(() => setRange([first, last]), DETAILS_SETTLE_MS);
    return () => clearTimeout(t);
  }, [first, last]);
  const chunks = useMemo(() => {
    const out: string[][] = [];
    if (range[1] < range[0]) return out;
    for (let c = Math.floor(range[0] / DETAILS_BATCH_MAX); c * DETAILS_BATCH_MAX <= Math.min(range[1], rows.length - 1); c++) {
      const names = rows.slice(c * DETAILS_BATCH_MAX, (c + 1) * DETAILS_BATCH_MAX).map((r) => r.thingName);
      if (names.length) out.push(names);
    }
    return out;
  }, [range, rows]);
  const results = useQueries({
    queries: chunks.map((names) => ({
      queryKey: [...executionDetailsRoute.key(jobId, names), version],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchRoute(executionDetailsRoute, [jobId, names], signal),
      staleTime: live ? DETAILS_LIVE_MS : 30_000,
      refetchInterval: live ? DETAILS_LIVE_MS : false,
      refetchIntervalInBackground: false,
    })),
  });
  return useMemo(() => {
    const map = new Map<string, DetailState>();
    chunks.forEach((names, i) => {
      const r = results[i];
      for (const n of names) {
        if (r?.data) map.set(n, { status: "done", detail: r.data.details[n] ?? null });
        else if (r?.isError) map.set(n, { status: "failed" });
        else map.set(n, { status: "loading" });
      }
    });
    return map;
  }, [chunks, results]);
}

const CELL = "overflow-hidden text-ellipsis whitespace-nowrap !align-middle";

const Row = memo(function Row({ index, row, detail, canWrite }: { index: number; row: ExecutionRow; detail: DetailState | undefined; canWrite: boolean }) {
  // The detail is the thing's latest execution: newer than the list row when a retry or an update came since.
  const current = detail?.status === "done" && detail.detail && detail.detail.executionNumber === row.executionNumber ? detail.detail : null;
  const status = current?.status ?? row.status;
  const text = current ? detailsText(current.statusDetails) : "";
  return (
    <tr data-index={index} data-thing={row.thingName} aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      <td className={`${CELL} font-mono text-[13px]`}>
        <Link href={`/things/${encodeURIComponent(row.thingName)}?tab=jobs`} title={row.thingName}>
          {row.thingName}
        </Link>
      </td>
      <td className={CELL}>
        <ExecutionStatusBadge status={status} />
      </td>
      <td className={`${CELL} font-mono text-xs`} title={text || undefined}>
        {detail === undefined || detail.status === "loading" ? (
          <span className="text-muted">…</span>
        ) : detail.status === "failed" ? (
          <span className="text-warn">unavailable</span>
        ) : text ? (
          text
        ) : (
          <span className="text-muted">—</span>
        )}
      </td>
      <TimeCell at={row.queuedAtMs} />
      <TimeCell at={current?.startedAtMs ?? row.startedAtMs} />
      <TimeCell at={current?.lastUpdatedAtMs ?? row.lastUpdatedAtMs} />
      <td className={`${CELL} text-right font-mono text-[13px] tabular-nums`} title={row.retryAttempt ? `retry ${row.retryAttempt}` : undefined}>
        {row.executionNumber ?? "—"}
        {row.retryAttempt ? <span className="text-warn"> ↻{row.retryAttempt}</span> : null}
      </td>
      {canWrite ? (
        <td className={CELL}>
          {status === "QUEUED" || status === "IN_PROGRESS" ? <CancelExecutionButton jobId={row.jobId} thingName={row.thingName} status={status} /> : null}
        </td>
      ) : null}
    </tr>
  );
});

function TimeCell({ at }: { at: number | null }) {
  return <td className={`${CELL} text-sm`}>{at !== null ? <TimeAgo at={at} /> : <span className="text-muted">—</span>}</td>;
}

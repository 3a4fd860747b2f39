"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from "react";
import { TimeAgo } from "@/components/ui/time-ago";
import { NAME_COLUMN, tableCell } from "@/lib/fleet-search/table-columns";
import type { ThingSearchRow } from "@/lib/fleet-search/contract";
import { disconnectReasonLabel, isAbnormalDisconnect } from "@/lib/things/connectivity";
import { EndRow, SpacerRow } from "@/components/ui/virtual-rows";

/** Every row is one line high: fixed heights keep scrolling through 100k rows cheap. */
const ROW_HEIGHT = 33;
/** Start fetching the next page when this close to the last loaded row. */
const PREFETCH_ROWS = 60;

interface Props {
  rows: readonly ThingSearchRow[];
  columns: readonly string[];
  numericColumns: ReadonlySet<string>;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  /** False while "load all" is running or after a page failed: scrolling must not add calls then. */
  autoLoad: boolean;
  onNeedMore: () => void;
}

/**
 * The results, virtualized: only the rows in view (plus a margin) are in the DOM, so
 * 100k loaded rows scroll like 100. A real <table> (header cells, row and column counts
 * for assistive tech) whose off-screen rows are stood in for by two spacer rows. Reaching
 * the end loads the next page; the last row says when there is nothing more.
 *
 * Keyboard: Tab reaches the first row's link; ↑/↓, PageUp/PageDown, Home/End move
 * between rows (scrolling them into view); Enter opens the thing.
 */
export function ResultsTable({ rows, columns, numericColumns, hasNextPage, isFetchingNextPage, autoLoad, onNeedMore }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // One extra row at the end: "loading more" or "end of results".
  const count = rows.length + 1;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;

  useEffect(() => {
    if (autoLoad && hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS) onNeedMore();
  }, [autoLoad, hasNextPage, isFetchingNextPage, lastIndex, rows.length, onNeedMore]);

  const focusRow = useCallback(
    (index: number) => {
      const i = Math.max(0, Math.min(rows.length - 1, index));
      virtualizer.scrollToIndex(i, { align: "auto" });
      // The row may only exist after the virtualizer re-renders.
      const tryFocus = (attempt: number) => {
        const link = scrollRef.current?.querySelector<HTMLAnchorElement>(`tr[data-index="${i}"] a`);
        if (link) link.focus({ preventScroll: true });
        else if (attempt < 5) requestAnimationFrame(() => tryFocus(attempt + 1));
      };
      requestAnimationFrame(() => tryFocus(0));
    },
    [rows.length, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>("tr[data-index]");
    if (!row) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 330) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    focusRow(moves[e.key]!);
  };

  const top = items.length ? items[0]!.start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const widths = columns.map(columnWidthRem);
  const tableWidth = widths.reduce((a, b) => a + b, 0);

  return (
    <div
      ref={scrollRef}
      onKeyDown={onKeyDown}
      className="h-[calc(100vh-19rem)] min-h-80 overflow-auto rounded border border-border bg-surface [overflow-anchor:none]"
    >
      <table className="data-table table-fixed" aria-label="Search results" aria-rowcount={rows.length + 2} style={{ width: `max(100%, ${tableWidth}rem)` }}>
        <colgroup>
          {widths.map((w, i) => (
            <col key={columns[i]} style={{ width: `${w}rem` }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th key={c} scope="col" className={`normal-case tracking-normal font-mono truncate ${numericColumns.has(c) ? "text-right" : ""}`} title={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <SpacerRow height={top} span={columns.length} /> : null}
          {items.map((item) =>
            item.index < rows.length ? (
              <ResultRow key={rows[item.index]!.thingName} index={item.index} row={rows[item.index]!} columns={columns} numericColumns={numericColumns} />
            ) : (
              <EndRow
                key="end"
                index={rows.length + 2}
                height={ROW_HEIGHT}
                span={columns.length}
                count={rows.length}
                hasNextPage={hasNextPage}
                isFetchingNextPage={isFetchingNextPage}
                what="results"
                unit={["thing", "things"]}
              />
            ),
          )}
          {bottom > 0 ? <SpacerRow height={bottom} span={columns.length} /> : null}
        </tbody>
      </table>
    </div>
  );
}

/** Column widths by what they usually hold. */
function columnWidthRem(column: string): number {
  if (column === NAME_COLUMN) return 16;
  if (column === "thingGroupNames" || column === "registry.thingGroupNames") return 18;
  if (column === "connectivity.connected") return 13;
  if (column === "connectivity.timestamp") return 13;
  if (column === "thingId") return 19;
  return 11;
}

const ResultRow = memo(function ResultRow({
  index,
  row,
  columns,
  numericColumns,
}: {
  index: number;
  row: ThingSearchRow;
  columns: readonly string[];
  numericColumns: ReadonlySet<string>;
}) {
  return (
    <tr data-index={index} aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      {columns.map((c) => (
        <Cell key={c} column={c} row={row} numeric={numericColumns.has(c)} />
      ))}
    </tr>
  );
});

const CELL = "overflow-hidden text-ellipsis whitespace-nowrap !align-middle";

function Cell({ column, row, numeric }: { column: string; row: ThingSearchRow; numeric: boolean }) {
  if (column === NAME_COLUMN) {
    return (
      <td className={`${CELL} font-mono text-[13px]`}>
        <Link href={`/things/${encodeURIComponent(row.thingName)}`} title={row.thingName}>
          {row.thingName}
        </Link>
      </td>
    );
  }
  if (column === "connectivity.connected" && row.connectivity) {
    return (
      <td className={CELL}>
        <Connectivity value={row.connectivity} />
      </td>
    );
  }
  const cell = tableCell(row, column);
  return (
    <td className={`${CELL} ${numeric || cell.numeric ? "text-right font-mono text-[13px] tabular-nums" : ""}`} title={cell.text || undefined}>
      {cell.empty ? <span className="text-muted">—</span> : cell.text}
    </td>
  );
}

/** The word always, a dot for a glance, and since when (colour is never the only signal). */
function Connectivity({ value }: { value: NonNullable<ThingSearchRow["connectivity"]> }) {
  const abnormal = !value.connected && isAbnormalDisconnect(value.disconnectReason);
  const tone = value.connected ? "text-ok" : abnormal ? "text-bad" : "text-idle";
  const dot = value.connected ? "bg-ok" : abnormal ? "bg-bad" : "bg-idle";
  const reason = disconnectReasonLabel(value.disconnectReason);
  return (
    <span className="inline-flex items-center gap-1.5" title={reason ? `${value.connected ? "Connected" : "Disconnected"} · ${reason}` : undefined}>
      <span aria-hidden="true" className={`inline-block size-2 shrink-0 rounded-full ${dot}`} />
      <span className={`font-semibold ${tone}`}>{value.connected ? "Connected" : "Disconnected"}</span>
      {value.timestampMs !== null ? (
        <span className="truncate text-xs text-muted">
          <TimeAgo at={value.timestampMs} />
        </span>
      ) : null}
    </span>
  );
}

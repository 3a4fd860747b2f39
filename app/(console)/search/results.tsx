"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { ErrorNotice } from "@/components/ui/error-notice";
import { TableSkeleton } from "@/components/ui/skeleton";
import { searchPageRoute } from "@/lib/fleet-search/routes";
import { isRetryingThrottled, retryDelayMs, retryThrottled } from "@/lib/http/poll-policy";
import type { SearchPage, ThingSearchRow } from "@/lib/fleet-search/contract";
import { updatePageRows, type PageRows } from "@/lib/fleet-search/page-rows";
import { toErrorData } from "@/lib/errors";
import { fetchRoute } from "@/lib/http/get-json";
import { ResultsTable } from "./results-table";
import { RateLimitedNotice } from "@/components/ui/rate-limited";

interface Props {
  q: string;
  columns: readonly string[];
  numericColumns: ReadonlySet<string>;
  /** Matches of the query (null while unknown). */
  total: number | null;
  /** Called when a first page has arrived (the server has recorded the query in the history). */
  onFirstPage?: () => void;
}

/**
 * The results of the query that ran: page after page of SearchIndex through nextToken.
 * Pages are kept until the query runs again, so "load all" of a large fleet never
 * refetches what is loaded (staleTime: Infinity); the workbench resets them on Run.
 */
export function SearchResults({ q, columns, numericColumns, total, onFirstPage }: Props) {
  const query = useInfiniteQuery({
    queryKey: searchPageRoute.key(q, null),
    queryFn: ({ pageParam, signal }) => fetchRoute(searchPageRoute, [q, pageParam], signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    staleTime: Infinity,
    retry: retryThrottled,
    retryDelay: (attempt) => retryDelayMs(attempt),
  });
  const { loadingAll, controls } = useLoadAll(query);
  const pages = query.data?.pages;
  const rowsState = useRef<PageRows<SearchPage, ThingSearchRow> | null>(null);
  const rows = useMemo(() => {
    rowsState.current = updatePageRows(
      rowsState.current,
      pages ?? [],
      (p) => p.things,
      (t) => t.thingName,
    );
    return rowsState.current.rows;
  }, [pages]);
  const retrying = isRetryingThrottled(query);
  const { fetchNextPage, hasNextPage, isFetchingNextPage, isFetchNextPageError } = query;
  const onNeedMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const firstPageAt = query.data?.pages.length === 1 ? query.dataUpdatedAt : 0;
  useEffect(() => {
    if (firstPageAt) onFirstPage?.();
  }, [firstPageAt, onFirstPage]);

  if (query.isPending) {
    return (
      <div className="space-y-2">
        {retrying ? <RateLimitedNotice attempt={query.failureCount} /> : null}
        <TableSkeleton label="Searching the fleet index" columns={Math.min(columns.length, 6)} rows={12} />
      </div>
    );
  }
  if (query.isError && !query.data) {
    const error = toErrorData(query.error);
    return (
      <ErrorNotice
        error={error}
        title={
          error.code === "invalid_input"
            ? "The fleet index rejected this query"
            : error.code === "throttled"
              ? "Still rate limited after several retries"
              : "The search failed"
        }
        action={
          <button type="button" className="btn" onClick={() => void query.refetch()}>
            Retry
          </button>
        }
      />
    );
  }
  if (rows.length === 0) {
    return (
      <div className="rounded border border-border bg-surface px-4 py-8 text-center">
        <p className="text-base font-semibold">No things match this query</p>
        <p className="mt-1 text-muted">
          Loosen a filter (a wildcard such as <code className="font-mono">thingName:agent*</code>, a wider range), or check the field names: they are
          case-sensitive.
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-2">
      <ResultsTable
        rows={rows}
        columns={columns}
        numericColumns={numericColumns}
        hasNextPage={hasNextPage}
        isFetchingNextPage={isFetchingNextPage}
        autoLoad={!loadingAll && !isFetchNextPageError}
        onNeedMore={onNeedMore}
      />
      <LoadControls
        {...controls}
        count={rows.length}
        total={total}
        endLabel="end of results"
        notice={retrying && query.data ? <RateLimitedNotice attempt={query.failureCount} /> : null}
        onLoadMore={onNeedMore}
      />
    </div>
  );
}

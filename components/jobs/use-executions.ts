"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { fetchRoute } from "@/lib/http/get-json";
import { jobExecutionsRoute } from "@/lib/jobs/api";
import type { ExecutionRow, ExecutionStatus } from "@/lib/jobs/types";
import { flattenPages } from "@/lib/things/paging";

/** While a running job has at most this many pages loaded, they are re-read every 15 s. */
const LIVE_MAX_PAGES = 4;
const LIVE_EVERY_MS = 15_000;

/**
 * A job's executions page by page (one react-query cache per job and status, so the chart
 * and the table share the pages they both need). `live` re-reads a short list while the
 * job runs; a long one is reloaded on demand.
 */
export function useExecutionPages(jobId: string, status: ExecutionStatus | null, opts: { live: boolean; renderedAtMs: number }) {
  const query = useInfiniteQuery({
    queryKey: [...jobExecutionsRoute.key(jobId, status, null), opts.renderedAtMs],
    queryFn: ({ pageParam, signal }) => fetchRoute(jobExecutionsRoute, [jobId, status, pageParam], signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    staleTime: LIVE_EVERY_MS,
    refetchInterval: (q) => (opts.live && (q.state.data?.pages.length ?? 0) <= LIVE_MAX_PAGES ? LIVE_EVERY_MS : false),
    refetchIntervalInBackground: false,
  });
  // When the job ends, its last changes are read once (the polling stops with it).
  const wasLive = useRef(opts.live);
  const { refetch } = query;
  useEffect(() => {
    if (wasLive.current && !opts.live) void refetch({ cancelRefetch: false });
    wasLive.current = opts.live;
  }, [opts.live, refetch]);
  const pages = query.data?.pages;
  const rows: ExecutionRow[] = useMemo(
    () =>
      flattenPages(
        pages ?? [],
        (p) => p.executions,
        (e) => e.thingName,
      ),
    [pages],
  );
  return { query, rows };
}

/** Fetches page after page to the end (or `maxRows`), one at a time, while `enabled`. */
export function useLoadToEnd(query: ReturnType<typeof useExecutionPages>["query"], rows: number, maxRows: number, enabled: boolean) {
  const { hasNextPage, isFetching, isError, fetchNextPage } = query;
  useEffect(() => {
    if (enabled && hasNextPage && !isFetching && !isError && rows < maxRows) void fetchNextPage();
  }, [enabled, hasNextPage, isFetching, isError, rows, maxRows, fetchNextPage]);
}

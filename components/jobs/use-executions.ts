"use client";

import { useInfiniteQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { useLivePolling } from "@/components/query/use-route-query";
import { fetchRoute } from "@/lib/http/get-json";
import { jobExecutionsRoute } from "@/lib/jobs/api";
import type { ExecutionRow, ExecutionStatus, ExecutionsPage } from "@/lib/jobs/types";
import { flattenPages } from "@/lib/things/paging";

/** While a running job has at most this many pages loaded, they are all re-read every 15 s. */
export const LIVE_MAX_PAGES = 4;
export const LIVE_EVERY_MS = 15_000;

type Pages = InfiniteData<ExecutionsPage, string | null>;

/**
 * The pages after a fresh read of the first: its rows replace the first page's, the rest
 * stay as loaded (their nextToken chain too, so paging on goes where it went).
 */
export function withFreshFirstPage(old: Pages | undefined, first: ExecutionsPage): Pages | undefined {
  if (!old || old.pages.length === 0) return old;
  return { ...old, pages: [{ ...first, nextToken: old.pages[0]!.nextToken }, ...old.pages.slice(1)] };
}

/**
 * A job's executions page by page (one react-query cache per job and status, so the chart
 * and the table share the pages they both need). While `live` (the job may still change)
 * and `poll`, a short list (LIVE_MAX_PAGES) is re-read whole every 15 s; a long one has only
 * its first page re-read (the table re-reads the details of the rows in view itself), so
 * a 10,000-execution job costs one list call a poll, not 40. The whole list is reloaded on
 * demand. `poll: false` for a second reader of the same pages (the chart).
 */
export function useExecutionPages(jobId: string, status: ExecutionStatus | null, opts: { live: boolean; poll?: boolean; renderedAtMs: number }) {
  const poll = opts.poll ?? true;
  const { visible } = useLivePolling();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: [...jobExecutionsRoute.key(jobId, status, null), opts.renderedAtMs],
    queryFn: ({ pageParam, signal }) => fetchRoute(jobExecutionsRoute, [jobId, status, pageParam], signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    staleTime: LIVE_EVERY_MS,
    refetchInterval: (q) => (poll && opts.live && (q.state.data?.pages.length ?? 0) <= LIVE_MAX_PAGES ? LIVE_EVERY_MS : false),
    refetchIntervalInBackground: false,
  });
  const long = (query.data?.pages.length ?? 0) > LIVE_MAX_PAGES;
  const { renderedAtMs } = opts;
  const refreshFirstPage = useCallback(
    (signal?: AbortSignal) =>
      fetchRoute(jobExecutionsRoute, [jobId, status, null], signal).then(
        (first) =>
          void queryClient.setQueryData<Pages>([...jobExecutionsRoute.key(jobId, status, null), renderedAtMs], (old) => withFreshFirstPage(old, first)),
        // A failed refresh leaves the rows as they were; the next one may succeed.
        () => undefined,
      ),
    [jobId, status, renderedAtMs, queryClient],
  );
  useEffect(() => {
    if (!poll || !opts.live || !visible || !long) return;
    const controller = new AbortController();
    const timer = setInterval(() => void refreshFirstPage(controller.signal), LIVE_EVERY_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [poll, opts.live, visible, long, refreshFirstPage]);
  // When the job ends, its last changes are read once (the polling stops with it): the
  // whole of a short list, the first page of a long one.
  const wasLive = useRef(opts.live);
  const { refetch } = query;
  useEffect(() => {
    if (poll && wasLive.current && !opts.live) void (long ? refreshFirstPage() : refetch({ cancelRefetch: false }));
    wasLive.current = opts.live;
  }, [poll, opts.live, long, refetch, refreshFirstPage]);
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

"use client";

import { useQuery } from "@tanstack/react-query";
import { searchRetryDelayMs, shouldRetrySearch } from "@/lib/fleet-search/client-api";
import { driftApi, driftPollInterval, DRIFT_POLL_MS } from "@/lib/shadow-drift/client-api";
import { toErrorData } from "@/lib/errors";
import type { DriftKeys, DriftSummary, DriftThingFilter, DriftThings } from "@/lib/shadow-drift/contract";
import { getJson } from "@/lib/http/get-json";
import { queryKeys } from "@/lib/query-keys";

/**
 * The drift view's reads. Each polls every DRIFT_POLL_MS while the tab is visible (no
 * polling in a background tab; a refetch when it becomes visible again if stale), keeps
 * showing the last answer while the next one loads, and retries throttling with backoff
 * like the search workbench. The server answers from the quota gate's cache and the
 * shared drift snapshot, so polling costs the account little.
 */
const LIVE = {
  // Stops after an error that waiting cannot fix (signed out, forbidden, bad request).
  refetchInterval: (q: { state: { error: unknown } }) => driftPollInterval(q.state.error ? toErrorData(q.state.error).code : null),
  refetchIntervalInBackground: false,
  // The console turns this off by default; a live view catches up as soon as it is looked at again.
  refetchOnWindowFocus: true,
  staleTime: DRIFT_POLL_MS / 2,
  retry: shouldRetrySearch,
  retryDelay: (attempt: number) => searchRetryDelayMs(attempt),
} as const;

export function useDriftSummary(scope: string) {
  return useQuery({
    queryKey: queryKeys.drift.summary(scope),
    queryFn: ({ signal }) => getJson<DriftSummary>(driftApi.summary(scope), signal),
    ...LIVE,
  });
}

export function useDriftKeys() {
  return useQuery({
    queryKey: queryKeys.drift.keys(),
    queryFn: ({ signal }) => getJson<DriftKeys>(driftApi.keys(), signal),
    ...LIVE,
  });
}

export function useDriftThings(filter: DriftThingFilter, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.drift.things(filter.scope, filter.type, filter.group, filter.key, limit),
    queryFn: ({ signal }) => getJson<DriftThings>(driftApi.things(filter, limit), signal),
    enabled,
    // "Show more" keeps the rows on screen while the longer list loads.
    placeholderData: (prev) => (prev && sameFilter(prev.filter, filter) ? prev : undefined),
    ...LIVE,
  });
}

function sameFilter(a: DriftThingFilter, b: DriftThingFilter): boolean {
  return a.scope === b.scope && a.type === b.type && a.group === b.group && a.key === b.key;
}


"use client";

import { useLiveQuery } from "@/components/query/use-route-query";
import { DRIFT_POLL, retryDelayMs, retryThrottled } from "@/lib/http/poll-policy";
import type { DriftThingFilter } from "@/lib/shadow-drift/contract";
import { driftKeysRoute, driftSummaryRoute, driftThingsRoute } from "@/lib/shadow-drift/routes";

/**
 * The drift view's reads: live (polled while the tab is visible, backing off on
 * failures), keeping the last answer on screen while the next one loads, and retrying
 * throttling with backoff like the search workbench. The server answers from the quota
 * gate's cache and the shared drift snapshot, so polling costs the account little.
 */
const OPTIONS = {
  staleTime: DRIFT_POLL.everyMs / 2,
  retry: retryThrottled,
  retryDelay: (attempt: number) => retryDelayMs(attempt),
} as const;

export function useDriftSummary(scope: string) {
  return useLiveQuery(driftSummaryRoute, [scope], DRIFT_POLL, OPTIONS);
}

export function useDriftKeys() {
  return useLiveQuery(driftKeysRoute, [], DRIFT_POLL, OPTIONS);
}

export function useDriftThings(filter: DriftThingFilter, limit: number, enabled: boolean) {
  return useLiveQuery(driftThingsRoute, [filter, limit], DRIFT_POLL, {
    ...OPTIONS,
    enabled,
    // "Show more" keeps the rows on screen while the longer list loads.
    placeholderData: (prev) => (prev && sameFilter(prev.filter, filter) ? prev : undefined),
  });
}

function sameFilter(a: DriftThingFilter, b: DriftThingFilter): boolean {
  return a.scope === b.scope && a.type === b.type && a.group === b.group && a.key === b.key;
}

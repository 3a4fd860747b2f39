"use client";

import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { toErrorData } from "@/lib/errors";
import { isRetryingThrottled } from "@/lib/http/poll-policy";
import { RateLimitedNotice } from "@/components/ui/rate-limited";

interface QueryLike {
  data?: unknown;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  fetchStatus: string;
  failureCount: number;
  failureReason: unknown;
  refetch: () => unknown;
}

/**
 * Loading, rate-limited or failed, in the place the content will take; null once there
 * is data. A throttled call is a status (amber, retrying on its own), not an error.
 */
export function QueryState({ query, what, lines = 3 }: { query: QueryLike; what: string; lines?: number }) {
  if (isRetryingThrottled(query) && !query.data) return <RateLimitedNotice attempt={query.failureCount} what={what} />;
  if (query.isPending) return <LinesSkeleton lines={lines} label={`Loading ${what}`} />;
  if (query.isError && !query.data) {
    const error = toErrorData(query.error);
    return (
      <ErrorNotice
        error={error}
        title={error.code === "throttled" ? `Still rate limited after several retries: ${what} not loaded` : `Could not load ${what}`}
        action={
          <button type="button" className="btn" onClick={() => void query.refetch()}>
            Retry
          </button>
        }
      />
    );
  }
  return null;
}

/** While data is shown: a refresh that is being throttled or failed, said above the (older) figures. */
export function StaleNotice({ query, what }: { query: QueryLike; what: string }) {
  if (!query.data) return null;
  if (isRetryingThrottled(query)) return <RateLimitedNotice attempt={query.failureCount} what={`refreshing ${what}`} />;
  if (query.isError) {
    const error = toErrorData(query.error);
    return (
      <p role="status" className="rounded border border-warn/50 bg-warn/10 px-3 py-1.5 text-sm">
        <span className="font-semibold text-warn">Showing older figures.</span> Refreshing {what} failed: {error.message}
      </p>
    );
  }
  return null;
}

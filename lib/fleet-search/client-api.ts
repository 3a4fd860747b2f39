import type { AggregationType } from "./contract";
import type { ExportFormat } from "./export-progress";

/**
 * URLs of the console's search API (lib/fleet-search/contract.ts) as the browser calls
 * them, and the retry policy of those calls. Dependency-free.
 */

/** The largest page SearchIndex returns. */
export const SEARCH_PAGE_SIZE = 100;

function url(path: string, params: Record<string, string | number | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return qs ? `${path}?${qs}` : path;
}

export const searchApi = {
  page: (q: string, nextToken: string | null, pageSize = SEARCH_PAGE_SIZE) => url("/api/search", { q, nextToken, pageSize }),
  count: (q: string) => url("/api/search/count", { q }),
  fields: () => "/api/search/fields",
  aggregate: (q: string, field: string, type: AggregationType, opts: { maxBuckets?: number; percents?: readonly number[] } = {}) =>
    url("/api/search/aggregate", { q, field, type, maxBuckets: opts.maxBuckets, percents: opts.percents?.join(",") }),
  export: (q: string, format: ExportFormat, columns: readonly string[]) => url("/api/search/export", { q, format, columns: columns.join(",") }),
  saved: () => "/api/search/saved",
  history: () => "/api/search/history",
};

/** Throttled calls are retried this many times, with backoff, before the error is shown. */
export const THROTTLE_RETRIES = 6;

/**
 * react-query's `retry` for search reads: a throttled call is retried with backoff (the
 * workbench says "rate limited, retrying" meanwhile); an invalid query, a missing right
 * or an ended session never; anything else once.
 */
export function shouldRetrySearch(failureCount: number, error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "throttled") return failureCount < THROTTLE_RETRIES;
  if (code === "invalid_input" || code === "forbidden" || code === "unauthenticated" || code === "not_found" || code === "unavailable") return false;
  return failureCount < 1;
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, … capped at 10 s. */
export function searchRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Whether a query is waiting to retry after throttling (to say so instead of showing an error). */
export function isRetryingThrottled(state: { fetchStatus: string; failureCount: number; failureReason: unknown }): boolean {
  return state.fetchStatus === "fetching" && state.failureCount > 0 && (state.failureReason as { code?: unknown } | null)?.code === "throttled";
}

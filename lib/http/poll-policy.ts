import type { ErrorCode } from "@/lib/errors";

/**
 * How the console's live views re-read their routes, and how its reads retry, as pure
 * functions (the hook in components/query/use-route-query.ts applies them). One policy
 * for every view: a fixed period while things work, doubling on consecutive failures up
 * to a ceiling (a throttled or unreachable backend is not hammered by open tabs), no
 * polling while the tab is hidden, and none at all after a failure waiting cannot fix.
 */

/** Failures that waiting does not fix: the session ended, the role lacks the right, the request is wrong. */
export const FINAL_ERRORS: ReadonlySet<string> = new Set<ErrorCode>(["unauthenticated", "forbidden", "invalid_input"]);

/** Failures a retry within the same read does not fix either (a missing thing, an unreachable backend: the next poll may). */
const NOT_RETRIED: ReadonlySet<string> = new Set<ErrorCode>([...(FINAL_ERRORS as Set<ErrorCode>), "not_found", "unavailable"]);

export interface PollPolicy {
  /** The period while reads succeed. */
  everyMs: number;
  /** The longest wait after consecutive failures. */
  maxMs: number;
}

/** The shadows tab: an operator watches a device apply a change. */
export const SHADOW_POLL: PollPolicy = { everyMs: 5_000, maxMs: 60_000 };
/** The drift view: fleet-wide figures from the quota gate's cache and the drift snapshot. */
export const DRIFT_POLL: PollPolicy = { everyMs: 30_000, maxMs: 5 * 60_000 };
/** Connectivity dots of the things table (a SOC screen stays open for hours). */
export const CONNECTIVITY_POLL: PollPolicy = { everyMs: 60_000, maxMs: 10 * 60_000 };

export interface PollState {
  /** The tab is visible (react-query's focusManager). */
  visible: boolean;
  /** Consecutive failed polls (see createPollFailures); 0 after a success. */
  failures: number;
  /** The error code of the last failure, if the last poll failed. */
  lastErrorCode?: string | null;
}

/** The wait before the next poll, or false: none (hidden tab, or a final error). */
export function nextPollMs(policy: PollPolicy, state: PollState): number | false {
  if (!state.visible) return false;
  if (state.failures <= 0) return policy.everyMs;
  if (state.lastErrorCode && FINAL_ERRORS.has(state.lastErrorCode)) return false;
  return Math.min(policy.maxMs, policy.everyMs * 2 ** Math.min(state.failures, 20));
}

/**
 * Consecutive failed polls, per query. react-query's own `fetchFailureCount` is reset
 * when each fetch starts, so it only counts the retries of one fetch and cannot drive a
 * backoff between polls; this counts across polls: a failure adds one, a success
 * resets. A fetch cancelled by the caller (another shadow picked, the tab closed) is no
 * answer from the backend and changes nothing.
 */
export interface PollFailures {
  /** Runs one poll of `key`, counting its outcome. */
  track<T>(key: string, poll: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  count(key: string): number;
}

export function createPollFailures(): PollFailures {
  const counts = new Map<string, number>();
  return {
    async track(key, poll, signal) {
      try {
        const value = await poll();
        counts.delete(key);
        return value;
      } catch (err) {
        if (!signal?.aborted) counts.set(key, (counts.get(key) ?? 0) + 1);
        throw err;
      }
    },
    count: (key) => counts.get(key) ?? 0,
  };
}

// ---------------------------------------------------------------- retries within one read

/** Throttled calls are retried this many times, with backoff, before the error is shown. */
export const THROTTLE_RETRIES = 6;

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/**
 * react-query's `retry` for fleet-index reads (search, drift): a throttled call is
 * retried with backoff (the view says "rate limited, retrying" meanwhile); a final
 * error, a missing resource or an unreachable backend never; anything else once.
 */
export function retryThrottled(failureCount: number, error: unknown): boolean {
  const code = codeOf(error);
  if (code === "throttled") return failureCount < THROTTLE_RETRIES;
  if (typeof code === "string" && NOT_RETRIED.has(code)) return false;
  return failureCount < 1;
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, … capped at 10 s. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Whether a query is waiting to retry after throttling (to say so instead of showing an error). */
export function isRetryingThrottled(state: { fetchStatus: string; failureCount: number; failureReason: unknown }): boolean {
  return state.fetchStatus === "fetching" && state.failureCount > 0 && codeOf(state.failureReason) === "throttled";
}

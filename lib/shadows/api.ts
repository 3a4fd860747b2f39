import { z } from "zod";
import { NAME_PATTERN } from "@/lib/things/filters";
import { SHADOW_NAME_PATTERN, type ShadowName } from "./types";

/**
 * The contract of GET /api/things/{thingName}/shadows?name=: the browser builds the URL
 * with `shadowApiUrl`, the route handler parses it with `shadowQuerySchema`. No `name`
 * is the classic shadow. And the polling policy of the shadows tab.
 */
export const shadowNameSchema = z
  .string()
  .regex(SHADOW_NAME_PATTERN, "A shadow name is 1 to 64 letters, digits, or $ : _ -.");

export const thingNameSchema = z
  .string()
  .min(1, "Name the thing.")
  .max(128, "A thing name is at most 128 characters.")
  .regex(NAME_PATTERN, "A thing name is letters, digits, ':', '_' or '-'.");

export const shadowQuerySchema = z.object({ name: shadowNameSchema.optional() }).strict();

export function shadowApiUrl(thingName: string, shadowName: ShadowName): string {
  const base = `/api/things/${encodeURIComponent(thingName)}/shadows`;
  return shadowName === null ? base : `${base}?name=${encodeURIComponent(shadowName)}`;
}

/** Refresh every 5 s while the tab is visible (react-query pauses it while hidden). */
export const POLL_MS = 5_000;
export const MAX_POLL_MS = 60_000;

/** Failures that waiting does not fix: the session ended, the role lacks the right, the request is wrong. */
const FINAL_ERRORS = new Set(["unauthenticated", "forbidden", "invalid_input"]);

/**
 * Consecutive failed polls, per query (shadow). react-query's own `fetchFailureCount` is
 * reset when each fetch starts, so it only counts the retries of one fetch and cannot
 * drive a backoff between polls; this counts across polls: a failure adds one, a success
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

/**
 * The next refresh after `failures` consecutive failed refreshes: 5 s, then doubling up
 * to a minute, so a throttled or unreachable backend is not hammered by an open tab.
 * `false` (stop) after a failure that retrying cannot fix.
 */
export function pollDelayMs(failures: number, lastErrorCode?: string | null): number | false {
  if (failures > 0 && lastErrorCode && FINAL_ERRORS.has(lastErrorCode)) return false;
  if (failures <= 0) return POLL_MS;
  return Math.min(MAX_POLL_MS, POLL_MS * 2 ** Math.min(failures, 10));
}

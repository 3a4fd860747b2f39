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
 * The next refresh after `failures` consecutive failed refreshes: 5 s, then doubling up
 * to a minute, so a throttled or unreachable backend is not hammered by an open tab.
 * `false` (stop) after a failure that retrying cannot fix.
 */
export function pollDelayMs(failures: number, lastErrorCode?: string | null): number | false {
  if (failures > 0 && lastErrorCode && FINAL_ERRORS.has(lastErrorCode)) return false;
  if (failures <= 0) return POLL_MS;
  return Math.min(MAX_POLL_MS, POLL_MS * 2 ** Math.min(failures, 10));
}

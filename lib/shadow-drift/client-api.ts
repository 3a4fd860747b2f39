import { ANY_SHADOW, type DriftThingFilter } from "./contract";

/**
 * URLs of the console's drift API (lib/shadow-drift/contract.ts) as the browser calls
 * them, and how often the view refreshes. Dependency-free.
 */

/** The view refreshes on its own this often while the tab is visible. */
export const DRIFT_POLL_MS = 30_000;

function url(path: string, params: Record<string, string | number | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return qs ? `${path}?${qs}` : path;
}

export const driftApi = {
  summary: (scope: string) => url("/api/drift/summary", { shadow: scope === ANY_SHADOW ? null : scope }),
  keys: () => "/api/drift/keys",
  things: (f: DriftThingFilter, limit: number) =>
    url("/api/drift/things", { shadow: f.scope === ANY_SHADOW ? null : f.scope, type: f.type, group: f.group, key: f.key, limit }),
};

/** Failures that waiting does not fix: the session ended, the role lacks the right, the request is wrong. */
const FINAL_ERRORS = new Set(["unauthenticated", "forbidden", "invalid_input"]);

/** The next refresh: every DRIFT_POLL_MS, or never again after a failure that waiting cannot fix. */
export function driftPollInterval(lastErrorCode: string | null | undefined): number | false {
  return lastErrorCode && FINAL_ERRORS.has(lastErrorCode) ? false : DRIFT_POLL_MS;
}

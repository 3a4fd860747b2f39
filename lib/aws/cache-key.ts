import "server-only";
import { normaliseQuery } from "@/lib/fleet-query/normalise";

/**
 * Cache keys for AWS reads (lib/aws/call-policy.ts): the operation plus its arguments in a canonical
 * form, so that requests meaning the same thing share one cache entry and one backend
 * call ("50 operators refreshing the same saved query").
 */

/** JSON with object keys sorted and undefined members dropped: equal arguments, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** `operation` + canonical arguments; a `queryString` argument is normalised first. */
export function cacheKey(operation: string, args: Record<string, unknown>): string {
  const normalised = typeof args.queryString === "string" ? { ...args, queryString: normaliseQuery(args.queryString) } : args;
  return `${operation} ${canonicalJson(normalised)}`;
}

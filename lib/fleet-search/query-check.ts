import { describeError, parseQuery } from "@/lib/fleet-query";

/**
 * Checks a query with the same grammar the editor and the emulator use, before it costs
 * a fleet-index call: the operator gets the exact problem and its position instead of
 * AWS's generic InvalidQueryException. Null when the query is valid.
 */
export function queryProblem(query: string): string | null {
  const parsed = parseQuery(query);
  return parsed.ok ? null : `Invalid query: ${describeError(query, parsed.error)}`;
}

/**
 * Cache keys for fleet-index calls: the operation plus its arguments in a canonical
 * form, so that requests meaning the same thing share one cache entry and one backend
 * call ("50 operators refreshing the same saved query").
 */

/**
 * Only ASCII whitespace is collapsed: the query language splits words on Java's
 * whitespace, which excludes some Unicode spaces JavaScript's `\s` includes (no-break
 * spaces), and merging those would change a term.
 */
const ASCII_SPACE = /[ \t\n\r\f\v]/;

/**
 * Trims a query and collapses runs of whitespace to one space, except inside double
 * quotes (a phrase keeps its spacing) and after a backslash (an escaped space is part
 * of a term). Case is kept: field names are case-sensitive.
 */
export function normaliseQuery(query: string): string {
  let out = "";
  let quoted = false;
  let pendingSpace = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === "\\" && i + 1 < query.length) {
      if (pendingSpace && out) out += " ";
      pendingSpace = false;
      out += c + query[++i];
      continue;
    }
    if (!quoted && ASCII_SPACE.test(c)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && out) out += " ";
    pendingSpace = false;
    if (c === '"') quoted = !quoted;
    out += c;
  }
  return out;
}

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

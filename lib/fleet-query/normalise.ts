/**
 * One spelling per query: requests meaning the same thing share one cache entry and one
 * backend call (lib/aws/cache-key.ts), and one history entry (saved queries). Pure.
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

/**
 * Reading a parsed query back: its terms, an error as one line of text, and the tree as a
 * canonical query string.
 */
import type { Bound, LeafNode, QueryError, QueryNode } from "./ast";
import { isQueryWhitespace } from "./lexer";

/** The leaf nodes in text order (including a bare `*`, which does not count against the term limit). */
export function termsOf(node: QueryNode): LeafNode[] {
  const out: LeafNode[] = [];
  const walk = (n: QueryNode): void => {
    switch (n.kind) {
      case "and":
      case "or":
        n.children.forEach(walk);
        return;
      case "not":
        walk(n.child);
        return;
      default:
        out.push(n);
    }
  };
  walk(node);
  return out;
}

/**
 * The error as one line, with where it is: for logs and for the emulator's
 * InvalidQueryException message, e.g.
 * `Missing closing parenthesis for the one opened here (at character 5: "(")`.
 */
export function describeError(text: string, error: QueryError): string {
  const { start, end } = error.span;
  if (start >= text.length) return `${error.message} (at the end of the query)`;
  let excerpt = text.slice(start, Math.max(end, start + 1));
  if (excerpt.length > 40) excerpt = `${excerpt.slice(0, 37)}...`;
  return `${error.message} (at character ${start + 1}: ${JSON.stringify(excerpt)})`;
}

// ------------------------------------------------------------------ formatQuery

/** Characters escaped in an unquoted word so that it reads back as the same text. */
const SPECIAL = new Set([..."()[]{}\"<>:\\*?`@#%/';,!^~"]);

function escapeText(text: string, keepWildcards: boolean, bare = false): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (keepWildcards && c === "\\" && i + 1 < text.length) {
      out += c + text[++i]; // already an escape in a wildcard pattern
    } else if (keepWildcards && (c === "*" || c === "?")) {
      out += c;
    } else if (SPECIAL.has(c) || isQueryWhitespace(c.charCodeAt(0))) {
      out += "\\" + c;
    } else out += c;
  }
  // At the start of a word these would read as operators: `&&`, `||` anywhere, `-` and `+`
  // where a clause starts (after `field:` they belong to the value); AND/OR/NOT/TO as keywords.
  if (/^(?:&&|\|\|)/.test(out) || (bare && /^[-+]/.test(out))) out = "\\" + out;
  if (/^(?:AND|OR|NOT|TO)$/.test(out)) out = "\\" + out;
  return out;
}

function formatPhrase(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

function formatBound(bound: Bound | null): string {
  if (!bound) return "*";
  return bound.value.quoted ? formatPhrase(bound.value.text) : escapeText(bound.value.text, false);
}

function fieldPrefix(field: string | null): string {
  return field === null ? "" : `${escapeText(field, false, true)}:`;
}

/**
 * The query as a canonical string that parses back to the same tree (spans aside): explicit
 * fields instead of field groups, explicit AND / OR / NOT, half-open ranges as comparisons, and
 * parentheses around every nested AND / OR.
 */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case "all":
      return "*";
    case "exists":
      return `${fieldPrefix(node.field)}*`;
    case "term":
      return fieldPrefix(node.field) + (node.value.quoted ? formatPhrase(node.value.text) : escapeText(node.value.text, false, node.field === null));
    case "wildcard":
      return fieldPrefix(node.field) + escapeText(node.pattern, true, node.field === null);
    case "range": {
      // One open end: the comparison form reads better and parses to the same node.
      if (node.lower && !node.upper) return `${escapeText(node.field, false, true)}${node.lower.inclusive ? ">=" : ">"}${formatBound(node.lower)}`;
      if (node.upper && !node.lower) return `${escapeText(node.field, false, true)}${node.upper.inclusive ? "<=" : "<"}${formatBound(node.upper)}`;
      const open = node.lower && !node.lower.inclusive ? "{" : "[";
      const close = node.upper && !node.upper.inclusive ? "}" : "]";
      return `${fieldPrefix(node.field)}${open}${formatBound(node.lower)} TO ${formatBound(node.upper)}${close}`;
    }
    case "not": {
      const inner = formatQuery(node.child);
      return node.child.kind === "and" || node.child.kind === "or" ? `NOT (${inner})` : `NOT ${inner}`;
    }
    case "and":
      return node.children.map((c) => (c.kind === "or" || c.kind === "and" ? `(${formatQuery(c)})` : formatQuery(c))).join(" AND ");
    case "or":
      // AND binds tighter, but parentheses keep the meaning plain for readers (and for Lucene, whose classic parser has no precedence).
      return node.children.map((c) => (c.kind === "or" || c.kind === "and" ? `(${formatQuery(c)})` : formatQuery(c))).join(" OR ");
  }
}

"use client";

import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { snippetCompletion } from "@codemirror/autocomplete";
import type { Diagnostic } from "@codemirror/lint";
import { RangeSetBuilder, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import type { IndexField } from "@/lib/fleet-search/contract";
import { querySnippets } from "@/lib/fleet-search/snippets";
import { completionContext, parseQuery, tokenize, type TokenKind } from "@/lib/fleet-query";

/**
 * The fleet query language in CodeMirror: highlighting from the shared grammar's
 * `tokenize`, lint diagnostics at the exact span of `parseQuery`'s error, and completion
 * of field names (from the indexing configuration) and common filters. The grammar is the
 * one the emulator runs (lib/fleet-query), so what the editor accepts is what the index
 * accepts.
 */

const TOKEN_CLASS: Partial<Record<TokenKind, string>> = {
  field: "cm-fq-field",
  colon: "cm-fq-punct",
  operator: "cm-fq-operator",
  comparator: "cm-fq-range",
  value: "cm-fq-value",
  phrase: "cm-fq-phrase",
  wildcard: "cm-fq-wildcard",
  number: "cm-fq-number",
  bracket: "cm-fq-range",
  to: "cm-fq-range",
  paren: "cm-fq-paren",
  invalid: "cm-fq-invalid",
};

const marks = new Map<string, Decoration>();
const markFor = (cls: string) => {
  let m = marks.get(cls);
  if (!m) marks.set(cls, (m = Decoration.mark({ class: cls })));
  return m;
};

function highlight(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const t of tokenize(view.state.doc.toString())) {
    const cls = TOKEN_CLASS[t.kind];
    if (cls && t.end > t.start) builder.add(t.start, t.end, markFor(cls));
  }
  return builder.finish();
}

/** Queries are one line and short: re-tokenizing the whole text on each change is cheap and never out of step. */
export const queryHighlighting: Extension = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = highlight(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged) this.decorations = highlight(u.view);
    }
  },
  { decorations: (v) => v.decorations },
);

export type QueryCheck =
  { ok: true; warnings: Array<{ message: string; from: number; to: number }> } | { ok: false; message: string; from: number; to: number };

/** The parse result as the workbench shows it; an empty query is fine (nothing runs). */
export function checkQuery(text: string): QueryCheck {
  if (!text.trim()) return { ok: true, warnings: [] };
  const r = parseQuery(text);
  if (r.ok) return { ok: true, warnings: (r.warnings ?? []).map((w) => ({ message: w.message, ...clampSpan(text, w.span) })) };
  return { ok: false, message: r.error.message, ...clampSpan(text, r.error.span) };
}

/** A span the editor can mark: inside the text, and at least one character wide when there is one to mark. */
function clampSpan(text: string, span: { start: number; end: number }): { from: number; to: number } {
  const from = Math.max(0, Math.min(span.start, text.length));
  let to = Math.max(from, Math.min(span.end, text.length));
  if (to === from && text.length > 0) {
    // An error at the very end ("missing closing parenthesis"): mark the last character.
    if (from === text.length) return { from: text.length - 1, to: text.length };
    to = from + 1;
  }
  return { from, to };
}

export function diagnosticsFor(text: string): Diagnostic[] {
  const c = checkQuery(text);
  if (!c.ok) return [{ from: c.from, to: c.to, severity: "error", message: c.message, source: "query" }];
  return c.warnings.map((w) => ({ from: w.from, to: w.to, severity: "warning", message: w.message, source: "query" }));
}

/** Values worth offering for fields with a known, small set of values. */
const KNOWN_VALUES: Record<string, readonly string[]> = {
  "connectivity.connected": ["true", "false"],
  "shadow.hasDelta": ["true", "false"],
  "connectivity.disconnectReason": [
    "AUTH_ERROR",
    "CLIENT_INITIATED_DISCONNECT",
    "CLIENT_ERROR",
    "CONNECTION_LOST",
    "DUPLICATE_CLIENTID",
    "FORBIDDEN_ACCESS",
    "MQTT_KEEP_ALIVE_TIMEOUT",
    "SERVER_ERROR",
    "SERVER_INITIATED_DISCONNECT",
    "THROTTLED",
    "WEBSOCKET_TTL_EXPIRATION",
    "CUSTOMAUTH_TTL_EXPIRATION",
    "UNKNOWN",
    "NONE",
  ],
};

const SOURCE_LABEL: Record<IndexField["source"], string> = { managed: "managed", custom: "custom", attribute: "attribute" };

const OPERATORS: Completion[] = ["AND", "OR", "NOT"].map((op) => ({ label: op, type: "keyword", apply: `${op} ` }));

/**
 * Completion: field names where a clause may start (with `:` appended), the common filters
 * as snippets there too, known values after `field:`, and AND / OR / NOT after a term.
 * `getFields` is read on every request so the list follows the indexing configuration
 * once it has loaded.
 */
export function queryCompletions(getFields: () => readonly IndexField[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const at = completionContext(ctx.state.doc.sliceString(0, ctx.pos), ctx.pos);
    switch (at.kind) {
      case "value": {
        const typed = getFields().find((f) => f.name === at.field);
        const values = KNOWN_VALUES[at.field] ?? (typed?.type === "Boolean" ? ["true", "false"] : []);
        if (!values.length || at.quoted) return null;
        return { from: at.from, options: values.map((v) => ({ label: v, type: "constant" })), validFor: /^[\w.-]*$/ };
      }
      case "operator":
        return { from: at.from, options: OPERATORS, validFor: /^[A-Z]*$/ };
      case "field": {
        // Pop up by itself only once something is typed; Ctrl+Space (or Alt+Space) shows everything.
        if (!ctx.explicit && at.prefix === "") return null;
        const fields: Completion[] = getFields().map((f) => ({
          label: f.name,
          detail: `${f.type} · ${SOURCE_LABEL[f.source]}`,
          type: f.source === "attribute" ? "property" : "variable",
          apply: `${f.name}:`,
          boost: f.source === "managed" ? 1 : 0,
          section: "Fields",
        }));
        const snippets: Completion[] = querySnippets(Date.now()).map((s) =>
          snippetCompletion(s.template, { label: s.label, detail: s.detail, type: "text", section: "Filters" }),
        );
        return { from: at.from, options: [...fields, ...(at.afterTerm ? OPERATORS : []), ...snippets], validFor: /^[\w.$@#/-]*$/ };
      }
      default:
        return null;
    }
  };
}

/**
 * Colours of the tokens, per theme (the console's dark mode is a class on <html>). The
 * editor's own look follows the console's semantic colours.
 */
export const queryTheme: Extension = EditorView.theme({
  "&": {
    "--fq-field": "#1d4ed8",
    "--fq-operator": "#7c3aed",
    "--fq-range": "#a15c00",
    "--fq-phrase": "#047857",
    "--fq-number": "#0e7490",
    "--fq-wildcard": "#be185d",
    color: "var(--fg)",
    backgroundColor: "var(--surface)",
    border: "1px solid var(--border)",
    borderRadius: "4px",
    fontSize: "14px",
  },
  ".dark &": {
    "--fq-field": "#7aa7ff",
    "--fq-operator": "#c4b5fd",
    "--fq-range": "#fbbf24",
    "--fq-phrase": "#34d399",
    "--fq-number": "#67e8f9",
    "--fq-wildcard": "#f9a8d4",
  },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "1px" },
  "&.fq-invalid": { borderColor: "var(--bad)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.6" },
  ".cm-content": { padding: "5px 0", caretColor: "var(--fg)" },
  ".cm-line": { padding: "0 8px" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
  },
  ".cm-placeholder": { color: "var(--muted)" },
  ".cm-fq-field": { color: "var(--fq-field)" },
  ".cm-fq-operator": { color: "var(--fq-operator)", fontWeight: "600" },
  ".cm-fq-range": { color: "var(--fq-range)" },
  ".cm-fq-phrase": { color: "var(--fq-phrase)" },
  ".cm-fq-number": { color: "var(--fq-number)" },
  ".cm-fq-wildcard": { color: "var(--fq-wildcard)" },
  ".cm-fq-paren, .cm-fq-punct": { color: "var(--muted)" },
  ".cm-fq-invalid": { color: "var(--bad)" },
  ".cm-lintRange-error": {
    backgroundImage: "none",
    textDecoration: "underline wavy var(--bad)",
    textDecorationSkipInk: "none",
    textUnderlineOffset: "3px",
    backgroundColor: "color-mix(in srgb, var(--bad) 14%, transparent)",
  },
  ".cm-lintRange-warning": { backgroundImage: "none", textDecoration: "underline wavy var(--warn)", textUnderlineOffset: "3px" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)", borderRadius: "4px" },
  ".cm-tooltip-lint": { padding: "0" },
  ".cm-diagnostic": { padding: "4px 8px", fontFamily: "inherit" },
  ".cm-diagnostic-error": { borderLeft: "4px solid var(--bad)" },
  ".cm-diagnostic-warning": { borderLeft: "4px solid var(--warn)" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { fontFamily: "var(--font-mono)", maxHeight: "18rem" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul > li": { padding: "2px 8px" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "var(--accent)", color: "var(--accent-fg)" },
  ".cm-tooltip-autocomplete ul li[aria-selected] .cm-completionDetail": { color: "var(--accent-fg)" },
  ".cm-completionDetail": { color: "var(--muted)", fontStyle: "normal", marginLeft: "1em" },
  ".cm-completionMatchedText": { textDecoration: "none", fontWeight: "700" },
  ".cm-completionSection, .cm-tooltip-autocomplete ul completion-section": {
    color: "var(--muted)",
    fontFamily: "inherit",
    fontSize: "11px",
    textTransform: "uppercase",
    padding: "4px 8px",
    borderBottom: "1px solid var(--border)",
  },
  ".cm-completionInfo": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-snippetField": { backgroundColor: "color-mix(in srgb, var(--accent) 18%, transparent)" },
});

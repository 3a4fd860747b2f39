import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";

/** The console's JSON colours, one set per theme (the `.dark` class on <html>). */
const jsonHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--json-key)" },
  { tag: tags.string, color: "var(--json-string)" },
  { tag: tags.number, color: "var(--json-number)" },
  { tag: [tags.bool, tags.null], color: "var(--json-atom)", fontWeight: "600" },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: "var(--muted)" },
]);

/** The look of the console's JSON editors (shadow desired state, job documents); `invalidClass` marks a refused text. */
function jsonEditorTheme(invalidClass: string, minHeight: string): Extension {
  return EditorView.theme({
    "&": {
      "--json-key": "#1d4ed8",
      "--json-string": "#047857",
      "--json-number": "#0e7490",
      "--json-atom": "#7c3aed",
      color: "var(--fg)",
      backgroundColor: "var(--surface)",
      border: "1px solid var(--border)",
      borderRadius: "4px",
      fontSize: "13px",
    },
    ".dark &": { "--json-key": "#7aa7ff", "--json-string": "#34d399", "--json-number": "#67e8f9", "--json-atom": "#c4b5fd" },
    "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "1px" },
    [`&.${invalidClass}`]: { borderColor: "var(--bad)" },
    ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55", minHeight, maxHeight: "28rem", overflow: "auto" },
    ".cm-content": { caretColor: "var(--fg)" },
    ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
    ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 6%, transparent)" },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
      backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
    },
    "&.cm-focused .cm-matchingBracket": { backgroundColor: "color-mix(in srgb, var(--ok) 25%, transparent)" },
    ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--bad)", textUnderlineOffset: "3px" },
    ".cm-lintRange-warning": { backgroundImage: "none", textDecoration: "underline wavy var(--warn)", textUnderlineOffset: "3px" },
    ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)" },
    ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
    ".cm-diagnostic-warning": { borderLeftColor: "var(--warn)" },
  });
}

/**
 * What every JSON editor of the console has: line numbers, undo, bracket closing and
 * matching, JSON highlighting in the console's colours, the standard keys (Tab is left
 * to the page, so the editor never traps the keyboard). Callers add their linter and keys.
 */
export function jsonEditorBase(opts: { invalidClass: string; minHeight: string; wrap?: boolean }): Extension[] {
  return [
    lineNumbers(),
    history(),
    closeBrackets(),
    bracketMatching(),
    indentOnInput(),
    highlightActiveLine(),
    ...(opts.wrap ? [EditorView.lineWrapping] : []),
    json(),
    syntaxHighlighting(jsonHighlight),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
    jsonEditorTheme(opts.invalidClass, opts.minHeight),
  ];
}

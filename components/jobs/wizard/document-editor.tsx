"use client";

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter, type Diagnostic } from "@codemirror/lint";
import type { Extension } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useRef } from "react";
import { useCodeMirror } from "@/components/editor/use-code-mirror";
import { checkJobDocument } from "@/lib/jobs/document";

/** The console's JSON colours, one set per theme (as the shadow editor). */
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--json-key)" },
  { tag: tags.string, color: "var(--json-string)" },
  { tag: tags.number, color: "var(--json-number)" },
  { tag: [tags.bool, tags.null], color: "var(--json-atom)", fontWeight: "600" },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: "var(--muted)" },
]);

const theme: Extension = EditorView.theme({
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
  "&.jd-invalid": { borderColor: "var(--bad)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55", minHeight: "14rem", maxHeight: "28rem", overflow: "auto" },
  ".cm-content": { caretColor: "var(--fg)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 6%, transparent)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
  },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--bad)", textUnderlineOffset: "3px" },
  ".cm-lintRange-warning": { backgroundImage: "none", textDecoration: "underline wavy var(--warn)", textUnderlineOffset: "3px" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
  ".cm-diagnostic-warning": { borderLeftColor: "var(--warn)" },
});

/**
 * The job-document editor (CodeMirror 6): JSON highlighting, and the wizard's own check
 * (lib/jobs/document.ts: size, JSON, the operation's fields) underlined as you type. Tab
 * moves focus on (the editor never traps the keyboard).
 */
export function DocumentEditor({
  value,
  onChange,
  nonce,
  region,
  labelId,
  describedById,
  invalid,
}: {
  value: string;
  onChange: (text: string) => void;
  nonce: string | undefined;
  region: string;
  labelId: string;
  describedById: string;
  invalid: boolean;
}) {
  const regionRef = useRef(region);
  regionRef.current = region;
  const { host } = useCodeMirror({
    value,
    onChange,
    nonce,
    labelId,
    describedById,
    invalid,
    invalidClass: "jd-invalid",
    multiline: true,
    extensions: () => [
      lineNumbers(),
      history(),
      closeBrackets(),
      bracketMatching(),
      indentOnInput(),
      highlightActiveLine(),
      EditorView.lineWrapping,
      json(),
      syntaxHighlighting(highlight),
      linter(
        (view): Diagnostic[] => {
          const text = view.state.doc.toString();
          if (!text.trim()) return [];
          const len = text.length;
          return checkJobDocument(text, { region: regionRef.current }).issues.map((i) => ({
            from: Math.min(i.from, len),
            to: Math.min(Math.max(i.to, i.from), len),
            severity: i.severity,
            message: i.message,
          }));
        },
        { delay: 250 },
      ),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
      theme,
    ],
  });
  return <div ref={host} className="min-w-0" data-testid="document-editor" />;
}

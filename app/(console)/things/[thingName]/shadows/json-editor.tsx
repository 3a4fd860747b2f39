"use client";

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter } from "@codemirror/lint";
import { Prec, type Extension } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useRef } from "react";
import { useCodeMirror } from "@/components/editor/use-code-mirror";

interface Props {
  /** The text; a new value from outside (remove key, re-apply) replaces the editor's, as one undoable change. */
  value: string;
  onChange: (text: string) => void;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
  /** This response's CSP nonce, for the style elements CodeMirror adds. */
  nonce: string | undefined;
  labelId: string;
  describedById: string;
  invalid: boolean;
}

/** Colours from the console's palette, one set per theme (the `.dark` class on <html>). */
const jsonHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--json-key)" },
  { tag: tags.string, color: "var(--json-string)" },
  { tag: tags.number, color: "var(--json-number)" },
  { tag: [tags.bool, tags.null], color: "var(--json-atom)", fontWeight: "600" },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: "var(--muted)" },
]);

const editorTheme: Extension = EditorView.theme({
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
  "&.je-invalid": { borderColor: "var(--bad)" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55", minHeight: "12rem", maxHeight: "28rem", overflow: "auto" },
  ".cm-content": { caretColor: "var(--fg)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 6%, transparent)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
  },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "color-mix(in srgb, var(--ok) 25%, transparent)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--bad)", textUnderlineOffset: "3px" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
});

/**
 * A JSON editor (CodeMirror 6) for desired state: highlighting, syntax errors underlined
 * as you type, bracket matching, undo. Tab is left to the page (focus moves on), so the
 * editor never traps the keyboard; Ctrl/Cmd+Enter submits.
 */
export function JsonEditor({ value, onChange, onSubmit, nonce, labelId, describedById, invalid }: Props) {
  const latest = useRef(onSubmit);
  latest.current = onSubmit;
  const { host } = useCodeMirror({
    value,
    onChange,
    nonce,
    labelId,
    describedById,
    invalid,
    invalidClass: "je-invalid",
    multiline: true,
    extensions: () => {
      const submit = () => {
        latest.current();
        return true;
      };
      return [
        lineNumbers(),
        history(),
        closeBrackets(),
        bracketMatching(),
        indentOnInput(),
        highlightActiveLine(),
        json(),
        syntaxHighlighting(jsonHighlight),
        linter(jsonParseLinter(), { delay: 200 }),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: submit }])),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
        editorTheme,
      ];
    },
  });

  return <div ref={host} className="min-w-0" data-testid="desired-editor" />;
}

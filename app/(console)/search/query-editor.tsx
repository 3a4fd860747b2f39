"use client";

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, startCompletion } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { forceLinting, linter } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { forwardRef, useImperativeHandle, useRef } from "react";
import { useCodeMirror } from "@/components/editor/use-code-mirror";
import type { IndexField } from "@/lib/fleet-search/contract";
import { checkQuery, diagnosticsFor, queryCompletions, queryHighlighting, queryTheme, type QueryCheck } from "./query-language";

export interface QueryEditorHandle {
  focus(): void;
  /** Replaces the text (a saved query, a snippet) and puts the cursor at the end. */
  setText(text: string): void;
  /** Inserts at the cursor (replacing the selection), with the cursor after it. */
  insert(text: string): void;
}

interface Props {
  /** The text to show when it changes from outside (the URL, a saved query). */
  value: string;
  onChange: (text: string) => void;
  /** Enter: run this text. */
  onRun: (text: string) => void;
  /** The check of the text, after each pause in typing (and at once on Run). */
  onCheck: (check: QueryCheck, text: string) => void;
  fields: readonly IndexField[];
  /** This response's CSP nonce, for the style elements CodeMirror adds. */
  nonce: string | undefined;
  labelId: string;
  describedById: string;
  invalid: boolean;
}

/** How long typing must pause before the query is checked. */
const CHECK_DELAY_MS = 250;

/**
 * The query editor (CodeMirror 6): one line, highlighted by the shared grammar, errors
 * underlined where they are, field names and filters completed. Enter runs the query
 * (when no completion is open); Tab leaves the editor, as in any form field.
 */
export const QueryEditor = forwardRef<QueryEditorHandle, Props>(function QueryEditor(
  { value, onChange, onRun, onCheck, fields, nonce, labelId, describedById, invalid },
  ref,
) {
  // The editor is built once; callbacks and fields are read through refs.
  const latest = useRef({ onRun, onCheck, fields });
  latest.current = { onRun, onCheck, fields };
  const { host, view } = useCodeMirror({
    value,
    onChange,
    nonce,
    labelId,
    describedById,
    invalid,
    invalidClass: "fq-invalid",
    multiline: false,
    // A new value from outside (URL change, opened saved query) replaces the text.
    cursorToEnd: true,
    extensions: () => {
      const run = (v: EditorView) => {
        const text = v.state.doc.toString();
        latest.current.onCheck(checkQuery(text), text);
        forceLinting(v);
        latest.current.onRun(text);
        return true;
      };
      return [
        history(),
        closeBrackets(),
        autocompletion({ override: [queryCompletions(() => latest.current.fields)], defaultKeymap: false, icons: false, activateOnTyping: true }),
        // Completion first: with the list open, Enter picks an entry instead of running.
        Prec.highest(keymap.of([...completionKeymap, { key: "Enter", run }, { key: "Mod-Enter", run }, { key: "Shift-Enter", run }])),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, { key: "Alt-Space", run: startCompletion }]),
        // One line: pasted line breaks become spaces (AWS splits words on any whitespace anyway).
        EditorState.transactionFilter.of((tr) => {
          if (!tr.docChanged || tr.newDoc.lines === 1) return tr;
          const text = tr.newDoc.toString();
          return [tr, { changes: { from: 0, to: text.length, insert: text.replace(/\n/g, " ") }, sequential: true }];
        }),
        placeholder("e.g. thingTypeName:linux-agent AND attributes.customer:acme AND connectivity.connected:false"),
        queryHighlighting,
        linter(
          (v) => {
            const text = v.state.doc.toString();
            latest.current.onCheck(checkQuery(text), text);
            return diagnosticsFor(text);
          },
          { delay: CHECK_DELAY_MS },
        ),
        queryTheme,
        EditorView.lineWrapping,
      ];
    },
  });

  useImperativeHandle(
    ref,
    () => ({
      focus: () => view.current?.focus(),
      setText: (text) => {
        const v = view.current;
        if (!v) return;
        v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length } });
        v.focus();
      },
      insert: (text) => {
        const v = view.current;
        if (!v) return;
        v.dispatch(v.state.replaceSelection(text));
        v.focus();
      },
    }),
    [],
  );

  return <div ref={host} className="min-w-0 flex-1" data-testid="query-editor" />;
});

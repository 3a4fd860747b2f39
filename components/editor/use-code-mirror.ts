"use client";

import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { useEffect, useRef } from "react";

export interface CodeMirrorOptions {
  /** The text; a new value from outside replaces the editor's (one undoable change). */
  value: string;
  onChange: (text: string) => void;
  /** The editor's own extensions, built once at mount (read changing inputs through refs). */
  extensions: () => Extension[];
  /** This response's CSP nonce, for the style elements CodeMirror adds. */
  nonce: string | undefined;
  labelId: string;
  describedById: string;
  invalid: boolean;
  /** The class the editor gets while `invalid` (its theme draws the red border). */
  invalidClass: string;
  multiline: boolean;
  /** Put the cursor at the end when a new value arrives from outside. */
  cursorToEnd?: boolean;
}

/** The editable element's name, description and validity, for assistive tech. */
function ariaAttributes(o: Pick<CodeMirrorOptions, "labelId" | "describedById" | "invalid" | "multiline">) {
  return EditorView.contentAttributes.of({
    "aria-labelledby": o.labelId,
    "aria-describedby": o.describedById,
    "aria-multiline": String(o.multiline),
    ...(o.invalid ? { "aria-invalid": "true" } : {}),
  });
}

/**
 * A CodeMirror 6 view mounted once in `host`: the CSP nonce, ARIA wiring that follows
 * `invalid`, change events, and outside values replacing the text. The callers add
 * their language, keys and theme.
 */
export function useCodeMirror(opts: CodeMirrorOptions) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(opts);
  latest.current = opts;
  const aria = useRef(new Compartment());
  const { value, labelId, describedById, invalid, invalidClass, multiline } = opts;

  useEffect(() => {
    if (!host.current) return;
    const o = latest.current;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: o.value,
        extensions: [
          EditorView.cspNonce.of(o.nonce ?? ""),
          ...o.extensions(),
          aria.current.of(ariaAttributes({ ...o, invalid: false })),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, ...(latest.current.cursorToEnd ? { selection: { anchor: value.length } } : {}) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ effects: aria.current.reconfigure(ariaAttributes({ labelId, describedById, invalid, multiline })) });
    v.dom.classList.toggle(invalidClass, invalid);
  }, [invalid, labelId, describedById, invalidClass, multiline]);

  return { host, view };
}

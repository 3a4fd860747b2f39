"use client";

import { jsonParseLinter } from "@codemirror/lang-json";
import { linter } from "@codemirror/lint";
import { Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { useRef } from "react";
import { jsonEditorBase } from "@/components/editor/json-editor-theme";
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
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: submit }])),
        ...jsonEditorBase({ invalidClass: "je-invalid", minHeight: "12rem" }),
        linter(jsonParseLinter(), { delay: 200 }),
      ];
    },
  });

  return <div ref={host} className="min-w-0" data-testid="desired-editor" />;
}

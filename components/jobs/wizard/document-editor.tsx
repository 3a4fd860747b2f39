"use client";

import { linter, type Diagnostic } from "@codemirror/lint";
import { useRef } from "react";
import { jsonEditorBase } from "@/components/editor/json-editor-theme";
import { useCodeMirror } from "@/components/editor/use-code-mirror";
import { checkJobDocument } from "@/lib/jobs/document";

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
      ...jsonEditorBase({ invalidClass: "jd-invalid", minHeight: "14rem", wrap: true }),
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
    ],
  });
  return <div ref={host} className="min-w-0" data-testid="document-editor" />;
}

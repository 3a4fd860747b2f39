"use client";

import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";

interface Props {
  /** The text shown and copied, as given (pretty-print it first: lib/json/pretty.ts). */
  text: string;
  /** The line above the text: what it is. */
  caption: ReactNode;
  /** The accessible name of the text (it is focusable, so it needs one). */
  label: string;
  copyLabel?: string;
  testId?: string;
  /** Tailwind max height of the scrolling text. */
  maxHeight?: string;
  /** Wrap long lines (a document with long URLs) instead of scrolling sideways. */
  wrap?: boolean;
}

/**
 * A read-only block of JSON (or any text): a caption with a copy button above a
 * scrollable <pre>, focusable so keyboard users can scroll it. The shadow's raw view and
 * the job document share it.
 */
export function JsonBlock({ text, caption, label, copyLabel, testId, maxHeight = "max-h-80", wrap = false }: Props) {
  return (
    <div className="rounded border border-border bg-surface">
      <div className="flex items-center justify-between gap-2 border-b border-border px-3 py-1.5">
        <p className="text-xs text-muted">{caption}</p>
        <CopyButton text={text} label={copyLabel} />
      </div>
      <pre
        tabIndex={0}
        aria-label={label}
        data-testid={testId}
        className={`${maxHeight} overflow-auto px-3 py-2 font-mono text-[13px] leading-relaxed${wrap ? " break-all whitespace-pre-wrap" : ""}`}
      >
        {text}
      </pre>
    </div>
  );
}

"use client";

import { useState } from "react";
import type { ShadowDocument } from "@/lib/shadows/types";

/** The document as GetThingShadow returns it (timestamps in epoch seconds, as AWS sends them). */
export function awsShapedDocument(doc: ShadowDocument): unknown {
  const state: Record<string, unknown> = {};
  if (doc.desired) state.desired = doc.desired;
  if (doc.reported) state.reported = doc.reported;
  if (doc.delta) state.delta = doc.delta;
  const metadata: Record<string, unknown> = {};
  if (doc.metadata.desired) metadata.desired = doc.metadata.desired;
  if (doc.metadata.reported) metadata.reported = doc.metadata.reported;
  return { state, metadata, version: doc.version, ...(doc.timestampMs !== null ? { timestamp: Math.floor(doc.timestampMs / 1000) } : {}) };
}

export function RawJson({ doc }: { doc: ShadowDocument }) {
  const text = JSON.stringify(awsShapedDocument(doc), null, 2);
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded border border-border bg-surface">
      <div className="flex items-center justify-between gap-2 border-b border-border px-3 py-1.5">
        <p className="text-xs text-muted">The shadow document as AWS IoT returns it (GetThingShadow). Timestamps are epoch seconds.</p>
        <button
          type="button"
          className="btn px-2 py-0.5 text-xs"
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 2_000);
              },
              () => undefined,
            )
          }
        >
          {copied ? "Copied" : "Copy JSON"}
        </button>
      </div>
      {/* Focusable so keyboard users can scroll it. */}
      <pre
        tabIndex={0}
        aria-label="Shadow document (JSON)"
        className="max-h-[36rem] overflow-auto px-3 py-2 font-mono text-[13px] leading-relaxed"
        data-testid="raw-json"
      >
        {text}
      </pre>
    </div>
  );
}

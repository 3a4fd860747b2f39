"use client";

import { useState } from "react";

/** Copies `text` to the clipboard and says so for two seconds (silent where the clipboard is refused). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
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
      {copied ? "Copied" : label}
    </button>
  );
}

"use client";

import { useEffect, useState } from "react";

/**
 * A number box that keeps what is typed: the draft only ever holds numbers (it is stored
 * as JSON), so text that is not a number stays here with its own message until fixed.
 * `nullable`: an empty box means "none" (null).
 */
export function NumberInput({
  id,
  value,
  onChange,
  nullable,
  error,
  describedBy,
  className = "input w-28",
  min,
  max,
  step,
}: {
  id: string;
  value: number | null;
  onChange: (v: number | null) => void;
  nullable?: boolean;
  error?: string;
  describedBy?: string;
  className?: string;
  min?: number;
  max?: number;
  step?: number | "any";
}) {
  const [text, setText] = useState(value === null ? "" : String(value));
  const [bad, setBad] = useState<string | null>(null);
  useEffect(() => {
    // A value changed from outside (a reset, a loaded draft) replaces the text.
    setText((t) => (Number(t) === value || (value === null && t === "") ? t : value === null ? "" : String(value)));
  }, [value]);
  const message = bad ?? error;
  return (
    <>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        className={className}
        value={text}
        min={min}
        max={max}
        step={step}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : describedBy}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === "") {
            if (nullable) {
              setBad(null);
              onChange(null);
            } else setBad("Enter a number.");
            return;
          }
          const n = Number(t);
          if (!Number.isFinite(n)) return setBad("Enter a number.");
          setBad(null);
          onChange(n);
        }}
      />
      {message ? (
        <span id={`${id}-error`} className="max-w-56 text-xs text-bad">
          {message}
        </span>
      ) : null}
    </>
  );
}

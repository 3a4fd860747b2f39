import type { ReactNode } from "react";

/**
 * A labelled control with its error (or hint) below it, outside the label so it is not
 * part of the name. `compact` keeps a long error from widening a field in a row of fields.
 */
export function Field({
  id,
  label,
  error,
  hint,
  compact,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  compact?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-xs font-semibold text-muted">
        {label}
      </label>
      {children}
      {error ? (
        <span id={`${id}-error`} className={`${compact ? "max-w-56" : "max-w-prose"} text-xs text-bad`}>
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** The id, name and ARIA wiring of the control inside a {@link Field} (its error, else its hint, describes it). */
export function fieldControl(id: string, name: string, error: string | undefined, hint = false) {
  return {
    id,
    name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  } as const;
}

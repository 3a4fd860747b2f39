"use client";

import { useEffect, useId, useRef, useState } from "react";
import { columnOptions, isColumnName, MAX_VIEW_COLUMNS, moveColumn, NAME_COLUMN, type ColumnOption } from "@/lib/fleet-search/table-columns";
import type { IndexField } from "@/lib/fleet-search/contract";

interface Props {
  columns: readonly string[];
  onChange: (columns: string[]) => void;
  fields: readonly IndexField[];
  /** Shadow fields seen in the loaded results (the configuration names only custom ones). */
  shadowFields: () => string[];
}

/**
 * Which fields the table (and the export) shows, in which order: any managed field,
 * attribute, custom or shadow field, or any field path typed by hand. The name column is
 * always first. A popover: Escape or a click elsewhere closes it.
 */
export function ColumnChooser({ columns, onChange, fields, shadowFields }: Props) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [options, setOptions] = useState<ColumnOption[]>([]);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    setOptions(columnOptions(fields, shadowFields()));
    input.current?.focus();
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open, fields, shadowFields]);

  const add = (name: string) => {
    const c = name.trim();
    if (!c) return;
    if (!isColumnName(c)) return setProblem(`“${c}” is not a field path (letters, digits and _ $ @ : # / - separated by dots).`);
    if (columns.includes(c)) return setProblem(`${c} is already shown.`);
    if (columns.length >= MAX_VIEW_COLUMNS) return setProblem(`At most ${MAX_VIEW_COLUMNS} columns.`);
    onChange([...columns, c]);
    setDraft("");
    setProblem(null);
  };

  const available = options.filter((o) => !columns.includes(o.name));

  return (
    <div ref={root} className="relative">
      <button ref={button} type="button" className="btn" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen((o) => !o)}>
        Columns ({columns.length})
      </button>
      {open ? (
        <div
          id={`${id}-panel`}
          role="dialog"
          aria-label="Columns"
          className="absolute left-0 z-30 mt-1 w-[26rem] rounded border border-border bg-surface p-3 shadow-xl"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          <form
            className="flex items-start gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              add(draft);
            }}
          >
            <div className="flex min-w-0 flex-1 flex-col gap-0.5">
              <label htmlFor={`${id}-add`} className="text-xs font-semibold text-muted">
                Add a column
              </label>
              <input
                ref={input}
                id={`${id}-add`}
                list={`${id}-options`}
                className="input font-mono"
                value={draft}
                placeholder="attributes.os, shadow.reported.…"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `${id}-problem` : undefined}
                onChange={(e) => {
                  setDraft(e.target.value);
                  setProblem(null);
                }}
              />
              <datalist id={`${id}-options`}>
                {available.map((o) => (
                  <option key={o.name} value={o.name}>
                    {o.group}
                    {o.type ? ` · ${o.type}` : ""}
                  </option>
                ))}
              </datalist>
            </div>
            <button type="submit" className="btn mt-[18px]">
              Add
            </button>
          </form>
          {problem ? (
            <p id={`${id}-problem`} className="mt-1 text-xs text-bad">
              {problem}
            </p>
          ) : null}

          <h3 className="mt-3 text-xs font-semibold tracking-wide text-muted uppercase">Shown, in order</h3>
          <ol aria-label="Shown columns" className="mt-1 max-h-72 space-y-0.5 overflow-y-auto">
            {columns.map((c, i) => (
              <li key={c} className="flex items-center gap-1 rounded px-1 py-0.5 hover:bg-surface-2">
                <span className="min-w-0 flex-1 truncate font-mono text-[13px]" title={c}>
                  {c}
                </span>
                {c === NAME_COLUMN ? (
                  <span className="text-xs text-muted">always first</span>
                ) : (
                  <>
                    <button
                      type="button"
                      className="btn px-1.5 py-0"
                      aria-label={`Move ${c} earlier`}
                      disabled={i <= 1}
                      onClick={() => onChange(moveColumn(columns, i, -1))}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn px-1.5 py-0"
                      aria-label={`Move ${c} later`}
                      disabled={i >= columns.length - 1}
                      onClick={() => onChange(moveColumn(columns, i, 1))}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="btn px-1.5 py-0"
                      aria-label={`Remove column ${c}`}
                      onClick={() => onChange(columns.filter((x) => x !== c))}
                    >
                      ✕
                    </button>
                  </>
                )}
              </li>
            ))}
          </ol>

          {available.length ? (
            <>
              <h3 className="mt-3 text-xs font-semibold tracking-wide text-muted uppercase">Fields</h3>
              <ul aria-label="Fields to add" className="mt-1 flex max-h-40 flex-wrap gap-1 overflow-y-auto">
                {available.slice(0, 80).map((o) => (
                  <li key={o.name}>
                    <button
                      type="button"
                      className="rounded border border-border bg-surface-2 px-1.5 py-px font-mono text-xs hover:border-accent"
                      title={`${o.group}${o.type ? ` · ${o.type}` : ""}`}
                      onClick={() => add(o.name)}
                    >
                      + {o.name}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

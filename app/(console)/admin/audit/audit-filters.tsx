"use client";

import { debounce, useQueryStates } from "nuqs";
import { useId, useTransition } from "react";
import { auditSearchParams, hasAuditFilters } from "./search-params";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** What a datetime-local input can show for a URL bound (a day shows as its first or last minute). */
function asLocalInput(value: string | null, edge: "start" | "end"): string {
  if (!value) return "";
  if (MINUTE.test(value)) return value;
  if (DATE.test(value)) return `${value}T${edge === "start" ? "00:00" : "23:59"}`;
  return "";
}

/**
 * Filters of the audit trail, all in the URL. Selects and times apply at once, typed
 * text 400 ms after the last keystroke; any change goes back to the newest records.
 */
export function AuditFilters({ actions }: { actions: string[] }) {
  const [pending, startTransition] = useTransition();
  const [f, setF] = useQueryStates(auditSearchParams, { shallow: false, startTransition });
  const id = useId();
  const typed = { limitUrlUpdates: debounce(400) };
  const known = !f.action || actions.includes(f.action);

  return (
    <form
      role="search"
      aria-label="Filter audit records"
      className="flex flex-wrap items-end gap-x-3 gap-y-2 rounded border border-border bg-surface px-3 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        void setF({ user: f.user, target: f.target, before: null });
      }}
    >
      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        User
        <input
          name="user"
          className="input w-40 font-normal"
          value={f.user ?? ""}
          placeholder="exact user name"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => void setF({ user: e.target.value || null, before: null }, typed)}
        />
      </label>

      <div className="flex flex-col gap-0.5">
        <label htmlFor={`${id}-action`} className="text-xs font-semibold text-muted">
          Action
        </label>
        <select
          id={`${id}-action`}
          className="input min-w-44 font-mono"
          value={f.action ?? ""}
          onChange={(e) => void setF({ action: e.target.value || null, before: null })}
        >
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
          {!known ? <option value={f.action!}>{f.action}</option> : null}
        </select>
      </div>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Target contains
        <input
          name="target"
          className="input w-48 font-mono font-normal"
          value={f.target ?? ""}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => void setF({ target: e.target.value || null, before: null }, typed)}
        />
      </label>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        From (UTC)
        <input
          type="datetime-local"
          name="from"
          className="input font-normal"
          value={asLocalInput(f.from, "start")}
          onChange={(e) => void setF({ from: e.target.value || null, before: null })}
        />
      </label>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        To (UTC)
        <input
          type="datetime-local"
          name="to"
          className="input font-normal"
          value={asLocalInput(f.to, "end")}
          onChange={(e) => void setF({ to: e.target.value || null, before: null })}
        />
      </label>

      <div className="flex items-center gap-2 pb-0.5">
        {hasAuditFilters(f) ? (
          <button type="button" className="btn" onClick={() => void setF({ user: null, action: null, target: null, from: null, to: null, before: null })}>
            Clear filters
          </button>
        ) : null}
        <span aria-live="polite" className="text-xs text-muted">
          {pending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}

"use client";

import { debounce, useQueryStates } from "nuqs";
import { useId, useTransition } from "react";
import { GROUP_NAME_PATTERN } from "@/lib/jobs/filters";
import { jobsSearchParams } from "@/lib/jobs/search-params";
import { JOB_STATUS_LABELS } from "@/lib/jobs/status";
import { JOB_STATUSES } from "@/lib/jobs/types";

/**
 * The jobs list's filters (ListJobs' own: status, target selection, thing group), all in
 * the URL. Selects apply at once; the group name 400 ms after the last keystroke.
 */
export function JobsFilters() {
  const [pending, startTransition] = useTransition();
  const [f, setF] = useQueryStates(jobsSearchParams, { shallow: false, startTransition });
  const id = useId();
  const groupInvalid = !!f.group && !GROUP_NAME_PATTERN.test(f.group);
  return (
    <form
      role="search"
      aria-label="Filter jobs"
      className="flex flex-wrap items-end gap-x-3 gap-y-2 rounded border border-border bg-surface px-3 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        void setF({ group: f.group });
      }}
    >
      <label htmlFor={`${id}-status`} className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Status
        <select id={`${id}-status`} className="input min-w-40" value={f.status ?? ""} onChange={(e) => void setF({ status: e.target.value || null })}>
          <option value="">Any status</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {JOB_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-selection`} className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Targets
        <select id={`${id}-selection`} className="input min-w-40" value={f.selection ?? ""} onChange={(e) => void setF({ selection: e.target.value || null })}>
          <option value="">Snapshot or continuous</option>
          <option value="SNAPSHOT">Snapshot</option>
          <option value="CONTINUOUS">Continuous</option>
        </select>
      </label>
      <label htmlFor={`${id}-group`} className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Thing group
        <input
          id={`${id}-group`}
          name="group"
          className={`input w-48 font-mono ${groupInvalid ? "border-bad" : ""}`}
          value={f.group ?? ""}
          placeholder="group name"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={groupInvalid ? true : undefined}
          onChange={(e) => void setF({ group: e.target.value || null }, { limitUrlUpdates: debounce(400) })}
        />
      </label>
      {f.status || f.selection || f.group ? (
        <button type="button" className="btn" onClick={() => void setF({ status: null, selection: null, group: null })}>
          Clear filters
        </button>
      ) : null}
      {pending ? (
        <span className="pb-1.5 text-xs text-muted" aria-live="polite">
          Updating…
        </span>
      ) : null}
    </form>
  );
}

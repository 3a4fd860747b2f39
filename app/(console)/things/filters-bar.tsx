"use client";

import { debounce, useQueryStates } from "nuqs";
import { Suspense, use, useId, useTransition } from "react";
import { FILTER_ISSUES_ID, hasActiveFilters, PAGE_SIZES, validateThingFilters, type FilterIssue } from "@/lib/things/filters";
import { thingsSearchParams } from "@/lib/things/search-params";
import type { AppErrorData } from "@/lib/errors";
import { ClearFiltersButton } from "./clear-filters";

export type TypeOption = { name: string; deprecated: boolean };
export type TypeOptions = { ok: true; types: TypeOption[] } | { ok: false; error: AppErrorData };

/**
 * Filters of the things list, all in the URL. Selects apply at once; typed text is
 * applied 400 ms after the last keystroke (or on Enter) so half-typed values do not
 * each cost a ListThings call. Values AWS would reject are outlined while typing; the
 * page explains why in place of the table.
 */
export function FiltersBar({ types }: { types: Promise<TypeOptions> }) {
  const [pending, startTransition] = useTransition();
  const [f, setF] = useQueryStates(thingsSearchParams, { shallow: false, startTransition });
  const id = useId();
  const validation = validateThingFilters(f);
  const issue = (field: FilterIssue["field"]) => (validation.ok ? undefined : validation.issues.find((i) => i.field === field)?.message);
  const typed = { limitUrlUpdates: debounce(400) };
  const valueIssue = issue("value");
  const attrIssue = issue("attr");

  return (
    <form
      role="search"
      aria-label="Filter things"
      className="flex flex-wrap items-end gap-x-3 gap-y-2 rounded border border-border bg-surface px-3 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        // Enter applies typed values now instead of after the debounce.
        void setF({ attr: f.attr, value: f.value });
      }}
    >
      <div className="flex flex-col gap-0.5">
        <label htmlFor={`${id}-type`} className="text-xs font-semibold text-muted">
          Thing type
        </label>
        <Suspense
          fallback={
            <select id={`${id}-type`} className="input min-w-44" disabled>
              <option>Loading types…</option>
            </select>
          }
        >
          <TypeSelect id={`${id}-type`} types={types} value={f.type} onChange={(type) => void setF({ type })} />
        </Suspense>
      </div>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Attribute name
        <input
          name="attr"
          className={`input w-40 font-mono ${attrIssue ? "border-bad" : ""}`}
          value={f.attr ?? ""}
          placeholder="e.g. site"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={attrIssue ? true : undefined}
          aria-describedby={attrIssue ? FILTER_ISSUES_ID : undefined}
          onChange={(e) => void setF({ attr: e.target.value || null }, typed)}
        />
      </label>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Attribute value
        <input
          name="value"
          className={`input w-48 font-mono ${valueIssue ? "border-bad" : ""}`}
          value={f.value ?? ""}
          placeholder={f.prefix ? "starts with…" : "exact value"}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={valueIssue ? true : undefined}
          aria-describedby={valueIssue ? FILTER_ISSUES_ID : undefined}
          onChange={(e) => void setF({ value: e.target.value || null }, typed)}
        />
      </label>

      <label className="flex items-center gap-1.5 pb-1.5 text-sm">
        <input type="checkbox" checked={f.prefix} onChange={(e) => void setF({ prefix: e.target.checked || null })} />
        Prefix match
      </label>

      <label className="flex flex-col gap-0.5 text-xs font-semibold text-muted">
        Page size
        <select className="input" value={f.size} onChange={(e) => void setF({ size: Number(e.target.value) })}>
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>

      <div className="flex items-center gap-2 pb-0.5">
        {hasActiveFilters(f) ? <ClearFiltersButton /> : null}
        <span aria-live="polite" className="text-xs text-muted">
          {pending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}

function TypeSelect({ id, types, value, onChange }: { id: string; types: Promise<TypeOptions>; value: string | null; onChange: (v: string | null) => void }) {
  const result = use(types);
  const options = result.ok ? result.types : [];
  // Keep a type from the URL selectable even if it is not (or no longer) listed.
  const known = value === null || options.some((o) => o.name === value);
  return (
    <span className="flex items-center gap-2">
      <select id={id} className="input min-w-44" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">All types</option>
        {options.map((o) => (
          <option key={o.name} value={o.name}>
            {o.name}
            {o.deprecated ? " (deprecated)" : ""}
          </option>
        ))}
        {!known ? <option value={value!}>{value}</option> : null}
      </select>
      {!result.ok ? (
        <span className="text-xs font-normal text-warn" title={result.error.message}>
          type list unavailable
        </span>
      ) : null}
    </span>
  );
}

import type { Metadata } from "next";
import { Suspense } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { TableSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { listThings } from "@/lib/aws/things";
import { listThingTypes } from "@/lib/aws/thing-types";
import { toErrorData } from "@/lib/errors";
import { FILTER_ISSUES_ID, filtersKey, hasActiveFilters, validateThingFilters, type ThingFilters } from "@/lib/things/filters";
import { loadThingsSearchParams } from "@/lib/things/search-params";
import { ClearFiltersButton } from "./clear-filters";
import { FiltersBar, type TypeOptions } from "./filters-bar";
import { ThingsTable } from "./things-table";

export const metadata: Metadata = { title: "Things" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ThingsPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePage("fleet.read");
  const raw = await loadThingsSearchParams(searchParams);
  const validation = validateThingFilters(raw);
  // Not awaited: the type list streams into the filter bar while the table renders.
  const types: Promise<TypeOptions> = listThingTypes().then(
    (list) => ({ ok: true, types: list.map((t) => ({ name: t.name, deprecated: t.deprecated })) }),
    (err) => ({ ok: false, error: toErrorData(err) }),
  );

  return (
    <div className="space-y-3">
      <header className="flex items-center justify-between gap-3">
        <h1 className="text-xl font-bold">Things</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-muted">The thing registry (ListThings), page by page</p>
          <RefreshButton label="Refresh" pendingLabel="Refreshing…" />
        </div>
      </header>
      <FiltersBar types={types} />
      {validation.ok ? (
        <>
          {validation.notes.map((n) => (
            <p key={n} className="text-sm text-muted">
              {n}
            </p>
          ))}
          <Suspense key={filtersKey(validation.filters)} fallback={<TableSkeleton label="Loading things" columns={5} rows={12} />}>
            <ThingsResults filters={validation.filters} filtersActive={hasActiveFilters(raw)} />
          </Suspense>
        </>
      ) : (
        <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
          <p className="font-semibold text-bad">These filters can’t be used</p>
          <ul id={FILTER_ISSUES_ID} className="mt-1 list-disc pl-5">
            {validation.issues.map((i) => (
              <li key={i.field + i.message}>{i.message}</li>
            ))}
          </ul>
          <p className="mt-1 text-muted">Nothing was sent to AWS IoT. Fix the outlined filter above, or start over.</p>
          <div className="mt-2">
            <ClearFiltersButton />
          </div>
        </div>
      )}
    </div>
  );
}

async function ThingsResults({ filters, filtersActive }: { filters: ThingFilters; filtersActive: boolean }) {
  try {
    const page = await listThings(filters);
    return <ThingsTable filters={filters} filtersActive={filtersActive} initialPage={page} renderedAtMs={Date.now()} />;
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not list things" action={<RefreshButton />} />;
  }
}

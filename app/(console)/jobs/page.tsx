import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { TableSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { listJobs } from "@/lib/aws/jobs";
import { consoleDb } from "@/lib/db/console-db";
import { toErrorData } from "@/lib/errors";
import { jobCreators } from "@/lib/jobs/creators";
import { hasJobFilters, jobFiltersKey, parseJobFilters, type JobListFilters } from "@/lib/jobs/filters";
import { loadJobsSearchParams } from "@/lib/jobs/search-params";
import { JobsFilters } from "./jobs-filters";
import { JobsTable } from "./jobs-table";

export const metadata: Metadata = { title: "Jobs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requirePage("fleet.read");
  const parsed = parseJobFilters(await loadJobsSearchParams(searchParams));
  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-bold">Jobs</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-muted">Rollouts to the fleet (AWS IoT Jobs), newest first</p>
          <RefreshButton label="Refresh" pendingLabel="Refreshing…" />
          {can(session.role, "jobs.write") ? (
            <Link href="/jobs/new" className="btn btn-primary hover:no-underline">
              New rollout
            </Link>
          ) : null}
        </div>
      </header>
      <JobsFilters />
      {parsed.ok ? (
        <Suspense key={jobFiltersKey(parsed.filters)} fallback={<TableSkeleton label="Loading jobs" columns={6} rows={10} />}>
          <JobsResults filters={parsed.filters} />
        </Suspense>
      ) : (
        <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
          <p className="font-semibold text-bad">These filters can’t be used</p>
          <p className="mt-1">{parsed.message}</p>
          <p className="mt-1 text-muted">Nothing was sent to AWS IoT.</p>
        </div>
      )}
    </div>
  );
}

async function JobsResults({ filters }: { filters: JobListFilters }) {
  try {
    const page = await listJobs(filters, null, (ids) => jobCreators(consoleDb(), ids));
    return <JobsTable filters={filters} filtersActive={hasJobFilters(filters)} initialPage={page} renderedAtMs={Date.now()} />;
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not list jobs" action={<RefreshButton />} />;
  }
}

"use client";

import { useInfiniteQuery, useQueries } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { LoadControls } from "@/components/paging/load-controls";
import { useLoadAll } from "@/components/paging/use-load-all";
import { Attributes } from "@/components/ui/attributes";
import { Skeleton } from "@/components/ui/skeleton";
import { liveQueryOptions, useLivePolling } from "@/components/query/use-route-query";
import { ConnectivityStatus } from "@/components/things/connectivity-status";
import { fetchRoute } from "@/lib/http/get-json";
import { CONNECTIVITY_POLL } from "@/lib/http/poll-policy";
import { connectivityRoute, thingsRoute } from "@/lib/things/api";
import { chunk, CONNECTIVITY_BATCH_MAX } from "@/lib/things/connectivity";
import type { ThingFilters } from "@/lib/things/filters";
import { flattenPages } from "@/lib/things/paging";
import type { ConnectivityResult, ThingPage } from "@/lib/things/types";
import { ERROR_TITLES } from "@/lib/errors";
import { ClearFiltersButton } from "./clear-filters";

interface Props {
  filters: ThingFilters;
  filtersActive: boolean;
  /** The first page, rendered on the server. */
  initialPage: ThingPage;
  /** When the server fetched it: a new server render starts a fresh list. */
  renderedAtMs: number;
}

/**
 * The things table: page 1 comes from the server, later pages from /api/things with
 * AWS's nextToken. Connectivity is fetched per page in batches after the rows are on
 * screen, so a slow GetThingConnectivityData never holds the table back.
 */
export function ThingsTable({ filters, filtersActive, initialPage, renderedAtMs }: Props) {
  const query = useInfiniteQuery({
    queryKey: [...thingsRoute.key(filters, null), renderedAtMs],
    queryFn: ({ pageParam, signal }) => fetchRoute(thingsRoute, [filters, pageParam], signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextToken,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: Infinity,
  });
  const { controls } = useLoadAll(query);

  const pages = query.data.pages;
  const things = useMemo(
    () =>
      flattenPages(
        pages,
        (p) => p.things,
        (t) => t.name,
      ),
    [pages],
  );
  const connectivity = useConnectivity(pages);

  if (things.length === 0) {
    return (
      <div className="rounded border border-border bg-surface px-4 py-8 text-center">
        <p className="text-base font-semibold">{filtersActive ? "No things match these filters" : "No things registered yet"}</p>
        <p className="mt-1 text-muted">
          {filtersActive ? "Try another thing type or attribute value, or clear the filters." : "Things appear here once devices are registered in AWS IoT."}
        </p>
        {filtersActive ? (
          <div className="mt-3">
            <ClearFiltersButton />
          </div>
        ) : null}
      </div>
    );
  }

  return (
    <div>
      <div className="max-h-[calc(100vh-13rem)] overflow-auto rounded border border-border bg-surface">
        <table className="data-table" aria-label="Things">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Attributes</th>
              <th scope="col" className="text-right">
                Version
              </th>
              <th scope="col">Connectivity</th>
            </tr>
          </thead>
          <tbody>
            {things.map((t) => (
              <tr key={t.name}>
                <td className="font-mono text-[13px] whitespace-nowrap">
                  <Link href={`/things/${encodeURIComponent(t.name)}`}>{t.name}</Link>
                </td>
                <td className="whitespace-nowrap">{t.typeName ?? <span className="text-muted">—</span>}</td>
                <td>
                  <Attributes attributes={t.attributes} />
                </td>
                <td className="text-right font-mono text-[13px] tabular-nums">{t.version ?? "—"}</td>
                <td className="whitespace-nowrap">
                  <ConnectivityCell state={connectivity.get(t.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadControls {...controls} count={things.length} noun={["thing", "things"]} />
    </div>
  );
}

const AUTO_REFRESH_MAX_BATCHES = 5;

type CellState = { status: "loading" } | { status: "done"; result: ConnectivityResult } | { status: "failed"; message: string };

/** One batch request per page chunk; keys follow page boundaries so loading more never refetches earlier rows. */
function useConnectivity(pages: ThingPage[]): Map<string, CellState> {
  const batches = useMemo(
    () =>
      pages
        .flatMap((p) =>
          chunk(
            p.things.map((t) => t.name),
            CONNECTIVITY_BATCH_MAX,
          ),
        )
        .filter((b) => b.length > 0),
    [pages],
  );
  const live = useLivePolling();
  const results = useQueries({
    queries: batches.map((names) => {
      const options = liveQueryOptions(connectivityRoute, [names], CONNECTIVITY_POLL, live);
      return {
        ...options,
        staleTime: 30_000,
        // A SOC screen stays open for hours: keep the dots current while the tab is visible,
        // but only for a screenful of things; refreshing thousands every minute would spend
        // the account's GetThingConnectivityData rate on rows nobody is looking at.
        refetchInterval: batches.length <= AUTO_REFRESH_MAX_BATCHES ? options.refetchInterval : false,
        // Rows already on screen do not all refetch when the tab comes back.
        refetchOnWindowFocus: false,
      };
    }),
  });
  return useMemo(() => {
    const map = new Map<string, CellState>();
    batches.forEach((names, i) => {
      const r = results[i];
      for (const n of names) {
        if (r?.data?.results[n]) map.set(n, { status: "done", result: r.data.results[n] });
        else if (r?.isError) map.set(n, { status: "failed", message: (r.error as Error).message });
        else map.set(n, { status: "loading" });
      }
    });
    return map;
  }, [batches, results]);
}

function ConnectivityCell({ state }: { state: CellState | undefined }) {
  if (!state || state.status === "loading") {
    return (
      <span className="inline-flex items-center gap-2" aria-label="Loading connectivity">
        <Skeleton className="h-3 w-24" />
      </span>
    );
  }
  if (state.status === "failed") {
    return (
      <span className="text-xs text-warn" title={state.message}>
        unavailable
      </span>
    );
  }
  if (!state.result.ok) {
    return (
      <span className="text-xs text-warn" title={state.result.error.message}>
        {ERROR_TITLES[state.result.error.code].toLowerCase()}
      </span>
    );
  }
  return <ConnectivityStatus value={state.result.data} />;
}

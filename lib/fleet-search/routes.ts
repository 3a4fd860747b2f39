import { z } from "zod";
import { defineRoute } from "@/lib/http/contract";
import { queryKeys } from "@/lib/query-keys";
import type { AggregationResult, AggregationType, QueryHistoryEntry, SavedQuery, SearchCount, SearchFields, SearchPage } from "./contract";
import type { ExportFormat } from "./export-progress";
import { aggregateParams, countParams, exportParams, MAX_PAGE_SIZE, searchPageParams } from "./request-params";

/**
 * The search API's routes (lib/http/contract.ts): what each requires, takes and answers.
 * The handlers under app/api/search and the workbench both build on these.
 */

/** The largest page SearchIndex returns. */
export const SEARCH_PAGE_SIZE = MAX_PAGE_SIZE;

// These routes never read parameters; any are ignored, as they always were.
const none = z.object({});

export const searchPageRoute = defineRoute<SearchPage>()({
  path: "/api/search",
  permission: "fleet.search",
  query: searchPageParams,
  request: (q: string, nextToken: string | null, pageSize: number = SEARCH_PAGE_SIZE) => ({ query: { q, nextToken, pageSize } }),
  key: (q: string) => queryKeys.search.results(q),
});

export const searchCountRoute = defineRoute<SearchCount>()({
  path: "/api/search/count",
  permission: "fleet.search",
  query: countParams,
  request: (q: string) => ({ query: { q } }),
  key: (q: string) => queryKeys.search.count(q),
});

export const searchFieldsRoute = defineRoute<SearchFields>()({
  path: "/api/search/fields",
  permission: "fleet.search",
  query: none,
  key: () => queryKeys.search.fields(),
});

export interface AggregateOptions {
  maxBuckets?: number;
  percents?: readonly number[];
}

export const searchAggregateRoute = defineRoute<AggregationResult>()({
  path: "/api/search/aggregate",
  permission: "fleet.search",
  query: aggregateParams,
  request: (q: string, field: string, type: AggregationType, opts: AggregateOptions = {}) => ({
    query: { q, field, type, maxBuckets: opts.maxBuckets, percents: opts.percents?.join(",") },
  }),
  key: (q: string, field: string, type: AggregationType, opts: AggregateOptions = {}) =>
    queryKeys.search.aggregate(q, field, type, `${opts.maxBuckets ?? ""}|${opts.percents?.join(",") ?? ""}`),
});

/** A streamed file, not JSON: the browser reads it with fetch (export-control.tsx). */
export const searchExportRoute = defineRoute<never>()({
  path: "/api/search/export",
  permission: "fleet.export",
  query: exportParams,
  request: (q: string, format: ExportFormat, columns: readonly string[]) => ({ query: { q, format, columns: columns.join(",") } }),
});

export const savedQueriesRoute = defineRoute<SavedQuery[]>()({
  path: "/api/search/saved",
  permission: "fleet.search",
  query: none,
  key: () => queryKeys.search.saved(),
});

export const queryHistoryRoute = defineRoute<QueryHistoryEntry[]>()({
  path: "/api/search/history",
  permission: "fleet.search",
  query: none,
  key: () => queryKeys.search.history(),
});

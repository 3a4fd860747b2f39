/**
 * The contract between the search workbench (browser) and the console's search API
 * (route handlers under app/api/search and server actions in lib/actions). App types
 * only: no SDK shapes. Shared by server and browser code, so dependency-free.
 *
 * Routes (all GET, all answer `{ error: AppErrorData }` with the error's HTTP status on failure):
 *   /api/search?q=<query>&nextToken=<t>&pageSize=<1..100>      -> SearchPage             (fleet.search)
 *   /api/search/count?q=<query>                                 -> SearchCount            (fleet.search)
 *   /api/search/fields                                          -> SearchFields           (fleet.search)
 *   /api/search/aggregate?q=<query>&field=<f>&type=<AggregationType>[&maxBuckets=n][&percents=1,50,99]
 *                                                               -> AggregationResult      (fleet.search)
 *   /api/search/export?q=<query>&format=csv|jsonl&columns=<c1,c2,...>
 *                                                               -> a streamed file of every match (fleet.export)
 *   /api/search/saved                                           -> SavedQuery[]           (fleet.search)
 *   /api/search/history                                         -> QueryHistoryEntry[]    (fleet.search)
 * Server actions (lib/actions): saveQuery, deleteSavedQuery, createDynamicGroupFromQuery.
 */

import type { IndexFieldType, ThingSearchRow } from "@/lib/fleet-index/types";

/** One thing as a search result row; the fleet index's types live in lib/fleet-index (below lib/aws). */
export type { IndexFieldType, ThingSearchRow };

export interface SearchPage {
  things: ThingSearchRow[];
  /** Opaque; null at the end of the results. */
  nextToken: string | null;
  /** True when the answer came from the short-lived cache (identical query within the cache period). */
  cached: boolean;
}

/** How many things match (GetStatistics count on a managed field). */
export interface SearchCount {
  count: number;
}

export interface IndexField {
  /** Exactly as used in a query: `thingName`, `attributes.os`, `shadow.reported.agent.version`, `connectivity.connected`. */
  name: string;
  type: IndexFieldType;
  /** managed: always indexed; custom: declared in the indexing configuration (aggregatable); attribute: seen in the registry. */
  source: "managed" | "custom" | "attribute";
}

export interface SearchFields {
  /** Whether registry, shadow and connectivity data are indexed (from GetIndexingConfiguration). */
  indexing: { thingIndexingMode: "OFF" | "REGISTRY" | "REGISTRY_AND_SHADOW"; connectivity: boolean; namedShadows: string[] };
  /** ACTIVE, BUILDING or REBUILDING (DescribeIndex), or null when indexing is off. */
  indexStatus: "ACTIVE" | "BUILDING" | "REBUILDING" | null;
  fields: IndexField[];
}

export type AggregationType = "buckets" | "statistics" | "percentiles" | "cardinality";

export type AggregationResult =
  | { type: "buckets"; field: string; totalCount: number; buckets: Array<{ key: string; count: number }> }
  | {
      type: "statistics";
      field: string;
      count: number;
      /** Absent for String fields (AWS returns only the count). */
      average?: number;
      sum?: number;
      minimum?: number;
      maximum?: number;
      stdDeviation?: number;
    }
  | { type: "percentiles"; field: string; percentiles: Array<{ percent: number; value: number }> }
  | { type: "cardinality"; field: string; cardinality: number };

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  columns: string[];
  owner: string;
  /** Visible to every signed-in user (otherwise only to the owner). */
  shared: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface QueryHistoryEntry {
  query: string;
  atMs: number;
}

/** The columns a new workbench shows. */
export const DEFAULT_COLUMNS = ["thingName", "thingTypeName", "connectivity.connected", "attributes.customer", "attributes.agentVersion"] as const;

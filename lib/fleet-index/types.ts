/**
 * The fleet index in the console's own types: what lib/aws/fleet-index.ts turns SDK
 * answers into, and what fleet search and drift build on. Pure types, shared by server
 * and browser code; defined here, below both lib/aws and lib/fleet-search, so types
 * flow down into lib/aws and never up from a feature.
 */

export type IndexFieldType = "String" | "Number" | "Boolean";

/** One thing as a search result row. */
export interface ThingSearchRow {
  thingName: string;
  thingId: string;
  thingTypeName: string | null;
  /** Static thing groups and the billing group, as the index reports them. */
  thingGroupNames: string[];
  attributes: Record<string, string>;
  connectivity: { connected: boolean; timestampMs: number | null; disconnectReason: string | null } | null;
  /** The indexed shadow document(s), parsed from the index's JSON string; null when shadows are not indexed. */
  shadow: unknown;
}

/** The indexing configuration as the field list needs it. */
export interface IndexingConfig {
  thingIndexingMode: "OFF" | "REGISTRY" | "REGISTRY_AND_SHADOW";
  connectivity: boolean;
  namedShadows: string[];
  managedFields: Array<{ name: string; type: IndexFieldType }>;
  customFields: Array<{ name: string; type: IndexFieldType }>;
}

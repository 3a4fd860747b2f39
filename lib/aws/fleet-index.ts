import "server-only";
import {
  CreateDynamicThingGroupCommand,
  DescribeIndexCommand,
  GetBucketsAggregationCommand,
  GetCardinalityCommand,
  GetIndexingConfigurationCommand,
  GetPercentilesCommand,
  GetStatisticsCommand,
  SearchIndexCommand,
  type DescribeIndexResponse,
  type GetIndexingConfigurationResponse,
  type Statistics,
  type ThingConnectivity,
  type ThingDocument,
} from "@aws-sdk/client-iot";
import { AppError } from "@/lib/errors";
import type { IndexFieldType, ThingSearchRow } from "@/lib/fleet-search/contract";
import type { IndexingConfig } from "@/lib/fleet-search/fields";
import { normalizeToken } from "@/lib/things/paging";
import { aws, type AwsCallOptions } from "./client";

/**
 * Fleet indexing (SearchIndex, the aggregations, the indexing configuration) and dynamic
 * thing groups, in the console's own types. Each function is one SDK call; quota
 * protection (rate limit, cache, retry) is the caller's job (lib/fleet-search/service.ts),
 * so that every fleet-index call in the process shares one budget.
 */
export const THINGS_INDEX = "AWS_Things";

// ---------------------------------------------------------------- mapping (pure)

/** The index returns `shadow` as a JSON string; the app wants the document. Unparsable → null. */
export function parseShadow(shadow: string | undefined | null): unknown {
  if (!shadow) return null;
  try {
    return JSON.parse(shadow) as unknown;
  } catch {
    return null;
  }
}

export function toConnectivity(c: ThingConnectivity | undefined): ThingSearchRow["connectivity"] {
  if (!c) return null;
  // `timestamp` is epoch milliseconds in the index (unlike shadow and job timestamps).
  const ts = typeof c.timestamp === "number" && Number.isFinite(c.timestamp) ? c.timestamp : null;
  return { connected: c.connected === true, timestampMs: ts, disconnectReason: c.disconnectReason || null };
}

export function toSearchRow(doc: ThingDocument): ThingSearchRow {
  return {
    thingName: doc.thingName ?? "",
    thingId: doc.thingId ?? "",
    thingTypeName: doc.thingTypeName || null,
    thingGroupNames: [...(doc.thingGroupNames ?? [])],
    attributes: { ...(doc.attributes ?? {}) },
    connectivity: toConnectivity(doc.connectivity),
    shadow: parseShadow(doc.shadow),
  };
}

const FIELD_TYPES: readonly string[] = ["String", "Number", "Boolean"];

function toFields(fields: Array<{ name?: string; type?: string }> | undefined): Array<{ name: string; type: IndexFieldType }> {
  return (fields ?? [])
    .filter((f): f is { name: string; type: IndexFieldType } => !!f.name && FIELD_TYPES.includes(f.type ?? ""))
    .map((f) => ({ name: f.name, type: f.type }));
}

export function toIndexingConfig(out: GetIndexingConfigurationResponse): IndexingConfig {
  const cfg = out.thingIndexingConfiguration;
  const mode = cfg?.thingIndexingMode;
  return {
    thingIndexingMode: mode === "REGISTRY" || mode === "REGISTRY_AND_SHADOW" ? mode : "OFF",
    connectivity: cfg?.thingConnectivityIndexingMode === "STATUS",
    namedShadows: cfg?.namedShadowIndexingMode === "ON" ? [...(cfg.filter?.namedShadowNames ?? [])] : [],
    managedFields: toFields(cfg?.managedFields),
    customFields: toFields(cfg?.customFields),
  };
}

export type IndexStatus = "ACTIVE" | "BUILDING" | "REBUILDING";

export function toIndexStatus(out: DescribeIndexResponse): IndexStatus | null {
  const s = out.indexStatus;
  return s === "ACTIVE" || s === "BUILDING" || s === "REBUILDING" ? s : null;
}

export interface IndexStatistics {
  count: number;
  average?: number;
  sum?: number;
  minimum?: number;
  maximum?: number;
  stdDeviation?: number;
}

const finite = (n: number | undefined | null): n is number => typeof n === "number" && Number.isFinite(n);

/** A String field yields only `count`; Number and Boolean fields the rest too (AWS's semantics). */
export function toStatistics(s: Statistics | undefined): IndexStatistics {
  const out: IndexStatistics = { count: finite(s?.count) ? s.count : 0 };
  for (const k of ["average", "sum", "minimum", "maximum", "stdDeviation"] as const) {
    const v = s?.[k];
    if (finite(v)) out[k] = v;
  }
  return out;
}

/** The AWS request id of a successful SDK answer or of the SDK error behind an AppError. */
export function awsRequestIdOf(value: unknown): string | null {
  const seen = new Set<unknown>();
  let v: unknown = value;
  while (typeof v === "object" && v !== null && !seen.has(v)) {
    seen.add(v);
    const id = (v as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
    if (typeof id === "string" && id) return id;
    v = (v as { cause?: unknown }).cause;
  }
  return null;
}

// ---------------------------------------------------------------- errors

const QUERY_ERRORS: Record<string, string> = {
  InvalidQueryException: "AWS IoT rejected the query. Check its syntax: the editor marks the first error.",
  InvalidAggregationException:
    "This field cannot be aggregated. Aggregate on a managed field or a custom field declared in the indexing configuration (Number for statistics and percentiles).",
  ResourceNotFoundException: "Fleet indexing is not enabled for things. An admin can turn it on in the indexing configuration.",
};

/** The generic taxonomy message is right for most calls; a search deserves a more precise one. */
async function indexCall<T>(operation: string, call: Parameters<typeof aws<T>>[1], opts?: AwsCallOptions): Promise<T> {
  try {
    return await aws(operation, call, opts);
  } catch (err) {
    const name = (err as { cause?: { name?: unknown } }).cause?.name;
    if (err instanceof AppError && typeof name === "string" && QUERY_ERRORS[name]) {
      throw new AppError(err.code, QUERY_ERRORS[name], { cause: err.cause });
    }
    throw err;
  }
}

// ---------------------------------------------------------------- calls

export interface SearchIndexPage {
  things: ThingSearchRow[];
  nextToken: string | null;
}

/** One SearchIndex page over AWS_Things (maxResults at most 100). */
export async function searchIndex(
  query: string,
  opts: { nextToken?: string | null; maxResults?: number; signal?: AbortSignal; afterResponse?: boolean } = {},
): Promise<SearchIndexPage> {
  const out = await indexCall(
    "SearchIndex",
    (c) =>
      c.send(
        new SearchIndexCommand({ indexName: THINGS_INDEX, queryString: query, nextToken: opts.nextToken || undefined, maxResults: opts.maxResults ?? 100 }),
        { abortSignal: opts.signal },
      ),
    { afterResponse: opts.afterResponse },
  );
  return { things: (out.things ?? []).map(toSearchRow), nextToken: normalizeToken(out.nextToken) };
}

export async function getIndexingConfiguration(): Promise<IndexingConfig> {
  return toIndexingConfig(await indexCall("GetIndexingConfiguration", (c) => c.send(new GetIndexingConfigurationCommand({}))));
}

/** The things index's status; null when it does not exist (indexing off). */
export async function describeThingsIndex(): Promise<IndexStatus | null> {
  try {
    return toIndexStatus(await aws("DescribeIndex", (c) => c.send(new DescribeIndexCommand({ indexName: THINGS_INDEX }))));
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** GetStatistics; without a field AWS aggregates `registry.version`, which every thing has (a count). */
export async function getStatistics(query: string, field?: string): Promise<IndexStatistics> {
  const out = await indexCall("GetStatistics", (c) => c.send(new GetStatisticsCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field })));
  return toStatistics(out.statistics);
}

export async function getCardinality(query: string, field: string): Promise<number> {
  const out = await indexCall("GetCardinality", (c) => c.send(new GetCardinalityCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field })));
  return finite(out.cardinality) ? out.cardinality : 0;
}

export async function getPercentiles(query: string, field: string, percents?: number[]): Promise<Array<{ percent: number; value: number }>> {
  const out = await indexCall("GetPercentiles", (c) =>
    c.send(new GetPercentilesCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field, percents })),
  );
  return (out.percentiles ?? []).filter((p) => finite(p.percent) && finite(p.value)).map((p) => ({ percent: p.percent!, value: p.value! }));
}

export async function getBucketsAggregation(query: string, field: string, maxBuckets: number): Promise<{ totalCount: number; buckets: Array<{ key: string; count: number }> }> {
  const out = await indexCall("GetBucketsAggregation", (c) =>
    c.send(
      new GetBucketsAggregationCommand({
        indexName: THINGS_INDEX,
        queryString: query,
        aggregationField: field,
        bucketsAggregationType: { termsAggregation: { maxBuckets } },
      }),
    ),
  );
  return {
    totalCount: finite(out.totalCount) ? out.totalCount : 0,
    buckets: (out.buckets ?? []).map((b) => ({ key: String(b.keyValue ?? ""), count: finite(b.count) ? b.count : 0 })),
  };
}

export interface CreatedDynamicGroup {
  name: string;
  arn: string | null;
  id: string | null;
  /** For the audit trail. */
  awsRequestId: string | null;
}

export async function createDynamicThingGroup(input: { name: string; query: string; description?: string }): Promise<CreatedDynamicGroup> {
  const out = await indexCall("CreateDynamicThingGroup", (c) =>
    c.send(
      new CreateDynamicThingGroupCommand({
        thingGroupName: input.name,
        queryString: input.query,
        indexName: THINGS_INDEX,
        thingGroupProperties: input.description ? { thingGroupDescription: input.description } : undefined,
      }),
    ),
  );
  return { name: out.thingGroupName ?? input.name, arn: out.thingGroupArn ?? null, id: out.thingGroupId ?? null, awsRequestId: awsRequestIdOf(out) };
}

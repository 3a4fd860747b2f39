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
import type { IndexFieldType, IndexingConfig, ThingSearchRow } from "@/lib/fleet-index/types";
import { normalizeToken } from "@/lib/things/paging";
import type { ReadSpec } from "./call-policy";
import { aws, readIot, readIotWithMeta } from "./client";
import { toAppError } from "./errors";

/**
 * Fleet indexing (SearchIndex, the aggregations, the indexing configuration) and dynamic
 * thing groups, in the console's own types. Each function is one SDK call through the
 * fleet-index budget (below).
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

// ---------------------------------------------------------------- calls

/**
 * Every read below spends the fleet-index budget (lib/aws/budgets.ts: rate limit,
 * short-lived cache with coalescing, retry on throttling), so search, drift and anything
 * else share the account's fleet-index quota and each other's answers.
 */
const indexRead = (operation: string, key: Record<string, unknown>, extra: Partial<ReadSpec> = {}): ReadSpec => ({
  operation,
  budget: "fleetIndex",
  key,
  ...extra,
});

export interface SearchIndexPage {
  things: ThingSearchRow[];
  nextToken: string | null;
  /** Answered from the budget's cache or by an identical call in flight. */
  cached: boolean;
}

export interface SearchIndexOptions {
  nextToken?: string | null;
  maxResults?: number;
  signal?: AbortSignal;
  afterResponse?: boolean;
  /** Share and reuse the answer (default true); an export reads each page once and passes false. */
  cache?: boolean;
}

/** One SearchIndex page over AWS_Things (maxResults at most 100). */
export async function searchIndex(query: string, opts: SearchIndexOptions = {}): Promise<SearchIndexPage> {
  const maxResults = opts.maxResults ?? 100;
  const nextToken = opts.nextToken || undefined;
  const { value, cached } = await readIotWithMeta(
    indexRead("SearchIndex", { queryString: query, nextToken, maxResults }, { coalesce: opts.cache !== false, signal: opts.signal }),
    // Only the signal the gate passes: a shared call serves every caller, not the first one's abort.
    (c, signal) => c.send(new SearchIndexCommand({ indexName: THINGS_INDEX, queryString: query, nextToken, maxResults }), { abortSignal: signal }),
    { afterResponse: opts.afterResponse },
  );
  return { things: (value.things ?? []).map(toSearchRow), nextToken: normalizeToken(value.nextToken), cached };
}

export async function getIndexingConfiguration(): Promise<IndexingConfig> {
  return toIndexingConfig(await readIot(indexRead("GetIndexingConfiguration", {}), (c) => c.send(new GetIndexingConfigurationCommand({}))));
}

/** The things index's status; null when it does not exist (indexing off). */
export async function describeThingsIndex(): Promise<IndexStatus | null> {
  return readIot(indexRead("DescribeIndex", {}), async (c) => {
    try {
      return toIndexStatus(await c.send(new DescribeIndexCommand({ indexName: THINGS_INDEX })));
    } catch (err) {
      if (toAppError(err, { operation: "DescribeIndex" }).code === "not_found") return null;
      throw err;
    }
  });
}

/** GetStatistics; without a field AWS aggregates `registry.version`, which every thing has (a count). */
export async function getStatistics(query: string, field?: string): Promise<IndexStatistics> {
  const out = await readIot(indexRead("GetStatistics", { queryString: query, field }), (c) =>
    c.send(new GetStatisticsCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field })),
  );
  return toStatistics(out.statistics);
}

export async function getCardinality(query: string, field: string): Promise<number> {
  const out = await readIot(indexRead("GetCardinality", { queryString: query, field }), (c) =>
    c.send(new GetCardinalityCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field })),
  );
  return finite(out.cardinality) ? out.cardinality : 0;
}

export async function getPercentiles(query: string, field: string, percents?: number[]): Promise<Array<{ percent: number; value: number }>> {
  const out = await readIot(indexRead("GetPercentiles", { queryString: query, field, percents }), (c) =>
    c.send(new GetPercentilesCommand({ indexName: THINGS_INDEX, queryString: query, aggregationField: field, percents })),
  );
  return (out.percentiles ?? []).filter((p) => finite(p.percent) && finite(p.value)).map((p) => ({ percent: p.percent!, value: p.value! }));
}

export async function getBucketsAggregation(
  query: string,
  field: string,
  maxBuckets: number,
): Promise<{ totalCount: number; buckets: Array<{ key: string; count: number }> }> {
  const out = await readIot(indexRead("GetBucketsAggregation", { queryString: query, field, maxBuckets }), (c) =>
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
  const out = await aws(
    "CreateDynamicThingGroup",
    (c) =>
      c.send(
        new CreateDynamicThingGroupCommand({
          thingGroupName: input.name,
          queryString: input.query,
          indexName: THINGS_INDEX,
          thingGroupProperties: input.description ? { thingGroupDescription: input.description } : undefined,
        }),
      ),
    { subject: input.name },
  );
  return { name: out.thingGroupName ?? input.name, arn: out.thingGroupArn ?? null, id: out.thingGroupId ?? null, awsRequestId: awsRequestIdOf(out) };
}

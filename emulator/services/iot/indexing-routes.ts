import type { Router } from "../../server/router";
import { AwsError, invalid, notFound } from "../../server/errors";
import { describeConfig, GROUPS_INDEX, MAX_SEARCH_RESULTS, schemaOf, THINGS_INDEX } from "../../index/config";
import { popcount } from "../../index/bitset";
import { buckets, cardinality, DEFAULT_PERCENTS, percentiles, statistics } from "../../index/aggregate";
import { bodyOf } from "./validation";
import { pageLimit } from "./pagination";
import type { FleetIndexing } from "./indexing";

/**
 * The fleet-indexing operations of the `iot` control plane, as the AWS model shapes them:
 * GetIndexingConfiguration / UpdateIndexingConfiguration (`/indexing/config`),
 * DescribeIndex and ListIndices (`/indices`), SearchIndex (`POST /indices/search`) and the
 * aggregations (`POST /indices/statistics|cardinality|percentiles|buckets`).
 */

function validation(value: unknown, member: string, constraint: string): AwsError {
  const shown = value === null || value === undefined ? "null" : typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function requireQueryString(body: Record<string, unknown>): string {
  const q = body.queryString;
  if (q === undefined || q === null) throw validation(null, "queryString", "Member must not be null");
  if (typeof q !== "string" || q.length < 1) throw validation(q, "queryString", "Member must have length greater than or equal to 1");
  return q;
}

function indexNameOf(body: Record<string, unknown>): string {
  const n = body.indexName;
  if (n === undefined || n === null) return THINGS_INDEX;
  if (typeof n !== "string" || n.length < 1 || n.length > 128 || !/^[a-zA-Z0-9:_-]+$/.test(n)) {
    throw validation(
      n,
      "indexName",
      "Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
    );
  }
  return n;
}

function aggregationField(body: Record<string, unknown>, required: boolean): string {
  const f = body.aggregationField;
  if (f === undefined || f === null) {
    if (required) throw validation(null, "aggregationField", "Member must not be null");
    return "registry.version";
  }
  if (typeof f !== "string" || f.length < 1) throw validation(f, "aggregationField", "Member must have length greater than or equal to 1");
  return f;
}

/** SearchIndex's request, parsed and checked against the model's constraints. */
export interface SearchIndexInput {
  indexName: string;
  queryString: string;
  maxResults: number;
  nextToken?: string;
}

export function parseSearchIndex(body: Record<string, unknown>): SearchIndexInput {
  const queryString = requireQueryString(body);
  const indexName = indexNameOf(body);
  const max = body.maxResults;
  if (max !== undefined && max !== null && (typeof max !== "number" || !Number.isInteger(max) || max < 1)) {
    throw validation(max, "maxResults", "Member must have value greater than or equal to 1");
  }
  const maxResults = typeof max === "number" ? max : MAX_SEARCH_RESULTS;
  const nextToken = typeof body.nextToken === "string" && body.nextToken !== "" ? body.nextToken : undefined;
  return { indexName, queryString, maxResults, nextToken };
}

export function registerIndexingRoutes(router: Router, fi: FleetIndexing): void {
  router.add("GetIndexingConfiguration", "GET", "/indexing/config", () => ({ body: describeConfig(fi.config) }));

  router.add("UpdateIndexingConfiguration", "POST", "/indexing/config", (ctx) => {
    fi.update(bodyOf(ctx));
    return { body: {} };
  });

  router.add("DescribeIndex", "GET", "/indices/{indexName}", (ctx) => {
    const name = ctx.params.indexName;
    if (name === THINGS_INDEX && fi.thingIndexOn) {
      return { body: { indexName: name, indexStatus: fi.thingIndexStatus(), schema: schemaOf(fi.config.thing) } };
    }
    if (name === GROUPS_INDEX && fi.groupIndexOn) {
      return { body: { indexName: name, indexStatus: fi.groupIndexStatus(), schema: "REGISTRY" } };
    }
    throw notFound(`Index ${name} does not exist`);
  });

  router.add("ListIndices", "GET", "/indices", (ctx) => {
    const limit = pageLimit(ctx, "maxResults", 500, 500);
    const names = [...(fi.thingIndexOn ? [THINGS_INDEX] : []), ...(fi.groupIndexOn ? [GROUPS_INDEX] : [])].sort();
    const token = ctx.query.get("nextToken");
    const after = token ? Buffer.from(token, "base64").toString("utf8") : undefined;
    const rest = after === undefined ? names : names.filter((n) => n > after);
    const page = rest.slice(0, limit);
    const more = rest.length > limit;
    return { body: { indexNames: page, ...(more ? { nextToken: Buffer.from(page[page.length - 1], "utf8").toString("base64") } : {}) } };
  });

  router.add("SearchIndex", "POST", "/indices/search", (ctx) => ({ body: fi.search(parseSearchIndex(bodyOf(ctx))) }));

  router.add("GetStatistics", "POST", "/indices/statistics", (ctx) => {
    const body = bodyOf(ctx);
    const out = fi.aggregate(indexNameOf(body), requireQueryString(body), aggregationField(body, false), statistics);
    return { body: { statistics: out } };
  });

  router.add("GetCardinality", "POST", "/indices/cardinality", (ctx) => {
    const body = bodyOf(ctx);
    return { body: { cardinality: fi.aggregate(indexNameOf(body), requireQueryString(body), aggregationField(body, false), cardinality) } };
  });

  router.add("GetPercentiles", "POST", "/indices/percentiles", (ctx) => {
    const body = bodyOf(ctx);
    const percents = percentsOf(body.percents);
    const field = aggregationField(body, false);
    const out = fi.aggregate(indexNameOf(body), requireQueryString(body), field, (bits, column, type) => {
      if (type !== "Number") throw new AwsError("InvalidAggregationException", `Percentiles need a Number field; ${field} is a ${type} field`);
      return percentiles(bits, column, percents);
    });
    return { body: { percentiles: out } };
  });

  router.add("GetBucketsAggregation", "POST", "/indices/buckets", (ctx) => {
    const body = bodyOf(ctx);
    const field = aggregationField(body, true);
    const kind = body.bucketsAggregationType as { termsAggregation?: { maxBuckets?: unknown } } | undefined;
    if (kind === undefined || kind === null) throw validation(null, "bucketsAggregationType", "Member must not be null");
    const maxBuckets = kind.termsAggregation?.maxBuckets ?? 10;
    if (typeof maxBuckets !== "number" || !Number.isInteger(maxBuckets) || maxBuckets < 1 || maxBuckets > 10000) {
      throw validation(
        maxBuckets,
        "bucketsAggregationType.termsAggregation.maxBuckets",
        "Member must have value less than or equal to 10000, Member must have value greater than or equal to 1",
      );
    }
    const out = fi.aggregate(indexNameOf(body), requireQueryString(body), field, (bits, column, type) => ({
      totalCount: popcount(bits),
      buckets: buckets(bits, column, type, maxBuckets),
    }));
    return { body: out };
  });
}

/** GetPercentiles `percents`: up to 100 values in 0..100; default 1, 5, 25, 50, 75, 95, 99. */
function percentsOf(value: unknown): number[] {
  if (value === undefined || value === null) return DEFAULT_PERCENTS;
  if (!Array.isArray(value)) throw invalid("percents must be a list of numbers");
  if (value.length > 100) throw validation(value.length, "percents", "Member must have at most 100 elements");
  return value.map((p, i) => {
    if (typeof p !== "number" || !(p >= 0 && p <= 100)) {
      throw validation(p, `percents.${i + 1}.member`, "Member must have value less than or equal to 100, Member must have value greater than or equal to 0");
    }
    return p;
  });
}

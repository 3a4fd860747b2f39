import { describe, expect, it } from "vitest";
import { aggregateParams, countParams, exportParams, searchPageParams } from "./request-params";

describe("search route parameters", () => {
  it("reads a page request with defaults", () => {
    expect(searchPageParams.parse({ q: " attributes.os:linux " })).toEqual({ q: "attributes.os:linux", pageSize: 100 });
    expect(searchPageParams.parse({ q: "*", nextToken: "abc", pageSize: "25" })).toEqual({ q: "*", nextToken: "abc", pageSize: 25 });
  });

  it("refuses a missing, malformed or oversized request with a message for a person", () => {
    expect(countParams.safeParse({}).error?.issues[0]?.message).toMatch(/\?q=/);
    expect(searchPageParams.safeParse({ q: "*", pageSize: "500" }).success).toBe(false);
    expect(searchPageParams.safeParse({ q: "*", pageSize: "1.5" }).success).toBe(false);
    expect(searchPageParams.safeParse({ q: "*", extra: "1" }).success).toBe(false);
    expect(searchPageParams.safeParse({ q: "*", nextToken: "has space" }).success).toBe(false);
  });

  it("checks the query with the fleet query grammar, naming the position", () => {
    const r = countParams.safeParse({ q: "attributes.os:(linux OR" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/^Invalid query: .*character|end of the query/);
  });

  it("reads aggregation requests", () => {
    expect(aggregateParams.parse({ q: "*", field: "attributes.os", type: "buckets", maxBuckets: "20" })).toEqual({
      q: "*",
      field: "attributes.os",
      type: "buckets",
      maxBuckets: 20,
    });
    expect(aggregateParams.parse({ q: "*", field: "attributes.cpu", type: "percentiles", percents: "1, 50,99.9" }).percents).toEqual([1, 50, 99.9]);
    expect(aggregateParams.safeParse({ q: "*", field: "attributes.cpu", type: "percentiles", percents: "101" }).success).toBe(false);
    expect(aggregateParams.safeParse({ q: "*", field: "attributes.cpu", type: "median" }).success).toBe(false);
    expect(aggregateParams.safeParse({ q: "*", field: "a b", type: "cardinality" }).success).toBe(false);
  });

  it("reads export requests: CSV by default, columns as a list", () => {
    expect(exportParams.parse({ q: "*" })).toEqual({ q: "*", format: "csv", columns: [] });
    expect(exportParams.parse({ q: "*", format: "jsonl", columns: "thingName,attributes.os" })).toEqual({
      q: "*",
      format: "jsonl",
      columns: ["thingName", "attributes.os"],
    });
    expect(exportParams.safeParse({ q: "*", format: "xlsx" }).success).toBe(false);
    expect(exportParams.safeParse({ q: "*", columns: "bad column" }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { newBits, setBit } from "./bitset";
import type { Value } from "./flatten";
import { FieldIndex } from "./postings";
import { buckets, cardinality, DEFAULT_PERCENTS, percentiles, statistics, type ValueColumn } from "./aggregate";

const values: Array<Value | undefined> = [10, 20, "30", "abc", true, undefined, 40, ["x", "y"], 20, "false"];
const all = newBits(64);
values.forEach((_, i) => setBit(all, i));

// The same values two ways: a field with per-value bitsets (aggregations count by
// popcount) and a bare column (aggregations walk the documents).
const field = new FieldIndex("f", "test", false, 16, true);
values.forEach((v, doc) => v !== undefined && field.load(doc, v));
field.finishLoad();
const column: ValueColumn = { get: (doc) => values[doc] };

describe.each([
  ["per-value bitsets", field as ValueColumn],
  ["a pass over the documents", column],
])("aggregations from %s", (_, col) => {
  it("GetStatistics: Number uses only numbers (numeric strings included)", () => {
    const s = statistics(all, col, "Number");
    expect(s.count).toBe(5); // 10, 20, "30", 40, 20
    expect(s.sum).toBe(120);
    expect(s.minimum).toBe(10);
    expect(s.maximum).toBe(40);
    expect(s.average).toBe(24);
    expect(s.sumOfSquares).toBe(100 + 400 + 900 + 1600 + 400);
    expect(s.variance).toBeCloseTo(3400 / 5 - 24 * 24);
    expect(s.stdDeviation).toBeCloseTo(Math.sqrt(3400 / 5 - 576));
  });

  it("GetStatistics: String answers only the count; Boolean counts true as 1", () => {
    expect(statistics(all, col, "String")).toEqual({ count: 10 });
    const b = statistics(all, col, "Boolean");
    expect(b).toMatchObject({ count: 2, sum: 1, minimum: 0, maximum: 1, average: 0.5 });
    expect(statistics(newBits(64), col, "Number")).toEqual({ count: 0 });
  });

  it("GetCardinality and GetPercentiles", () => {
    expect(cardinality(all, col, "Number")).toBe(4);
    expect(cardinality(newBits(64), col, "String")).toBe(0);
    const p = percentiles(all, col, [0, 50, 100, 25]);
    expect(p).toEqual([
      { percent: 0, value: 10 },
      { percent: 50, value: 20 },
      { percent: 100, value: 40 },
      { percent: 25, value: 20 },
    ]);
    expect(percentiles(all, col, DEFAULT_PERCENTS).map((x) => x.percent)).toEqual([1, 5, 25, 50, 75, 95, 99]);
    expect(percentiles(newBits(64), col, DEFAULT_PERCENTS)).toEqual([]);
  });

  it("GetBucketsAggregation: string keys, most frequent first, at most maxBuckets", () => {
    expect(buckets(all, col, "Number", 10)).toEqual([
      { keyValue: "20", count: 2 },
      { keyValue: "10", count: 1 },
      { keyValue: "30", count: 1 },
      { keyValue: "40", count: 1 },
    ]);
    expect(buckets(all, col, "Boolean", 10)).toEqual([
      { keyValue: "false", count: 1 },
      { keyValue: "true", count: 1 },
    ]);
    expect(buckets(all, col, "String", 2)).toEqual([
      { keyValue: "20", count: 2 },
      { keyValue: "10", count: 1 },
    ]);
  });
});

describe("interpolated percentiles", () => {
  it("interpolates between ranks", () => {
    const col: ValueColumn = { get: (d) => [1, 2, 3, 4][d] };
    const bits = newBits(8);
    for (let d = 0; d < 4; d++) setBit(bits, d);
    expect(percentiles(bits, col, [50])).toEqual([{ percent: 50, value: 2.5 }]);
  });
});

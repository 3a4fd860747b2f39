import { forEachBit, type Bits } from "./bitset";
import type { FieldType } from "./config";
import type { Scalar, Value } from "./flatten";
import { numberOf } from "./postings";

/**
 * The aggregation queries over the things a query matches (developer guide "Querying for
 * aggregate data"): GetStatistics, GetCardinality, GetPercentiles, GetBucketsAggregation.
 * Values are read as the aggregation field's declared type; a value that does not fit
 * the type is ignored ("If there is a type inconsistency between a custom field in your
 * configuration and the value being indexed, the Fleet Indexing service ignores the
 * inconsistent value for aggregation queries").
 */

export interface ValueColumn {
  get(doc: number): Value | undefined;
  /** Matching documents per distinct value, when the column can count them without a pass over the documents. */
  histogram?(bits: Bits): Array<[Scalar, number]> | null;
}

/**
 * Each value (as the type) with its number of matching documents: from the column's
 * per-value bitsets when it has them, else by a pass over the documents (then a value
 * repeated in one document's array counts once per occurrence).
 */
function weightedValues(bits: Bits, column: ValueColumn | undefined, type: FieldType): Array<[string | number, number]> {
  const hist = column?.histogram?.(bits);
  if (hist) {
    const out: Array<[string | number, number]> = [];
    for (const [v, c] of hist) {
      const x = asType(v, type);
      if (x !== null) out.push([x, c]);
    }
    return out;
  }
  const counts = new Map<string | number, number>();
  eachValue(bits, column, type, (x) => counts.set(x, (counts.get(x) ?? 0) + 1));
  return [...counts];
}

/** The value as the declared type, or null when it does not fit. */
function asType(v: Scalar, type: FieldType): string | number | null {
  switch (type) {
    case "Number":
      return numberOf(v);
    case "Boolean":
      if (v === true || v === false) return v ? 1 : 0;
      if (typeof v === "string") {
        const k = v.toLowerCase();
        return k === "true" ? 1 : k === "false" ? 0 : null;
      }
      return null;
    case "String":
      return typeof v === "string" ? v : String(v);
  }
}

/** Calls `fn` for each value (as the type) of each matching document; array elements one by one. */
function eachValue(bits: Bits, column: ValueColumn | undefined, type: FieldType, fn: (x: string | number, doc: number) => void): void {
  if (!column) return;
  forEachBit(bits, (doc) => {
    const v = column.get(doc);
    if (v === undefined) return;
    if (Array.isArray(v)) {
      for (const s of v as Scalar[]) {
        const x = asType(s, type);
        if (x !== null) fn(x, doc);
      }
    } else {
      const x = asType(v as Scalar, type);
      if (x !== null) fn(x, doc);
    }
  });
}

export interface Statistics {
  count: number;
  average?: number;
  sum?: number;
  minimum?: number;
  maximum?: number;
  sumOfSquares?: number;
  variance?: number;
  stdDeviation?: number;
}

/**
 * GetStatistics: a String field answers only `count`; a Boolean field counts true as 1 and
 * false as 0 (average = share of true); a Number field all eight figures. `variance` is
 * the population variance.
 */
export function statistics(bits: Bits, column: ValueColumn | undefined, type: FieldType): Statistics {
  const values = weightedValues(bits, column, type);
  let count = 0;
  for (const [, c] of values) count += c;
  if (type === "String" || count === 0) return { count };
  let sum = 0;
  let sumOfSquares = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const [x, c] of values) {
    const n = x as number;
    sum += n * c;
    sumOfSquares += n * n * c;
    if (n < minimum) minimum = n;
    if (n > maximum) maximum = n;
  }
  const average = sum / count;
  const variance = Math.max(0, sumOfSquares / count - average * average);
  return { count, average, sum, minimum, maximum, sumOfSquares, variance, stdDeviation: Math.sqrt(variance) };
}

/** GetCardinality: distinct values (exact here; AWS documents an approximation). */
export function cardinality(bits: Bits, column: ValueColumn | undefined, type: FieldType): number {
  return weightedValues(bits, column, type).length;
}

export const DEFAULT_PERCENTS = [1, 5, 25, 50, 75, 95, 99];

/**
 * GetPercentiles over a Number field: linear interpolation between the closest ranks of
 * the sorted values. No matching value: an empty list.
 */
export function percentiles(bits: Bits, column: ValueColumn | undefined, percents: number[]): Array<{ percent: number; value: number }> {
  const values = (weightedValues(bits, column, "Number") as Array<[number, number]>).sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (const [, c] of values) total += c;
  if (total === 0) return [];
  // The value at a 0-based rank of the sorted (repeated) values.
  const at = (rank: number): number => {
    let seen = 0;
    for (const [x, c] of values) {
      seen += c;
      if (rank < seen) return x;
    }
    return values[values.length - 1][0];
  };
  return percents.map((percent) => {
    const rank = (percent / 100) * (total - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    const a = at(lo);
    const value = lo === hi ? a : a + (at(hi) - a) * (rank - lo);
    return { percent, value };
  });
}

/**
 * GetBucketsAggregation (terms): one bucket per value, `keyValue` always a string (numbers
 * too, as in the developer guide's example), most frequent first (ties by key), at most
 * `maxBuckets`. A document counts once per distinct value it holds.
 */
export function buckets(bits: Bits, column: ValueColumn | undefined, type: FieldType, maxBuckets: number): Array<{ keyValue: string; count: number }> {
  const counts = new Map<string, number>();
  const hist = column?.histogram?.(bits);
  if (hist) {
    for (const [v, c] of hist) {
      const x = asType(v, type);
      if (x === null) continue;
      const key = keyOf(x, type);
      counts.set(key, (counts.get(key) ?? 0) + c);
    }
  } else {
    let lastDoc = -1;
    // The keys already counted for the current document (arrays: each distinct value once).
    const inDoc: string[] = [];
    let inDocCount = 0;
    eachValue(bits, column, type, (x, doc) => {
      const key = keyOf(x, type);
      if (doc !== lastDoc) {
        lastDoc = doc;
        inDocCount = 0;
      } else {
        for (let i = 0; i < inDocCount; i++) if (inDoc[i] === key) return;
      }
      inDoc[inDocCount++] = key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxBuckets)
    .map(([keyValue, count]) => ({ keyValue, count }));
}

function keyOf(x: string | number, type: FieldType): string {
  return type === "Boolean" ? (x === 1 ? "true" : "false") : String(x);
}

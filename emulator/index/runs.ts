import { forEachBit, hasBit, type Bits } from "./bitset";
import type { Scalar, Value } from "./flatten";
import { forEachSelectedText, lowerBound, lowerBoundNum, numberOf, numberSlice, textKey, type FieldCondition } from "./keys";

/**
 * The postings of a field with many distinct values (names, ids, timestamps, counters):
 * two sorted runs, the distinct lowercased text keys in UTF-16 order and the distinct
 * numbers in numeric order, each with the ids of the documents holding it
 * (docs[starts[k] .. starts[k+1])). An equality is a binary search; a prefix or a range,
 * a contiguous slice.
 *
 * Runs are built from the field's column in a few passes over typed arrays (scratch
 * buffers are shared between builds, so a build allocates only what it keeps): values are
 * ranked, then documents placed by a counting sort.
 */

export interface Runs {
  text: { keys: string[]; starts: Uint32Array; docs: Uint32Array } | null;
  numbers: { keys: Float64Array; starts: Uint32Array; docs: Uint32Array } | null;
}

/** Up to this many distinct strings are ranked through a Map; beyond, by sorting the keys. */
const MAP_DISTINCT = 65_536;

let scratchU32A = new Uint32Array(0);
let scratchU32B = new Uint32Array(0);
let scratchF64 = new Float64Array(0);

function u32A(n: number): Uint32Array {
  if (scratchU32A.length < n) scratchU32A = new Uint32Array(Math.max(n, scratchU32A.length * 2));
  return scratchU32A;
}
function u32B(n: number): Uint32Array {
  if (scratchU32B.length < n) scratchU32B = new Uint32Array(Math.max(n, scratchU32B.length * 2));
  return scratchU32B;
}
function f64(n: number): Float64Array {
  if (scratchF64.length < n) scratchF64 = new Float64Array(Math.max(n, scratchF64.length * 2));
  return scratchF64;
}

type Column = (Value | undefined)[];

/** Calls `fn` for every non-number scalar of the column (array elements one by one). */
function forEachText(present: Bits, obj: Column, fn: (s: string | boolean, doc: number) => void): void {
  forEachBit(present, (doc) => {
    const v = obj[doc];
    if (v === undefined) return;
    if (Array.isArray(v)) {
      for (const s of v as Scalar[]) if (typeof s !== "number") fn(s, doc);
    } else if (typeof v !== "number") fn(v as string | boolean, doc);
  });
}

/** Calls `fn` for every number of the field: the number column, numbers in arrays, and strings written as numbers. */
function forEachNumber(present: Bits, obj: Column | null, num: Float64Array | null, fn: (n: number, doc: number) => void): void {
  forEachBit(present, (doc) => {
    if (num !== null) {
      const n = num[doc];
      if (n === n) {
        fn(n, doc);
        return;
      }
    }
    const v = obj === null ? undefined : obj[doc];
    if (v === undefined) return;
    if (Array.isArray(v)) {
      for (const s of v as Scalar[]) {
        const n = numberOf(s);
        if (n !== null) fn(n, doc);
      }
    } else if (typeof v === "string") {
      const n = numberOf(v);
      if (n !== null) fn(n, doc);
    }
  });
}

export function buildRuns(present: Bits, obj: Column | null, num: Float64Array | null): Runs {
  return { text: obj ? buildTextRun(present, obj) : null, numbers: buildNumberRun(present, obj, num) };
}

function buildTextRun(present: Bits, obj: Column): Runs["text"] {
  const slots = new Map<string | boolean, number>();
  let pairs = 0;
  let viaMap = true;
  forEachText(present, obj, (s) => {
    pairs++;
    if (viaMap && !slots.has(s)) {
      // Mostly distinct values (names, ids) are sorted instead: decide early.
      if (slots.size === MAP_DISTINCT || (slots.size > 4096 && slots.size * 2 > pairs)) {
        viaMap = false;
        slots.clear();
      } else slots.set(s, 0);
    }
  });
  if (pairs === 0) return null;
  const ranks = u32A(pairs);
  const docs = u32B(pairs);
  let keys: string[];
  let i = 0;
  if (viaMap) {
    // Each distinct original is lowercased once; "Linux" and "linux" share a key.
    const originals = [...slots.keys()];
    const lowered = originals.map((o) => textKey(o)!);
    keys = [...new Set(lowered)].sort();
    const rankOfKey = new Map(keys.map((k, r) => [k, r]));
    originals.forEach((o, r) => slots.set(o, rankOfKey.get(lowered[r])!));
    forEachText(present, obj, (s, doc) => {
      ranks[i] = slots.get(s)!;
      docs[i++] = doc;
    });
  } else {
    // Names and ids: sort the lowercased keys natively, then rank by binary search.
    const lowered: string[] = new Array(pairs);
    forEachText(present, obj, (s, doc) => {
      lowered[i] = textKey(s)!;
      docs[i++] = doc;
    });
    const sorted = lowered.slice().sort();
    keys = [];
    let prev: string | undefined;
    for (const k of sorted) {
      if (k !== prev) keys.push(k);
      prev = k;
    }
    for (let j = 0; j < pairs; j++) ranks[j] = lowerBound(keys, lowered[j]);
  }
  return { keys, ...countingSort(ranks, docs, pairs, keys.length) };
}

function buildNumberRun(present: Bits, obj: Column | null, num: Float64Array | null): Runs["numbers"] {
  let pairs = 0;
  forEachNumber(present, obj, num, () => pairs++);
  if (pairs === 0) return null;
  const vals = f64(pairs * 2);
  const docs = u32B(pairs);
  let i = 0;
  forEachNumber(present, obj, num, (n, doc) => {
    vals[i] = n;
    docs[i++] = doc;
  });
  // Distinct values: sort a copy (in the second half of the scratch buffer), deduplicate.
  const sorted = vals.subarray(pairs, pairs * 2);
  sorted.set(vals.subarray(0, pairs));
  sorted.sort();
  let k = 0;
  for (let j = 0; j < pairs; j++) if (j === 0 || sorted[j] !== sorted[k - 1]) sorted[k++] = sorted[j];
  const keys = sorted.slice(0, k);
  const ranks = u32A(pairs);
  for (let j = 0; j < pairs; j++) ranks[j] = lowerBoundNum(keys, vals[j]);
  return { keys, ...countingSort(ranks, docs, pairs, k) };
}

/** Places each doc at the slot of its key's rank; docs keep their ascending order within a key. */
function countingSort(ranks: Uint32Array, docs: Uint32Array, m: number, k: number): { starts: Uint32Array; docs: Uint32Array } {
  const starts = new Uint32Array(k + 1);
  for (let i = 0; i < m; i++) starts[ranks[i] + 1]++;
  for (let r = 0; r < k; r++) starts[r + 1] += starts[r];
  const out = new Uint32Array(m);
  const next = starts.slice(0, k);
  for (let i = 0; i < m; i++) out[next[ranks[i]]++] = docs[i];
  return { starts, docs: out };
}

/** ORs into `out` the documents of the selected keys, skipping those in `skip` (changed since the build). */
export function matchRuns(runs: Runs, cond: FieldCondition, skip: Bits | null, out: Bits): void {
  const text = runs.text;
  if (cond.text && text) {
    forEachSelectedText(text.keys, cond.text, (from, to) => addDocs(text.docs, text.starts[from], text.starts[to], skip, out));
  }
  const numbers = runs.numbers;
  if (cond.number && numbers) {
    const [a, b] = numberSlice(numbers.keys, cond.number);
    if (a < b) addDocs(numbers.docs, numbers.starts[a], numbers.starts[b], skip, out);
  }
}

function addDocs(docs: Uint32Array, from: number, to: number, skip: Bits | null, out: Bits): void {
  if (skip === null) {
    for (let j = from; j < to; j++) {
      const d = docs[j];
      out[d >>> 5] |= 1 << (d & 31);
    }
    return;
  }
  for (let j = from; j < to; j++) {
    const d = docs[j];
    if (!hasBit(skip, d)) out[d >>> 5] |= 1 << (d & 31);
  }
}

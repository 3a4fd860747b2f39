import { parseJsonNumber } from "../../lib/fleet-query/values";
import type { Scalar, Value } from "./flatten";

/**
 * How values are searched: every string or boolean by a lowercased text key (search is
 * case-insensitive), and every number, or string written as a JSON number, by its numeric
 * value. A leaf of a query selects keys (an equality, a range, a prefix) and carries the
 * same condition as a test on one value, for documents checked one by one.
 */

/** The lowercased key a string or boolean is searched by; numbers have none (see numberOf). */
export function textKey(v: Scalar): string | null {
  if (typeof v === "string") return v.toLowerCase();
  if (typeof v === "boolean") return v ? "true" : "false";
  return null;
}

/** The value as a number when it is one: a JSON number, or a string written as one. */
export function numberOf(v: Scalar): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const c = v.charCodeAt(0);
    // Cheap pre-check before the regular expression: JSON numbers start with a digit or '-'.
    return (c >= 48 && c <= 57) || c === 45 ? parseJsonNumber(v) : null;
  }
  return null;
}

/** Which text keys a leaf selects. */
export type TextSelector =
  | { kind: "eq"; key: string }
  | { kind: "range"; lo: string | null; loInclusive: boolean; hi: string | null; hiInclusive: boolean }
  /** Keys starting with `prefix` ("" = all keys), further filtered by `test` when given. */
  | { kind: "prefix"; prefix: string; test: ((key: string) => boolean) | null };

/** Which numeric keys a leaf selects. */
export type NumberSelector = { kind: "eq"; n: number } | { kind: "range"; lo: number | null; loInclusive: boolean; hi: number | null; hiInclusive: boolean };

/** A leaf condition on one field: the keys it selects, and the same condition on one value. */
export interface FieldCondition {
  text?: TextSelector;
  number?: NumberSelector;
  test(v: Scalar): boolean;
}

export function valueMatches(v: Value, test: (s: Scalar) => boolean): boolean {
  if (Array.isArray(v)) {
    for (const s of v as Scalar[]) if (test(s)) return true;
    return false;
  }
  return test(v as Scalar);
}

/** Calls `fn` with each selected key index of sorted text keys. */
export function forEachSelectedText(keys: readonly string[], sel: TextSelector, fn: (from: number, to: number) => void): void {
  const [a, b] = textSlice(keys, sel);
  if (sel.kind === "prefix" && sel.test) {
    for (let k = a; k < b; k++) if (sel.test(keys[k])) fn(k, k + 1);
  } else if (a < b) fn(a, b);
}

/** [first, end) indexes of the sorted keys a text selector covers (before a prefix's test). */
export function textSlice(keys: readonly string[], sel: TextSelector): [number, number] {
  switch (sel.kind) {
    case "eq": {
      const i = lowerBound(keys, sel.key);
      return keys[i] === sel.key ? [i, i + 1] : [0, 0];
    }
    case "range": {
      const a = sel.lo === null ? 0 : sel.loInclusive ? lowerBound(keys, sel.lo) : upperBound(keys, sel.lo);
      const b = sel.hi === null ? keys.length : sel.hiInclusive ? upperBound(keys, sel.hi) : lowerBound(keys, sel.hi);
      return [a, Math.max(a, b)];
    }
    case "prefix": {
      const a = lowerBound(keys, sel.prefix);
      let b = a;
      while (b < keys.length && keys[b].startsWith(sel.prefix)) b++;
      return [a, b];
    }
  }
}

/** [first, end) indexes of the sorted numbers a selector covers. */
export function numberSlice(keys: Float64Array, sel: NumberSelector): [number, number] {
  if (sel.kind === "eq") {
    const i = lowerBoundNum(keys, sel.n);
    return i < keys.length && keys[i] === sel.n ? [i, i + 1] : [0, 0];
  }
  const a = sel.lo === null ? 0 : sel.loInclusive ? lowerBoundNum(keys, sel.lo) : upperBoundNum(keys, sel.lo);
  const b = sel.hi === null ? keys.length : sel.hiInclusive ? upperBoundNum(keys, sel.hi) : lowerBoundNum(keys, sel.hi);
  return [a, Math.max(a, b)];
}

export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function lowerBoundNum(keys: Float64Array, n: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBoundNum(keys: Float64Array, n: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

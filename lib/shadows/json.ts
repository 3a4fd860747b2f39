import { nestingOf, nestsDeeperThan } from "@/lib/json/nesting";
import * as shared from "@/lib/shadow-document";
import type { JsonObject, JsonValue } from "./types";

/**
 * Small JSON helpers for shadow documents. Keys are read as own properties only and set
 * as plain data properties: a document may hold keys such as `__proto__` or `toString`.
 */

// The shared shadow-document helpers, typed with the console's JSON types.
export const isObject = shared.isObject as (v: unknown) => v is JsonObject;

export function has(o: JsonObject | null | undefined, key: string): boolean {
  return !!o && Object.hasOwn(o, key);
}

export function get(o: JsonObject | null | undefined, key: string): JsonValue | undefined {
  return shared.own(o, key) as JsonValue | undefined;
}

export const put = shared.put as (o: JsonObject, key: string, value: JsonValue) => void;
export const deepEqual = shared.deepEqual;
export const cloneJson = shared.cloneJson as <T extends JsonValue>(v: T) => T;

/** The JSON type of a value, as an operator reads it. */
export type JsonType = "object" | "array" | "string" | "number" | "boolean" | "null";

export function jsonType(v: JsonValue): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v as "object" | "string" | "number" | "boolean";
}

/** Container nesting: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` is 2 (any depth: no recursion). */
export function depthOf(v: JsonValue): number {
  return nestingOf(v);
}

/**
 * Nesting beyond which typed or received JSON is not walked at all. The helpers here and
 * in edit/compare/conflict recurse, and JSON.stringify does too: text nested thousands of
 * levels deep (which JSON.parse accepts) would overflow the stack and break the page.
 * Far above AWS's own limit (6), so every document AWS can hold is walked as usual.
 */
export const MAX_WALKED_NESTING = 64;

export function tooDeepToWalk(v: unknown): boolean {
  return nestsDeeperThan(v, MAX_WALKED_NESTING);
}

/**
 * Structural sharing for react-query, safe for every key: `prev` itself when `next` holds
 * the same JSON, else `next` with the unchanged subtrees taken from `prev` (so what is
 * memoised on them is kept). react-query's own sharing assigns `copy[key] = …`, which for a
 * key named `__proto__` sets the copy's prototype instead of the key: the key vanished from
 * the shadows tab at the first refresh that changed anything beside it.
 */
export function shareUnchanged<T>(prev: unknown, next: T): T {
  if (prev === next) return next;
  if (Array.isArray(prev) && Array.isArray(next)) {
    let same = prev.length === next.length;
    const out = next.map((v, i) => {
      const shared = shareUnchanged(prev[i], v);
      if (shared !== prev[i]) same = false;
      return shared;
    });
    return (same ? prev : out) as T;
  }
  if (isObject(prev) && isObject(next) && Object.getPrototypeOf(next) === Object.prototype) {
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(prev).length;
    const out: JsonObject = {};
    for (const k of keys) {
      const before = Object.hasOwn(prev, k) ? prev[k] : undefined;
      const shared = shareUnchanged(before, next[k]);
      if (before === undefined || shared !== before) same = false;
      put(out, k, shared as JsonValue);
    }
    return (same ? prev : out) as T;
  }
  return next;
}

/** The path (keys, array indexes as strings) to one of the deepest points of a value. */
export function deepestPath(v: JsonValue): string[] {
  let best: string[] = [];
  let bestDepth = -1;
  const walk = (x: JsonValue, path: string[]) => {
    const d = path.length;
    if (d > bestDepth) {
      best = path;
      bestDepth = d;
    }
    if (Array.isArray(x)) x.forEach((e, i) => (Array.isArray(e) || isObject(e) ? walk(e, [...path, String(i)]) : undefined));
    else if (isObject(x)) for (const k of Object.keys(x)) if (Array.isArray(x[k]) || isObject(x[k])) walk(x[k], [...path, k]);
  };
  walk(v, []);
  return best;
}

export const utf8Bytes = shared.utf8Bytes;

/** Serialised size as AWS counts it: the JSON text of the value, UTF-8. */
export const jsonBytes = shared.jsonBytes as (v: JsonValue | null | undefined) => number;

/** A path for people: `policy.mode`, `tags[1]`, other keys quoted: `["a.b"].c`. */
export function formatPath(path: readonly string[]): string {
  let out = "";
  for (const key of path) {
    if (/^[A-Za-z_$][\w$:-]*$/.test(key)) out += out ? `.${key}` : key;
    else if (/^\d+$/.test(key) && out)
      out += `[${key}]`; // an array index (or a numeric key)
    else out += `[${JSON.stringify(key)}]`;
  }
  return out || "(root)";
}

/** A stable key for a path (for maps and React keys). */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/** Whether `a` is `b` or lies inside it, or the other way round. */
export function pathsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short, one-line rendering of a value for tables and summaries. */
export function previewValue(v: JsonValue | undefined, max = 80): string {
  if (v === undefined) return "—";
  const text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

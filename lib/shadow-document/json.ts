/**
 * JSON helpers for shadow documents, shared by the emulator, the simulator and the
 * console. Keys are read as own properties only and set as plain data properties: a
 * document may hold keys such as `__proto__` or `toString`. Pure: no Node APIs.
 */

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property only, else undefined. */
export function own(o: unknown, k: string): unknown {
  return isObject(o) && Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Sets a key as a plain data property (assignment to `__proto__` would change the prototype). */
export function put(o: JsonObject, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** A shallow copy that keeps every key as data. */
export function copyObject(o: JsonObject | null | undefined): JsonObject {
  const out: JsonObject = {};
  if (o) for (const k of Object.keys(o)) put(out, k, o[k]);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) put(out, k, cloneJson(v[k]));
    return out as T;
  }
  return v;
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Serialised size as AWS counts it: the JSON text of the value, UTF-8 (0 for none). */
export function jsonBytes(v: unknown): number {
  return v === null || v === undefined ? 0 : utf8Bytes(JSON.stringify(v));
}

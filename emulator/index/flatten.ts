/**
 * How fleet indexing turns a JSON document (a shadow's reported/desired/delta/metadata
 * sections) into searchable fields, following the developer guide's "Restrictions and
 * limitations" of managing fleet indexing:
 * - nested objects are flattened with `.`: `{"a":{"b":1}}` is the field `a.b`;
 * - a key that contains dots names the same field: `{"a.b":1}` is also `a.b`, and when
 *   both forms are present the field holds both values;
 * - a value is indexed when it is a string, number or boolean, or an array of only such
 *   values (the field then holds each element: "array contains");
 * - arrays holding objects or arrays are not indexed at all (nor, in metadata, their
 *   timestamps, which AWS keeps as arrays of objects);
 * - null is not indexed.
 */

export type Scalar = string | number | boolean;
/** A field's value in one document: one scalar, or several (an array, or colliding keys). */
export type Value = Scalar | readonly Scalar[];

/** A position in the field-name tree; `child` is cheap (no string building per document). */
export interface PathNode {
  child(key: string): PathNode;
}

export function isScalar(v: unknown): v is Scalar {
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean";
}

/** Emits every indexable leaf of `obj` under `node`. */
export function flattenJson(obj: Record<string, unknown>, node: PathNode, emit: (node: PathNode, value: Value) => void): void {
  for (const key in obj) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    if (isScalar(v)) emit(node.child(key), v);
    else if (Array.isArray(v)) {
      if (v.length > 0 && v.every(isScalar)) emit(node.child(key), v as Scalar[]);
    } else if (typeof v === "object") flattenJson(v as Record<string, unknown>, node.child(key), emit);
  }
}

/** Two values of one field are the same (so an update that changes nothing costs nothing). */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The union of two values of one field (colliding keys in one document). */
export function mergeValues(a: Value, b: Value): Value {
  const out: Scalar[] = [];
  for (const v of [a, b]) {
    if (Array.isArray(v)) out.push(...(v as Scalar[]));
    else out.push(v as Scalar);
  }
  return out;
}

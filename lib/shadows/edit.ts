import { cloneJson, deepEqual, deepestPath, depthOf, formatPath, get, isObject, jsonBytes, put, tooDeepToWalk } from "./json";
import type { JsonObject, JsonValue } from "./types";
import { SHADOW_LIMITS } from "./types";
import { mergeState } from "@/lib/shadow-document";

/**
 * Editing desired state. The operator edits the whole `desired` object as JSON; what is
 * sent is the patch from the version they started from to their text, with AWS's update
 * semantics: objects merge key by key, `null` removes a key, arrays and scalars replace
 * what was there whole. A key deleted from the text, or set to `null`, is removed.
 *
 * Before anything is sent the edit is checked against AWS IoT's limits, so the operator
 * learns what to fix in the editor instead of reading a rejection:
 * - valid JSON, and an object;
 * - no `null` inside an array (AWS refuses it);
 * - nesting of at most 6 levels, counting `desired` itself;
 * - desired + reported after the merge at most 8 KB (UTF-8, metadata not counted).
 */

export type ChangeKind = "add" | "change" | "remove";

export interface Change {
  path: string[];
  kind: ChangeKind;
  before?: JsonValue;
  after?: JsonValue;
}

export interface EditIssue {
  message: string;
  path?: string[];
}

export interface EditCheck {
  /** No errors (there may still be nothing to send: see `changes`). */
  ok: boolean;
  errors: EditIssue[];
  warnings: EditIssue[];
  /** The parsed text, when it is a JSON object. */
  edited: JsonObject | null;
  /** What would be sent as `state.desired` (null when there is nothing valid to send). */
  patch: JsonObject | null;
  changes: Change[];
  /** desired + reported after the merge, bytes (null when the text does not parse). */
  bytes: number | null;
  /** Nesting of the patch, `desired` being level 1. */
  depth: number | null;
}

/** The base an edit is made against: the sections of the version the operator started from. */
export interface EditBase {
  desired: JsonObject | null;
  reported: JsonObject | null;
}

/**
 * Drops `null` keys (and objects they leave empty) from a new subtree: they would remove
 * nothing. A `{}` written as such stays: AWS stores it (lib/shadow-document).
 */
function withoutNulls(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === null) continue;
    if (isObject(v)) {
      const inner = withoutNulls(v);
      if (Object.keys(inner).length || !Object.keys(v).length) put(out, k, inner);
    } else put(out, k, v);
  }
  return out;
}

/**
 * The update that turns `base` into `edited`: changed and new values, `null` for keys
 * the edit removes (deleted from the text or set to null). Empty when nothing changed.
 */
export function diffDesired(base: JsonObject | null | undefined, edited: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const k of Object.keys(edited)) {
    const e = edited[k];
    const b = get(base, k);
    if (e === null) {
      if (b !== undefined) put(patch, k, null);
    } else if (isObject(e)) {
      if (isObject(b)) {
        const sub = diffDesired(b, e);
        if (Object.keys(sub).length) put(patch, k, sub);
      } else {
        const fresh = withoutNulls(e);
        // `{}` is stored as written over a value that is not an object; an object whose
        // only keys are nulls is removed by AWS, so for an existing value it means "remove".
        if (Object.keys(fresh).length || !Object.keys(e).length) put(patch, k, fresh);
        else if (b !== undefined) put(patch, k, null);
      }
    } else if (b === undefined || !deepEqual(b, e)) {
      put(patch, k, cloneJson(e));
    }
  }
  if (base) for (const k of Object.keys(base)) if (!Object.hasOwn(edited, k)) put(patch, k, null);
  return patch;
}

/**
 * AWS's merge of an update into a section: objects merge key by key, `null` removes,
 * anything else (arrays included) replaces; `{}` is kept as written, an object its nulls
 * empty disappears (lib/shadow-document). Returns
 * null for an empty section. The inputs are not modified.
 */
export function applyPatch(section: JsonObject | null | undefined, patch: JsonObject): JsonObject | null {
  const out = mergeState(section, patch) as JsonObject;
  return Object.keys(out).length ? out : null;
}

/** The patch as a list of changes against `base`, for people (and the audit trail). */
export function describePatch(base: JsonObject | null | undefined, patch: JsonObject, path: string[] = []): Change[] {
  const out: Change[] = [];
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    const b = get(base, k);
    const p = [...path, k];
    if (v === null) {
      if (b !== undefined) out.push({ path: p, kind: "remove", before: b });
    } else if (isObject(v) && (isObject(b) || (b === undefined && Object.keys(v).length > 0))) out.push(...describePatch(isObject(b) ? b : null, v, p));
    else if (b === undefined) out.push({ path: p, kind: "add", after: v });
    else if (!deepEqual(b, v)) out.push({ path: p, kind: "change", before: b, after: v });
  }
  return out;
}

/** The path to a `null` inside an array, if any. */
export function nullInArray(v: JsonValue, path: string[] = [], inArray = false): string[] | null {
  if (v === null) return inArray ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = nullInArray(v[i], [...path, String(i)], true);
      if (hit) return hit;
    }
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const hit = nullInArray(v[k], [...path, k], false);
      if (hit) return hit;
    }
  }
  return null;
}

/** Keys set to `null` that exist nowhere in the base: they would remove nothing. */
function nullsRemovingNothing(base: JsonObject | null | undefined, edited: JsonObject, path: string[] = []): string[][] {
  const out: string[][] = [];
  for (const k of Object.keys(edited)) {
    const e = edited[k];
    const b = get(base, k);
    if (e === null && b === undefined) out.push([...path, k]);
    else if (isObject(e)) out.push(...nullsRemovingNothing(isObject(b) ? b : null, e, [...path, k]));
  }
  return out;
}

function parseError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `Not valid JSON: ${msg.replace(/^JSON\.parse: /, "")}`;
}

const KB = (n: number) => n.toLocaleString("en-US");

/** Checks the editor's text against the base it was started from. */
export function checkDesiredEdit(text: string, base: EditBase): EditCheck {
  const result: EditCheck = { ok: false, errors: [], warnings: [], edited: null, patch: null, changes: [], bytes: null, depth: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    result.errors.push({ message: text.trim() ? parseError(err) : "Empty. Type a JSON object, e.g. {} to remove every desired key." });
    return result;
  }
  if (!isObject(parsed)) {
    result.errors.push({ message: 'Desired state must be a JSON object: { "key": value, … }.' });
    return result;
  }
  const edited = parsed as JsonObject;
  if (tooDeepToWalk(edited)) {
    // Nothing below walks it (every check recurses); the depth alone says what is wrong.
    result.depth = depthOf(edited);
    result.errors.push({
      message: `Nested too deeply: the text nests ${result.depth.toLocaleString("en-US")} levels, counting “desired” itself as 1. AWS IoT allows at most ${SHADOW_LIMITS.maxDepth}.`,
    });
    return result;
  }
  result.edited = edited;

  const nullPath = nullInArray(edited);
  if (nullPath) {
    result.errors.push({
      path: nullPath,
      message: `${formatPath(nullPath)}: arrays may not contain null (AWS IoT refuses it). Remove the element, or remove the whole key instead.`,
    });
  }

  const patch = diffDesired(base.desired, edited);
  result.changes = describePatch(base.desired, patch);
  result.depth = Object.keys(patch).length ? depthOf(patch) : 1;
  if (result.depth > SHADOW_LIMITS.maxDepth) {
    const deepest = deepestPath(patch);
    result.errors.push({
      path: deepest,
      message: `Nested too deeply: ${formatPath(deepest)} is ${result.depth} levels deep, counting “desired” itself as 1. AWS IoT allows at most ${SHADOW_LIMITS.maxDepth}.`,
    });
  }
  const merged = applyPatch(base.desired, patch);
  result.bytes = jsonBytes(merged) + jsonBytes(base.reported);
  if (result.bytes > SHADOW_LIMITS.maxStateBytes) {
    result.errors.push({
      message: `Too large: desired + reported would be ${KB(result.bytes)} bytes after this update; AWS IoT allows ${KB(SHADOW_LIMITS.maxStateBytes)} (8 KB). Remove keys or shorten values.`,
    });
  }
  for (const p of nullsRemovingNothing(base.desired, edited)) {
    result.warnings.push({ path: p, message: `${formatPath(p)} is null, which removes a key, but desired has no such key: it changes nothing.` });
  }
  result.ok = result.errors.length === 0;
  result.patch = result.ok && Object.keys(patch).length ? patch : null;
  return result;
}

/** The editor's starting text for a base: the current desired state, pretty-printed. */
export function desiredText(desired: JsonObject | null | undefined): string {
  return JSON.stringify(desired ?? {}, null, 2);
}

/**
 * The text with the key at `path` set to `null` (the explicit "remove this key"), or
 * null when the text is not a JSON object. Missing intermediate objects are created, so
 * removing a key only present in the base still works after it was deleted from the text.
 */
export function markRemoved(text: string, path: readonly string[]): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(doc) || path.length === 0 || tooDeepToWalk(doc)) return null;
  let node: JsonObject = doc;
  for (const key of path.slice(0, -1)) {
    const next = get(node, key);
    if (isObject(next)) node = next;
    else if (next !== undefined)
      return null; // the text holds another value there: leave it to the operator
    else {
      const fresh: JsonObject = {};
      put(node, key, fresh);
      node = fresh;
    }
  }
  put(node, path[path.length - 1], null);
  return JSON.stringify(doc, null, 2);
}

import { nestingOf, nestsDeeperThan } from "../json/nesting";
import { cloneJson, copyObject, deepEqual, isObject, jsonBytes, own, put, utf8Bytes, type JsonObject } from "./json";

/**
 * The Device Shadow document rules, once, for every caller: the emulator (REST and MQTT),
 * the simulator's agents, the console's comparison and editor, and the drift view.
 * Sources: AWS IoT developer guide, "Device Shadow service documents", "Interacting with
 * shadows", "Device Shadow error messages"; moto issue #9237 (a live AWS reply to
 * `{"state": null}`).
 *
 * Empty objects. A value `{}` written in an update is stored as written (`{"b":{"c":{}}}`
 * keeps `b.c = {}`: "The Device Shadow service respects all rules of the JSON
 * specification. Values, objects, and arrays are stored"). An object that an update's
 * `null`s leave without keys is removed, as before. Its metadata is `{}` (a mirror of an
 * object with no leaves, as moto builds it); what AWS answers there could not be confirmed.
 *
 * The delta. Objects are compared key by key only where both sides hold an object; any
 * other desired value (an array, a scalar, `{}`) is in the delta whole when reported lacks
 * it or holds something else. So desired `{"a":{}}` against reported `{"a":5}` gives
 * `{"a":{}}`, and against reported `{"a":{"x":1}}` nothing (fields only in reported never
 * appear). This follows the guide's rule ("iterates through each field in desired and
 * compares it to reported") and moto's `_compute_delta` (values unequal → returned whole);
 * no stored AWS reply shows this exact case, so it could not be confirmed against AWS.
 */

/** desired + reported, serialised, may not exceed 8 KB (metadata does not count). */
export const MAX_STATE_BYTES = 8 * 1024;
/** Levels of nesting, counting the `desired` / `reported` object itself as level 1. */
export const MAX_DEPTH = 6;
export const MAX_CLIENT_TOKEN_BYTES = 64;

export const SECTIONS = ["desired", "reported"] as const;
export type Section = (typeof SECTIONS)[number];

/** A rejected request: the HTTP status and AWS's message (callers turn it into their error). */
export interface ShadowProblem {
  status: 400 | 404 | 409 | 413 | 415;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: ShadowProblem };

/** A validated update request. `state: null` (AWS: clears the shadow) is kept as `cleared`. */
export interface UpdateRequest {
  state: { desired?: JsonObject | null; reported?: JsonObject | null };
  /** The request was `{"state": null}`: both sections go, the reply says `state: null`. */
  cleared?: boolean;
  version?: number;
  clientToken?: string;
}

export type LeafMetadata = { timestamp: number };

const problem = (status: ShadowProblem["status"], message: string): { ok: false; problem: ShadowProblem } => ({ ok: false, problem: { status, message } });

export function isValidClientToken(t: unknown): t is string {
  return typeof t === "string" && utf8Bytes(t) <= MAX_CLIENT_TOKEN_BYTES;
}

function hasNullInArray(v: unknown, inArray: boolean): boolean {
  if (v === null) return inArray;
  if (Array.isArray(v)) return v.some((x) => hasNullInArray(x, true));
  if (isObject(v)) return Object.keys(v).some((k) => hasNullInArray(v[k], false));
  return false;
}

/** Validates a parsed update request document, with AWS's messages. */
export function checkUpdateRequest(doc: unknown): Checked<UpdateRequest> {
  if (!isObject(doc)) return problem(400, "Invalid JSON");
  if (!Object.hasOwn(doc, "state")) return problem(400, "Missing required node: state");
  const req: UpdateRequest = { state: {} };
  const state = doc.state;
  if (state === null) {
    req.state = { desired: null, reported: null };
    req.cleared = true;
  } else {
    if (!isObject(state)) return problem(400, "State node must be an object");
    for (const k of Object.keys(state)) if (k !== "desired" && k !== "reported") return problem(400, "State contains an invalid node");
    for (const section of SECTIONS) {
      if (!Object.hasOwn(state, section)) continue;
      const v = state[section];
      if (v !== null && !isObject(v)) return problem(400, `${section === "desired" ? "Desired" : "Reported"} node must be an object`);
      req.state[section] = v;
    }
  }
  if (doc.version !== undefined && doc.version !== null) {
    const v = doc.version;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) return problem(400, "Invalid version");
    req.version = v;
  }
  if (doc.clientToken !== undefined && doc.clientToken !== null) {
    if (!isValidClientToken(doc.clientToken)) return problem(400, "Invalid clientToken");
    req.clientToken = doc.clientToken;
  }
  // Measured without recursion before anything walks the sections (merge, metadata, delta
  // and size all recurse; a document nested 10,000 deep would overflow the stack).
  for (const section of SECTIONS) {
    const v = req.state[section];
    if (!v) continue;
    if (nestsDeeperThan(v, MAX_DEPTH)) return problem(400, `JSON contains too many levels of nesting; maximum is ${MAX_DEPTH}`);
    if (hasNullInArray(v, false)) return problem(400, "Invalid JSON: arrays in a shadow document may not contain null");
  }
  return { ok: true, value: req };
}

/** Container nesting of a value: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` is 2. */
export const depthOf = nestingOf;

/** The metadata mirror of a value: `{timestamp}` per leaf, arrays element by element, `{}` for `{}`. */
export function metadataOf(v: unknown, timestamp: number): unknown {
  if (Array.isArray(v)) return v.map((x) => metadataOf(x, timestamp));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) put(out, k, metadataOf(v[k], timestamp));
    return out;
  }
  return { timestamp } satisfies LeafMetadata;
}

/**
 * Merges a partial section into a stored one: objects merge key by key, `null` removes a
 * key, any other value (arrays included) replaces what was there. `{}` is written as `{}`
 * where there was no object (merged into an object it changes nothing); an object the
 * patch's nulls leave empty is removed. Inputs are not modified.
 */
export function mergeSection(
  state: JsonObject | null | undefined,
  metadata: JsonObject | null | undefined,
  patch: JsonObject,
  timestamp: number,
): { state: JsonObject; metadata: JsonObject } {
  const s = copyObject(state);
  const m = copyObject(metadata);
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete s[k];
      delete m[k];
    } else if (isObject(v)) {
      const cur = own(s, k);
      const curMeta = own(m, k);
      const merged = mergeSection(isObject(cur) ? cur : undefined, isObject(cur) && isObject(curMeta) ? curMeta : undefined, v, timestamp);
      if (Object.keys(merged.state).length === 0 && Object.keys(v).length > 0) {
        delete s[k];
        delete m[k];
      } else {
        put(s, k, merged.state);
        put(m, k, merged.metadata);
      }
    } else {
      put(s, k, cloneJson(v));
      put(m, k, metadataOf(v, timestamp));
    }
  }
  return { state: s, metadata: m };
}

/** The state part of `mergeSection` (callers that keep no metadata). */
export function mergeState(state: JsonObject | null | undefined, patch: JsonObject): JsonObject {
  return mergeSection(state, undefined, patch, 0).state;
}

/** The delta (see the file comment); undefined when desired and reported agree. */
export function computeDelta(desired: unknown, reported: unknown): JsonObject | undefined {
  if (!isObject(desired)) return undefined;
  const out: JsonObject = {};
  for (const k of Object.keys(desired)) {
    const d = desired[k];
    if (d === null || d === undefined) continue;
    const r = own(reported, k);
    if (isObject(d) && isObject(r)) {
      const sub = computeDelta(d, r);
      if (sub) put(out, k, sub);
    } else if (r === undefined || !deepEqual(d, r)) put(out, k, cloneJson(d));
  }
  return Object.keys(out).length ? out : undefined;
}

export function isLeafMetadata(m: unknown): m is LeafMetadata {
  if (!isObject(m)) return false;
  const keys = Object.keys(m);
  return keys.length === 1 && keys[0] === "timestamp" && typeof m.timestamp === "number";
}

/** The metadata of a delta: the desired metadata of exactly the fields in the delta. */
export function deltaMetadata(delta: JsonObject, desiredMetadata: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(delta)) {
    const d = delta[k];
    const m = own(desiredMetadata, k);
    if (m === undefined) continue;
    put(out, k, isObject(d) && isObject(m) && !isLeafMetadata(m) ? deltaMetadata(d, m) : cloneJson(m));
  }
  return out;
}

/** Bytes counted against the 8 KB limit: the serialised desired and reported sections. */
export function stateBytes(state: { desired?: unknown; reported?: unknown }): number {
  return jsonBytes(state.desired) + jsonBytes(state.reported);
}

/**
 * Dotted leaf paths of a delta, as the drift view and the simulator name pending keys: the
 * path down to each value in the delta (`{}` included, being a value of its own).
 */
export function deltaLeafPaths(delta: unknown, prefix: string[] = []): string[][] {
  if (!isObject(delta)) return [];
  const out: string[][] = [];
  for (const k of Object.keys(delta)) {
    const v = delta[k];
    if (isObject(v) && Object.keys(v).length > 0) out.push(...deltaLeafPaths(v, [...prefix, k]));
    else out.push([...prefix, k]);
  }
  return out;
}

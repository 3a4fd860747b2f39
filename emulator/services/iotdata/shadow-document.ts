import { nestingOf, nestsDeeperThan } from "../../../lib/json/nesting";
import { AwsError } from "../../server/errors";
import type { JsonObject, StoredShadow } from "./shadow-types";

/**
 * The Device Shadow document rules, as pure functions shared by the REST API and the MQTT
 * shadow topics: request validation, merge (partial updates, `null` deletes, arrays
 * replaced whole), per-leaf metadata, the delta, version and size checks, and the
 * documents AWS answers with. Sources: AWS IoT developer guide, "Device Shadow service
 * documents", "Interacting with shadows", "Device Shadow error messages".
 *
 * Documents are treated as immutable: a change builds new objects along the changed
 * paths and shares the untouched ones with the previous version.
 */

/** desired + reported, serialised, may not exceed 8 KB (metadata does not count). */
export const MAX_STATE_BYTES = 8 * 1024;
/** Levels of nesting below `desired` / `reported` (the section object is level 1). */
export const MAX_DEPTH = 6;
export const MAX_CLIENT_TOKEN_BYTES = 64;

export const SECTIONS = ["desired", "reported"] as const;
export type Section = (typeof SECTIONS)[number];

/** A validated update request. A section that is `null` removes the whole section. */
export interface UpdateRequest {
  state: { desired?: JsonObject | null; reported?: JsonObject | null };
  version?: number;
  clientToken?: string;
}

/** The part of a shadow the document rules work on. */
export type ShadowCore = Pick<StoredShadow, "state" | "metadata" | "version" | "timestamp">;

/** Leaf metadata: when the value was last written, in epoch seconds. */
export type LeafMetadata = { timestamp: number };

// ---- errors -----------------------------------------------------------------------------

const EXCEPTION_BY_STATUS: Record<number, string> = {
  400: "InvalidRequestException",
  404: "ResourceNotFoundException",
  409: "ConflictException",
  413: "RequestEntityTooLargeException",
  415: "UnsupportedDocumentEncodingException",
};

/**
 * A rejected shadow request. It carries both the HTTP status (the `code` of an MQTT
 * error document) and the iot-data exception name (the REST error).
 */
export function shadowError(status: 400 | 404 | 409 | 413 | 415, message: string): AwsError {
  return new AwsError(EXCEPTION_BY_STATUS[status], message, status);
}

/** The 404 message; named shadows are reported as `thing~shadow`, as AWS does. */
export function noShadowMessage(thingName: string, shadowName: string | null): string {
  return `No shadow exists with name: '${shadowName === null ? thingName : `${thingName}~${shadowName}`}'`;
}

// ---- JSON helpers -------------------------------------------------------------------------

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property only (a document may hold a key such as `__proto__` or `toString`). */
function own(o: JsonObject | undefined, k: string): unknown {
  return o !== undefined && Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Sets a key as a plain data property (assignment to `__proto__` would change the prototype). */
function put(o: JsonObject, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function copy(o: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  if (o) for (const k of Object.keys(o)) put(out, k, o[k]);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) put(out, k, cloneJson(v[k]));
    return out as T;
  }
  return v;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// ---- request validation -------------------------------------------------------------------

/**
 * Parses and validates an update request document, with AWS's messages. Nothing is
 * checked against the stored shadow here (version conflict and size come later).
 */
export function parseUpdateRequest(payload: Uint8Array | string): UpdateRequest {
  let text: string;
  if (typeof payload === "string") text = payload;
  else {
    try {
      text = utf8.decode(payload);
    } catch {
      throw shadowError(415, "Unsupported documented encoding; supported encoding is UTF-8");
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw shadowError(400, "Invalid JSON");
  }
  if (!isObject(doc)) throw shadowError(400, "Invalid JSON");
  if (!Object.hasOwn(doc, "state")) throw shadowError(400, "Missing required node: state");

  const req: UpdateRequest = { state: {} };
  const state = doc.state;
  if (state === null) {
    // "Setting the shadow's state to null" empties it; the shadow itself stays.
    req.state = { desired: null, reported: null };
  } else {
    if (!isObject(state)) throw shadowError(400, "State node must be an object");
    for (const k of Object.keys(state)) {
      if (k !== "desired" && k !== "reported") throw shadowError(400, "State contains an invalid node");
    }
    for (const section of SECTIONS) {
      if (!Object.hasOwn(state, section)) continue;
      const v = state[section];
      if (v !== null && !isObject(v)) {
        throw shadowError(400, `${section === "desired" ? "Desired" : "Reported"} node must be an object`);
      }
      req.state[section] = v;
    }
  }

  if (doc.version !== undefined && doc.version !== null) {
    const v = doc.version;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw shadowError(400, "Invalid version");
    req.version = v;
  }
  if (doc.clientToken !== undefined && doc.clientToken !== null) {
    const t = doc.clientToken;
    if (typeof t !== "string" || Buffer.byteLength(t, "utf8") > MAX_CLIENT_TOKEN_BYTES) throw shadowError(400, "Invalid clientToken");
    req.clientToken = t;
  }

  // The depth is measured without recursion, before anything walks the sections: merge,
  // metadata, delta, size and the fleet index all recurse, and a document nested 10,000
  // deep (which JSON.parse accepts) would overflow the stack in any of them.
  for (const section of SECTIONS) {
    const v = req.state[section];
    if (!v) continue;
    if (nestsDeeperThan(v, MAX_DEPTH)) throw shadowError(400, `JSON contains too many levels of nesting; maximum is ${MAX_DEPTH}`);
    if (hasNullInArray(v, false)) throw shadowError(400, "Invalid JSON: arrays in a shadow document may not contain null");
  }
  return req;
}

/** Container nesting of a value: a scalar is 0, `{}` or `[]` is 1, `{"a":{}}` is 2 (any depth, no recursion). */
export const depthOf = nestingOf;

function hasNullInArray(v: unknown, inArray: boolean): boolean {
  if (v === null) return inArray;
  if (Array.isArray(v)) return v.some((x) => hasNullInArray(x, true));
  if (isObject(v)) return Object.keys(v).some((k) => hasNullInArray(v[k], false));
  return false;
}

// ---- metadata, merge, delta ---------------------------------------------------------------

/** The metadata mirror of a value: `{timestamp}` per leaf, arrays element by element. */
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
 * key, any other value (arrays included) replaces what was there. An object left empty
 * by the merge is dropped, so removing the last key of a nested object removes it.
 * Returns the new state and metadata; the inputs are not modified.
 */
export function mergeSection(
  state: JsonObject | undefined,
  metadata: JsonObject | undefined,
  patch: JsonObject,
  timestamp: number,
): { state: JsonObject; metadata: JsonObject } {
  const s = copy(state);
  const m = copy(metadata);
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete s[k];
      delete m[k];
    } else if (isObject(v)) {
      const cur = own(s, k);
      const curMeta = own(m, k);
      const merged = mergeSection(isObject(cur) ? cur : undefined, isObject(cur) && isObject(curMeta) ? curMeta : undefined, v, timestamp);
      if (Object.keys(merged.state).length === 0) {
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

/**
 * The delta: every field of `desired` that `reported` lacks or holds differently, with
 * the path from the root kept for nested objects; arrays (and any non-object value) are
 * compared whole and copied whole. Fields only in `reported` never appear. Undefined
 * when desired and reported agree.
 */
export function computeDelta(desired: JsonObject | undefined, reported: JsonObject | undefined): JsonObject | undefined {
  if (!desired) return undefined;
  const out: JsonObject = {};
  for (const k of Object.keys(desired)) {
    const d = desired[k];
    const r = own(reported, k);
    if (isObject(d) && isObject(r)) {
      const sub = computeDelta(d, r);
      if (sub) put(out, k, sub);
    } else if (r === undefined || !deepEqual(d, r)) {
      put(out, k, cloneJson(d));
    }
  }
  return Object.keys(out).length ? out : undefined;
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

function isLeafMetadata(m: JsonObject): boolean {
  const keys = Object.keys(m);
  return keys.length === 1 && keys[0] === "timestamp" && typeof m.timestamp === "number";
}

/** Bytes counted against the 8 KB limit: the serialised desired and reported sections. */
export function stateBytes(state: ShadowCore["state"]): number {
  let n = 0;
  for (const section of SECTIONS) {
    const v = state[section];
    if (v) n += Buffer.byteLength(JSON.stringify(v), "utf8");
  }
  return n;
}

// ---- update ---------------------------------------------------------------------------------

/**
 * Applies an update to a shadow (undefined: none yet). `baseVersion` is the version the
 * request's `version` must match: the shadow's, or after a delete the deleted shadow's,
 * else 0. The result has version `baseVersion + 1`. Throws 409 on a version mismatch and
 * 413 when the merged desired + reported exceed 8 KB.
 */
export function applyUpdate(current: ShadowCore | undefined, baseVersion: number, req: UpdateRequest, now: number): ShadowCore {
  if (req.version !== undefined && req.version !== baseVersion) throw shadowError(409, "Version conflict");
  const state: ShadowCore["state"] = { ...(current?.state ?? {}) };
  const metadata: ShadowCore["metadata"] = { ...(current?.metadata ?? {}) };
  for (const section of SECTIONS) {
    if (!Object.hasOwn(req.state, section)) continue;
    const patch = req.state[section];
    if (patch === null || patch === undefined) {
      delete state[section];
      delete metadata[section];
      continue;
    }
    const merged = mergeSection(state[section], metadata[section], patch, now);
    if (Object.keys(merged.state).length === 0) {
      delete state[section];
      delete metadata[section];
    } else {
      state[section] = merged.state;
      metadata[section] = merged.metadata;
    }
  }
  if (stateBytes(state) > MAX_STATE_BYTES) throw shadowError(413, "The payload exceeds the maximum size allowed");
  return { state, metadata, version: baseVersion + 1, timestamp: now };
}

// ---- response documents ---------------------------------------------------------------------

/**
 * GetThingShadow / `get/accepted`: the full state with the delta, and metadata; over MQTT
 * also the request's client token.
 */
export function getDocument(shadow: ShadowCore, now: number, clientToken?: string): JsonObject {
  const state: JsonObject = {};
  const metadata: JsonObject = {};
  for (const section of SECTIONS) {
    if (shadow.state[section]) state[section] = shadow.state[section];
    if (shadow.metadata[section]) metadata[section] = shadow.metadata[section];
  }
  const delta = computeDelta(shadow.state.desired, shadow.state.reported);
  if (delta) state.delta = delta;
  return { state, metadata, version: shadow.version, timestamp: now, ...(clientToken !== undefined ? { clientToken } : {}) };
}

/**
 * UpdateThingShadow / `update/accepted`: the request's sections as sent (nulls included),
 * the metadata of what was sent, the new version, and the client token if any.
 */
export function acceptedDocument(req: UpdateRequest, version: number, now: number): JsonObject {
  const state: JsonObject = {};
  const metadata: JsonObject = {};
  for (const section of SECTIONS) {
    if (!Object.hasOwn(req.state, section)) continue;
    const v = req.state[section] ?? null;
    state[section] = v;
    metadata[section] = metadataOf(v, now);
  }
  return { state, metadata, version, timestamp: now, ...(req.clientToken !== undefined ? { clientToken: req.clientToken } : {}) };
}

/** `update/delta`: every outstanding difference with its desired metadata; undefined when in sync. */
export function deltaDocument(shadow: ShadowCore, now: number, clientToken?: string): JsonObject | undefined {
  const delta = computeDelta(shadow.state.desired, shadow.state.reported);
  if (!delta) return undefined;
  return {
    state: delta,
    metadata: deltaMetadata(delta, shadow.metadata.desired),
    version: shadow.version,
    timestamp: now,
    ...(clientToken !== undefined ? { clientToken } : {}),
  };
}

/** `update/documents`: the shadow before (absent for a new shadow) and after an update. */
export function documentsMessage(previous: ShadowCore | undefined, current: ShadowCore, now: number, clientToken?: string): JsonObject {
  const snapshot = (s: ShadowCore) => ({ state: { ...s.state }, metadata: { ...s.metadata }, version: s.version });
  return {
    ...(previous ? { previous: snapshot(previous) } : {}),
    current: snapshot(current),
    timestamp: now,
    ...(clientToken !== undefined ? { clientToken } : {}),
  };
}

/** DeleteThingShadow / `delete/accepted`. */
export function deletedDocument(version: number, now: number, clientToken?: string): JsonObject {
  return { version, timestamp: now, ...(clientToken !== undefined ? { clientToken } : {}) };
}

// ---- MQTT request and error documents ------------------------------------------------------

/** A usable client token: a string of at most 64 bytes (anything else is "Invalid clientToken"). */
function isValidClientToken(t: unknown): t is string {
  return typeof t === "string" && Buffer.byteLength(t, "utf8") <= MAX_CLIENT_TOKEN_BYTES;
}

/**
 * The client token to echo in a rejected message. AWS includes it "only if a client token
 * was used when publishing valid JSON", so it is read from the raw request whatever else
 * is wrong with it; a token that is itself invalid (not a string, over 64 bytes) is not
 * echoed (the docs are silent; echoing what was refused seemed wrong).
 */
export function clientTokenOf(payload: Uint8Array | string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof payload === "string" ? payload : utf8.decode(payload));
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const t = own(doc, "clientToken");
  return isValidClientToken(t) ? t : undefined;
}

/**
 * A `get` or `delete` request over MQTT: an empty message, or `{"clientToken": "..."}` (what
 * the AWS device SDKs send). The developer guide says the content of a delete message is
 * ignored; the client token is still honoured, so only an invalid token is refused (400
 * "Invalid clientToken"). Anything that is not a JSON object is ignored like an empty
 * message (docs silent for `get`; treated as `delete`).
 */
export function parseTokenRequest(payload: Uint8Array | string): { clientToken?: string } {
  if (payload.length === 0) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(typeof payload === "string" ? payload : utf8.decode(payload));
  } catch {
    return {};
  }
  if (!isObject(doc)) return {};
  const t = own(doc, "clientToken");
  if (t === undefined || t === null) return {};
  if (!isValidClientToken(t)) throw shadowError(400, "Invalid clientToken");
  return { clientToken: t };
}

/** The error response document of the `…/rejected` topics. */
export function errorDocument(code: number, message: string, now: number, clientToken?: string): JsonObject {
  return { code, message, timestamp: now, ...(clientToken !== undefined ? { clientToken } : {}) };
}

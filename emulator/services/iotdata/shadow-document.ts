import {
  checkUpdateRequest,
  computeDelta,
  deltaMetadata,
  isObject,
  isValidClientToken,
  MAX_STATE_BYTES,
  mergeSection,
  metadataOf,
  own,
  SECTIONS,
  stateBytes,
  type UpdateRequest as DocUpdateRequest,
} from "../../../lib/shadow-document";
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

export { MAX_STATE_BYTES, MAX_DEPTH, MAX_CLIENT_TOKEN_BYTES, SECTIONS, type Section } from "../../../lib/shadow-document";
export { computeDelta, deltaMetadata, depthOf, isObject, mergeSection, metadataOf, stateBytes, deepEqual } from "../../../lib/shadow-document";

export type UpdateRequest = DocUpdateRequest;

/** The part of a shadow the document rules work on. */
export type ShadowCore = Pick<StoredShadow, "state" | "metadata" | "version" | "timestamp">;

/** Leaf metadata: when the value was last written, in epoch seconds. */
export type { LeafMetadata } from "../../../lib/shadow-document";

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
  const checked = checkUpdateRequest(doc);
  if (!checked.ok) throw shadowError(checked.problem.status, checked.problem.message);
  return checked.value;
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
  const token = req.clientToken !== undefined ? { clientToken: req.clientToken } : {};
  // `{"state": null}` clears both sections; AWS answers `state: null` and a metadata that
  // holds only the time (live reply quoted in moto issue #9237:
  // {"state":null,"metadata":{"timestamp":T},"version":N,"timestamp":T}).
  if (req.cleared) return { state: null, metadata: { timestamp: now }, version, timestamp: now, ...token };
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

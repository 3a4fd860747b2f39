/**
 * The console's own shapes for device shadows (classic and named), shared by the server
 * (lib/aws/shadows.ts, the route handler, the update action) and the browser. Plain,
 * serialisable JSON; no SDK shapes. Dependency-free.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** `null` is the classic (unnamed) shadow; otherwise the named shadow's name. */
export type ShadowName = string | null;

/** The URL's word for the classic shadow (`?shadow=classic`). */
export const CLASSIC = "classic";

/** Shadow names: 1..64 of `[$a-zA-Z0-9:_-]` (the iot-data model). */
export const SHADOW_NAME_PATTERN = /^[$a-zA-Z0-9:_-]{1,64}$/;

/** AWS IoT Device Shadow limits (developer guide, "Device Shadow service documents"). */
export const SHADOW_LIMITS = {
  /** desired + reported, serialised as UTF-8, after the update is merged (metadata not counted). */
  maxStateBytes: 8 * 1024,
  /** Levels of nesting, counting the `desired` (or `reported`) object itself as level 1. */
  maxDepth: 6,
} as const;

/**
 * One shadow document as GetThingShadow returns it, reshaped. Section values are the
 * stored JSON; `metadata.<section>` mirrors them with `{ timestamp }` (epoch seconds)
 * per leaf, arrays element by element, as AWS sends it.
 */
export interface ShadowDocument {
  thingName: string;
  shadowName: ShadowName;
  desired: JsonObject | null;
  reported: JsonObject | null;
  /** AWS's delta: every desired field that reported lacks or holds differently. */
  delta: JsonObject | null;
  metadata: { desired: JsonObject | null; reported: JsonObject | null };
  /** Incremented by every accepted update; an update may name it to detect conflicts. */
  version: number;
  /** When AWS answered (the document's `timestamp`), epoch milliseconds. */
  timestampMs: number | null;
}

/** GET /api/things/{thingName}/shadows?name= */
export interface ShadowViewResponse {
  thingName: string;
  /** Every named shadow of the thing (all pages, sorted). The classic shadow is never listed. */
  namedShadows: string[];
  shadowName: ShadowName;
  /** null: this shadow does not exist (yet). */
  document: ShadowDocument | null;
}

/** The successful result of the desired-state update action. */
export interface ShadowUpdateResult {
  version: number;
  timestampMs: number | null;
}

/** The extra data an update refused with a version conflict carries to the browser. */
export interface ShadowConflictData {
  code: "conflict";
  message: string;
  /**
   * The shadow as it is now, as JSON text ("null": it was deleted meanwhile): a server
   * action's result would lose its `__proto__` keys as an object (lib/shadows/wire.ts).
   */
  currentJson: string;
}

export function isShadowConflict(value: unknown): value is ShadowConflictData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.code === "conflict" && typeof v.currentJson === "string";
}

/** The URL word for a shadow, and back. Unknown or malformed names fall back to classic. */
export function shadowParam(name: ShadowName): string {
  return name ?? CLASSIC;
}

export function shadowFromParam(param: string | null | undefined): ShadowName {
  if (!param || param === CLASSIC) return null;
  return SHADOW_NAME_PATTERN.test(param) ? param : null;
}

export function shadowLabel(name: ShadowName): string {
  return name === null ? "Classic shadow" : `Named shadow “${name}”`;
}

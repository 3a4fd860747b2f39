import { deltaLeafPaths } from "@/lib/shadow-document";
import { deepEqual, get, has, isObject, jsonType, pathsOverlap } from "./json";
import type { JsonObject, JsonValue, ShadowDocument } from "./types";

/**
 * Desired vs reported, key by key: both sections flattened to leaf paths (objects are
 * walked, arrays and scalars are leaves, as AWS compares them for the delta), each path
 * classified:
 *
 * - in_sync: both hold the same value;
 * - pending: desired holds a value the device has not reported yet (it reports another
 *   value, or nothing); its age comes from the desired leaf's metadata timestamp;
 * - reported_only: the device reports a key nobody asked for (AWS never puts these in
 *   the delta);
 * - type_mismatch: both hold a value, of different JSON types (`"60"` vs `60`, an object
 *   vs a string): the device may never converge on its own.
 */
export type RowStatus = "in_sync" | "pending" | "reported_only" | "type_mismatch";

export interface ComparisonRow {
  path: string[];
  /** Absent (undefined) when the section lacks the path. */
  desired?: JsonValue;
  reported?: JsonValue;
  status: RowStatus;
  /** For pending rows: the device reports nothing at this path, or another value. */
  pendingReason?: "not_reported" | "differs";
  /** Whether AWS's own delta lists this path. */
  inDelta: boolean;
  /** When desired / reported were last written at this path (metadata, newest leaf), epoch ms. */
  desiredAtMs: number | null;
  reportedAtMs: number | null;
}

export interface ComparisonSummary {
  total: number;
  inSync: number;
  pending: number;
  reportedOnly: number;
  typeMismatch: number;
  /** The oldest pending desired write, epoch ms (how long the device has lagged at worst). */
  oldestPendingAtMs: number | null;
}

export interface Comparison {
  rows: ComparisonRow[];
  summary: ComparisonSummary;
}

/** `{ "timestamp": <number> }`: the metadata of one leaf. */
function isLeafMetadata(m: unknown): m is { timestamp: number } {
  if (!isObject(m)) return false;
  const keys = Object.keys(m);
  return keys.length === 1 && keys[0] === "timestamp" && typeof m.timestamp === "number";
}

/** The newest timestamp (epoch seconds) anywhere in a metadata subtree. */
export function newestTimestamp(meta: unknown): number | null {
  if (isLeafMetadata(meta)) return meta.timestamp;
  let best: number | null = null;
  const consider = (t: number | null) => {
    if (t !== null && (best === null || t > best)) best = t;
  };
  if (Array.isArray(meta)) meta.forEach((m) => consider(newestTimestamp(m)));
  else if (isObject(meta)) for (const k of Object.keys(meta)) consider(newestTimestamp(meta[k]));
  return best;
}

/** The metadata timestamp (epoch ms) of the value at `path`, or null when metadata has none. */
export function metadataTimeMs(meta: JsonObject | null | undefined, path: readonly string[]): number | null {
  let node: unknown = meta;
  for (const key of path) {
    if (isLeafMetadata(node)) break; // a leaf above the path: the value there was replaced whole
    if (!isObject(node) || !has(node, key)) return null;
    node = node[key];
  }
  const s = newestTimestamp(node);
  return s === null ? null : s * 1000;
}

/** Keys of both sides: desired's order first, then what only reported holds, in its order. */
function unionKeys(d: JsonObject | undefined, r: JsonObject | undefined): string[] {
  const keys = d ? Object.keys(d) : [];
  const seen = new Set(keys);
  if (r) for (const k of Object.keys(r)) if (!seen.has(k)) keys.push(k);
  return keys;
}

export function compareSections(
  desired: JsonObject | null | undefined,
  reported: JsonObject | null | undefined,
  metadata: { desired: JsonObject | null; reported: JsonObject | null } = { desired: null, reported: null },
  delta: JsonObject | null | undefined = undefined,
): Comparison {
  const rows: ComparisonRow[] = [];
  const deltas = deltaLeafPaths(delta);
  const row = (path: string[], status: RowStatus, d: JsonValue | undefined, r: JsonValue | undefined, pendingReason?: ComparisonRow["pendingReason"]) => {
    rows.push({
      path,
      ...(d !== undefined ? { desired: d } : {}),
      ...(r !== undefined ? { reported: r } : {}),
      status,
      ...(pendingReason ? { pendingReason } : {}),
      inDelta: deltas.some((p) => pathsOverlap(p, path) && p.length <= path.length),
      desiredAtMs: d !== undefined ? metadataTimeMs(metadata.desired, path) : null,
      reportedAtMs: r !== undefined ? metadataTimeMs(metadata.reported, path) : null,
    });
  };
  const walk = (d: JsonObject | undefined, r: JsonObject | undefined, path: string[]) => {
    for (const k of unionKeys(d, r)) {
      const dv = get(d, k);
      const rv = get(r, k);
      const p = [...path, k];
      // `{}` is a value of its own (AWS stores it, and the delta lists it where reported lacks it).
      if (isObject(dv) && isObject(rv) && Object.keys(dv).length === 0 && Object.keys(rv).length === 0) row(p, "in_sync", dv, rv);
      else if (isObject(dv) && isObject(rv)) walk(dv, rv, p);
      else if (dv === undefined) {
        if (isObject(rv) && Object.keys(rv).length > 0) walk(undefined, rv, p);
        else row(p, "reported_only", undefined, rv);
      } else if (rv === undefined) {
        if (isObject(dv) && Object.keys(dv).length > 0) walk(dv, undefined, p);
        else row(p, "pending", dv, undefined, "not_reported");
      } else if (jsonType(dv) !== jsonType(rv)) row(p, "type_mismatch", dv, rv);
      else if (deepEqual(dv, rv)) row(p, "in_sync", dv, rv);
      else row(p, "pending", dv, rv, "differs");
    }
  };
  walk(desired ?? undefined, reported ?? undefined, []);

  const summary: ComparisonSummary = { total: rows.length, inSync: 0, pending: 0, reportedOnly: 0, typeMismatch: 0, oldestPendingAtMs: null };
  for (const r of rows) {
    if (r.status === "in_sync") summary.inSync++;
    else if (r.status === "reported_only") summary.reportedOnly++;
    else {
      if (r.status === "pending") summary.pending++;
      else summary.typeMismatch++;
      if (r.desiredAtMs !== null && (summary.oldestPendingAtMs === null || r.desiredAtMs < summary.oldestPendingAtMs))
        summary.oldestPendingAtMs = r.desiredAtMs;
    }
  }
  return { rows, summary };
}

export function compareShadow(doc: ShadowDocument): Comparison {
  return compareSections(doc.desired, doc.reported, doc.metadata, doc.delta);
}

/** Rows that need an operator's eye first: type mismatches, then pending (oldest first); the rest keep document order. */
export function differencesFirst(rows: readonly ComparisonRow[]): ComparisonRow[] {
  const rank = (r: ComparisonRow) => (r.status === "type_mismatch" ? 0 : r.status === "pending" ? 1 : r.status === "reported_only" ? 2 : 3);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || (rank(a.r) <= 1 ? (a.r.desiredAtMs ?? Infinity) - (b.r.desiredAtMs ?? Infinity) : 0) || a.i - b.i)
    .map(({ r }) => r);
}

/** Of `paths` (keys just written to desired), those the device has not reported yet. */
export function awaitingDevice(rows: readonly ComparisonRow[], paths: readonly string[][]): string[][] {
  const open = new Set(rows.filter((r) => r.status === "pending" || r.status === "type_mismatch").map((r) => JSON.stringify(r.path)));
  return paths.filter((p) => open.has(JSON.stringify(p)));
}

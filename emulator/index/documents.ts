import type { ThingRecord } from "../services/iot/state";
import type { ConnectivityRecord } from "../mqtt/connectivity";
import type { JsonObject, StoredShadow } from "../services/iotdata/shadow-types";
import { computeDelta } from "../services/iotdata/shadow-document";
import type { IndexedSources } from "./config";
import { flattenJson, type PathNode, type Value } from "./flatten";

/**
 * What one thing looks like to fleet indexing: the fields each source contributes (for
 * the index) and the ThingDocument SearchIndex returns (API reference ThingDocument;
 * developer guide "Managing fleet indexing", example output).
 *
 * Field names, as queries use them:
 *   registry      thingName, thingId, thingTypeName, thingGroupNames (static groups and
 *                 the billing group), attributes.<name>; registry.version (aggregations only)
 *   shadow        shadow.reported.<path>, shadow.desired.<path>, shadow.delta.<path>,
 *                 shadow.metadata.reported|desired.<path>.timestamp, shadow.hasDelta;
 *                 shadow.version (aggregations only)
 *   named shadow  the same under shadow.name.<shadowName>.
 *   connectivity  connectivity.connected, connectivity.timestamp (epoch ms),
 *                 connectivity.disconnectReason; connectivity.version (aggregations only)
 */

/** The document sources of one thing; each is rewritten on its own when it changes. */
export const SOURCE = {
  registry: "registry",
  connectivity: "connectivity",
  shadow: "shadow",
  named: (shadowName: string) => `shadow.name.${shadowName}`,
} as const;

/** Versions are returned and aggregatable but not searchable (query syntax notes). */
export function isVersionField(name: string): boolean {
  return name === "registry.version" || name === "shadow.version" || name === "connectivity.version" || /^shadow\.name\.[^.]+\.version$/.test(name);
}

/** Receives the fields of one source of one document. */
export type Emit = (node: PathNode, value: Value) => void;

export function emitRegistry(root: PathNode, t: ThingRecord, emit: Emit): void {
  emit(root.child("thingName"), t.name);
  emit(root.child("thingId"), t.id);
  if (t.typeName) emit(root.child("thingTypeName"), t.typeName);
  const groups = groupNamesOf(t);
  if (groups.length) emit(root.child("thingGroupNames"), groups);
  const attrs = root.child("attributes");
  for (const k in t.attributes) emit(attrs.child(k), t.attributes[k]);
  emit(root.child("registry").child("version"), t.version);
}

/** thingGroupNames: the static groups, then the billing group (AWS lists both). */
export function groupNamesOf(t: ThingRecord): string[] {
  const groups = t.groups ?? [];
  return t.billingGroupName ? [...groups, t.billingGroupName] : groups;
}

export function emitConnectivity(root: PathNode, rec: ConnectivityRecord | undefined, emit: Emit): void {
  const c = root.child("connectivity");
  emit(c.child("connected"), rec?.connected ?? false);
  if (!rec) return; // never connected: `connected: false` and nothing else
  emit(c.child("timestamp"), rec.timestampMs);
  if (!rec.connected && rec.disconnectReason) emit(c.child("disconnectReason"), rec.disconnectReason);
  emit(c.child("version"), rec.version);
}

/** The fields of one shadow under `node` (`shadow` or `shadow.name.<n>`). */
export function emitShadow(node: PathNode, s: StoredShadow, emit: Emit): void {
  const { desired, reported } = s.state;
  if (reported) flattenJson(reported, node.child("reported"), emit);
  if (desired) flattenJson(desired, node.child("desired"), emit);
  const delta = computeDelta(desired, reported);
  if (delta) flattenJson(delta, node.child("delta"), emit);
  const meta = node.child("metadata");
  if (s.metadata.reported) flattenJson(s.metadata.reported, meta.child("reported"), emit);
  if (s.metadata.desired) flattenJson(s.metadata.desired, meta.child("desired"), emit);
  emit(node.child("hasDelta"), delta !== undefined);
  emit(node.child("version"), s.version);
}

// ---- the document SearchIndex returns ---------------------------------------------------------

export interface ThingDocument {
  thingName: string;
  thingId: string;
  thingTypeName?: string;
  thingGroupNames?: string[];
  attributes: Record<string, string>;
  shadow?: string;
  deviceDefender?: string;
  connectivity?: { connected: boolean; timestamp?: number; disconnectReason?: string };
}

/** One shadow as it appears inside the ThingDocument's `shadow` JSON string. */
function shadowJson(s: StoredShadow): JsonObject {
  const { desired, reported } = s.state;
  const delta = computeDelta(desired, reported);
  const out: JsonObject = {};
  if (desired) out.desired = desired;
  if (reported) out.reported = reported;
  if (delta) out.delta = delta;
  out.metadata = s.metadata;
  out.hasDelta = delta !== undefined;
  out.version = s.version;
  return out;
}

export function thingDocument(
  t: ThingRecord,
  sources: IndexedSources,
  shadowOf: (shadowName: string | null) => StoredShadow | undefined,
  connectivity: ConnectivityRecord | undefined,
): ThingDocument {
  // Keys in the order of the API reference's response syntax.
  const doc = { thingName: t.name, thingId: t.id } as ThingDocument;
  if (t.typeName) doc.thingTypeName = t.typeName;
  const groups = groupNamesOf(t);
  if (groups.length) doc.thingGroupNames = groups;
  doc.attributes = t.attributes;
  if (sources.shadow || sources.namedShadows.length) {
    const classic = sources.shadow ? shadowOf(null) : undefined;
    const shadow: JsonObject = classic ? shadowJson(classic) : {};
    const named: JsonObject = {};
    for (const n of sources.namedShadows) {
      const s = shadowOf(n);
      // A data property: "__proto__" is a valid shadow name, and assigning it would set the prototype.
      if (s) Object.defineProperty(named, n, { value: shadowJson(s), enumerable: true, writable: true, configurable: true });
    }
    if (Object.keys(named).length) shadow.name = named;
    // The shadow section is a JSON string, not an object (ThingDocument.shadow).
    if (Object.keys(shadow).length) doc.shadow = JSON.stringify(shadow);
  }
  if (sources.connectivity) {
    doc.connectivity = connectivity
      ? {
          connected: connectivity.connected,
          timestamp: connectivity.timestampMs,
          ...(!connectivity.connected && connectivity.disconnectReason ? { disconnectReason: connectivity.disconnectReason } : {}),
        }
      : { connected: false };
  }
  return doc;
}

import type { IndexingConfig } from "@/lib/fleet-index/types";
import type { IndexField, IndexFieldType, SearchFields } from "./contract";

/**
 * The field list behind autocomplete and the column chooser: the index's managed fields,
 * the custom fields declared in the indexing configuration, and attribute names seen in
 * the registry (thing types' searchable attributes, a sample of things). Pure.
 */
export type { IndexingConfig };

/** At most this many `attributes.*` names from the registry (a fleet may invent many). */
export const MAX_ATTRIBUTE_FIELDS = 300;

type FieldSpec = { name: string; type: IndexFieldType };

/**
 * AWS's managed fields per indexing mode, for a backend whose configuration does not
 * list them (older API versions), plus the query language's own names for the type and
 * groups (`thingTypeName`, `thingGroupNames`), which every query may use.
 */
function knownManagedFields(cfg: IndexingConfig): FieldSpec[] {
  const out: FieldSpec[] = [
    { name: "thingName", type: "String" },
    { name: "thingId", type: "String" },
    { name: "thingTypeName", type: "String" },
    { name: "thingGroupNames", type: "String" },
    { name: "registry.version", type: "Number" },
    { name: "registry.thingTypeName", type: "String" },
    { name: "registry.thingGroupNames", type: "String" },
  ];
  if (cfg.thingIndexingMode === "REGISTRY_AND_SHADOW") {
    out.push({ name: "shadow.version", type: "Number" }, { name: "shadow.hasDelta", type: "Boolean" });
  }
  for (const n of cfg.namedShadows) out.push({ name: `shadow.name.${n}.version`, type: "Number" }, { name: `shadow.name.${n}.hasDelta`, type: "Boolean" });
  if (cfg.connectivity) {
    out.push(
      { name: "connectivity.connected", type: "Boolean" },
      { name: "connectivity.timestamp", type: "Number" },
      { name: "connectivity.version", type: "Number" },
      { name: "connectivity.disconnectReason", type: "String" },
    );
  }
  return out;
}

export function buildSearchFields(cfg: IndexingConfig, indexStatus: SearchFields["indexStatus"], attributeNames: Iterable<string>): SearchFields {
  const fields: IndexField[] = [];
  const seen = new Set<string>();
  const add = (f: FieldSpec, source: IndexField["source"]) => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    fields.push({ name: f.name, type: f.type, source });
  };
  if (cfg.thingIndexingMode !== "OFF") {
    // AWS lists named-shadow fields once, as `shadow.name.*.version`: one per indexed shadow is what a query can use.
    for (const f of cfg.managedFields) {
      if (!f.name.includes(".*.")) add(f, "managed");
      else if (f.name.startsWith("shadow.name.*.")) for (const n of cfg.namedShadows) add({ ...f, name: f.name.replace(".*.", `.${n}.`) }, "managed");
    }
    for (const f of knownManagedFields(cfg)) add(f, "managed");
    for (const f of cfg.customFields) add(f, "custom");
    const attributes = [...new Set(attributeNames)].filter((a) => a && !/\s/.test(a)).sort((a, b) => a.localeCompare(b));
    for (const a of attributes.slice(0, MAX_ATTRIBUTE_FIELDS)) add({ name: `attributes.${a}`, type: "String" }, "attribute");
  }
  return {
    indexing: { thingIndexingMode: cfg.thingIndexingMode, connectivity: cfg.connectivity, namedShadows: [...cfg.namedShadows] },
    indexStatus: cfg.thingIndexingMode === "OFF" ? null : indexStatus,
    fields,
  };
}

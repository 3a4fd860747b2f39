import { AwsError, invalid } from "../server/errors";

/**
 * The fleet indexing configuration (UpdateIndexingConfiguration /
 * GetIndexingConfiguration) and what follows from it: which sources the thing index
 * holds, its managed fields, the DescribeIndex schema, and the rules an update must obey
 * (developer guide "Managing fleet indexing"; API reference ThingIndexingConfiguration).
 */

export const THINGS_INDEX = "AWS_Things";
export const GROUPS_INDEX = "AWS_ThingGroups";
/** SearchIndex returns at most this many results per page (API reference: "cannot exceed 100"; more is capped). */
export const MAX_SEARCH_RESULTS = 100;

export type ThingIndexingMode = "OFF" | "REGISTRY" | "REGISTRY_AND_SHADOW";
export type FieldType = "Number" | "String" | "Boolean";

export interface IndexField {
  name: string;
  type: FieldType;
}

export interface ThingIndexingConfig {
  thingIndexingMode: ThingIndexingMode;
  thingConnectivityIndexingMode: "OFF" | "STATUS";
  deviceDefenderIndexingMode: "OFF" | "VIOLATIONS";
  namedShadowIndexingMode: "OFF" | "ON";
  customFields: IndexField[];
  filter?: { namedShadowNames?: string[]; geoLocations?: Array<{ name?: string; order?: string }>; connectivity?: unknown };
}

export interface IndexingConfig {
  thing: ThingIndexingConfig;
  thingGroup: { thingGroupIndexingMode: "OFF" | "ON"; customFields: IndexField[] };
}

/** A fresh account: nothing indexed. */
export function defaultIndexingConfig(): IndexingConfig {
  return {
    thing: {
      thingIndexingMode: "OFF",
      thingConnectivityIndexingMode: "OFF",
      deviceDefenderIndexingMode: "OFF",
      namedShadowIndexingMode: "OFF",
      customFields: [],
    },
    thingGroup: { thingGroupIndexingMode: "OFF", customFields: [] },
  };
}

/** Default quota: named shadows a thing index may include. */
export const MAX_NAMED_SHADOWS = 10;
/** Default quota: geolocation targets. */
export const MAX_GEO_LOCATIONS = 1;

const NAMED_SHADOW_PATTERN = /^[$a-zA-Z0-9:_-]+$/;

/** What the thing index holds under a configuration. */
export interface IndexedSources {
  registry: boolean;
  shadow: boolean;
  connectivity: boolean;
  defender: boolean;
  /** Named shadows indexed (empty when named shadow indexing is off). */
  namedShadows: string[];
}

export function sourcesOf(c: ThingIndexingConfig): IndexedSources {
  const on = c.thingIndexingMode !== "OFF";
  return {
    registry: on,
    shadow: c.thingIndexingMode === "REGISTRY_AND_SHADOW",
    connectivity: on && c.thingConnectivityIndexingMode === "STATUS",
    defender: on && c.deviceDefenderIndexingMode === "VIOLATIONS",
    namedShadows: on && c.namedShadowIndexingMode === "ON" ? [...(c.filter?.namedShadowNames ?? [])] : [],
  };
}

/** The managed fields AWS reports for the indexed sources (developer guide, example output). */
export function managedFieldsOf(c: ThingIndexingConfig): IndexField[] {
  const s = sourcesOf(c);
  if (!s.registry) return [];
  const out: IndexField[] = [
    { name: "thingName", type: "String" },
    { name: "thingId", type: "String" },
    { name: "registry.version", type: "Number" },
    { name: "registry.thingTypeName", type: "String" },
    { name: "registry.thingGroupNames", type: "String" },
  ];
  if (s.shadow) out.push({ name: "shadow.version", type: "Number" }, { name: "shadow.hasDelta", type: "Boolean" });
  if (s.namedShadows.length) out.push({ name: "shadow.name.*.version", type: "Number" }, { name: "shadow.name.*.hasDelta", type: "Boolean" });
  if (s.connectivity) {
    out.push(
      { name: "connectivity.connected", type: "Boolean" },
      { name: "connectivity.timestamp", type: "Number" },
      { name: "connectivity.version", type: "Number" },
      { name: "connectivity.disconnectReason", type: "String" },
    );
  }
  if (s.defender) out.push({ name: "deviceDefender.violationCount", type: "Number" });
  return out;
}

export const THING_GROUP_MANAGED_FIELDS: IndexField[] = [
  { name: "description", type: "String" },
  { name: "parentGroupNames", type: "String" },
  { name: "thingGroupId", type: "String" },
  { name: "thingGroupName", type: "String" },
  { name: "version", type: "Number" },
];

/** DescribeIndex `schema` of AWS_Things. */
export function schemaOf(c: ThingIndexingConfig): string {
  const s = sourcesOf(c);
  if (!s.registry) return "OFF";
  if (s.namedShadows.length || s.defender || c.namedShadowIndexingMode === "ON") return "MULTI_INDEXING_MODE";
  if (s.shadow) return s.connectivity ? "REGISTRY_AND_SHADOW_AND_CONNECTIVITY_STATUS" : "REGISTRY_AND_SHADOW";
  return s.connectivity ? "REGISTRY_AND_CONNECTIVITY_STATUS" : "REGISTRY";
}

/** A managed or custom field by the name an aggregation uses, with its type; undefined when it is neither. */
export function aggregationFieldType(c: ThingIndexingConfig, name: string): FieldType | undefined {
  for (const f of managedFieldsOf(c)) {
    if (f.name === name) return f.type;
    if (f.name.startsWith("shadow.name.*.")) {
      const m = /^shadow\.name\.([^.]+)\.(version|hasDelta)$/.exec(name);
      if (m && f.name === `shadow.name.*.${m[2]}` && sourcesOf(c).namedShadows.includes(m[1])) return f.type;
    }
  }
  return c.customFields.find((f) => f.name === name)?.type;
}

// ---- validation of UpdateIndexingConfiguration ---------------------------------------------

function validation(value: unknown, member: string, constraint: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function enumValue<T extends string>(value: unknown, member: string, allowed: readonly T[], fallback: T | undefined): T {
  if (value === undefined || value === null) {
    if (fallback === undefined) throw validation(null, member, "Member must not be null");
    return fallback;
  }
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw validation(value, member, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
  }
  return value as T;
}

function fieldList(value: unknown, member: string): IndexField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${member} must be a list of fields`);
  const seen = new Set<string>();
  return value.map((f, i) => {
    const name = (f as { name?: unknown })?.name;
    const type = (f as { type?: unknown })?.type;
    if (typeof name !== "string" || name === "") throw validation(name ?? null, `${member}.${i + 1}.member.name`, "Member must not be null");
    const t = enumValue(type, `${member}.${i + 1}.member.type`, ["Number", "String", "Boolean"] as const, undefined);
    if (seen.has(name)) throw invalid(`Custom field ${name} is specified more than once`);
    seen.add(name);
    return { name, type: t };
  });
}

/**
 * Validates an UpdateIndexingConfiguration body and returns the configuration it sets.
 * A `thingIndexingConfiguration` replaces the whole thing configuration (custom fields
 * included); an absent one leaves it as it is (same for thing groups).
 */
export function parseIndexingUpdate(body: Record<string, unknown>, current: IndexingConfig): IndexingConfig {
  const next: IndexingConfig = { thing: current.thing, thingGroup: current.thingGroup };
  const t = body.thingIndexingConfiguration as Record<string, unknown> | undefined;
  if (t !== undefined && t !== null) {
    if (typeof t !== "object") throw invalid("thingIndexingConfiguration must be an object");
    next.thing = parseThingConfig(t);
  }
  const g = body.thingGroupIndexingConfiguration as Record<string, unknown> | undefined;
  if (g !== undefined && g !== null) {
    if (typeof g !== "object") throw invalid("thingGroupIndexingConfiguration must be an object");
    const mode = enumValue(g.thingGroupIndexingMode, "thingGroupIndexingConfiguration.thingGroupIndexingMode", ["OFF", "ON"] as const, undefined);
    const customFields = fieldList(g.customFields, "thingGroupIndexingConfiguration.customFields");
    for (const f of customFields) {
      if (THING_GROUP_MANAGED_FIELDS.some((m) => m.name === f.name)) throw invalid(`Custom field ${f.name} is a managed field and cannot be a custom field`);
      if (!/^attributes\.[^.].*/.test(f.name)) throw invalid(`Custom field ${f.name} is not a thing group attribute (attributes.<name>)`);
    }
    if (mode === "OFF" && customFields.length) throw invalid("Custom fields require thingGroupIndexingMode ON");
    next.thingGroup = { thingGroupIndexingMode: mode, customFields };
  }
  if (t === undefined && g === undefined) throw invalid("Specify thingIndexingConfiguration, thingGroupIndexingConfiguration or both");
  return next;
}

function parseThingConfig(t: Record<string, unknown>): ThingIndexingConfig {
  const p = "thingIndexingConfiguration";
  const mode = enumValue(t.thingIndexingMode, `${p}.thingIndexingMode`, ["OFF", "REGISTRY", "REGISTRY_AND_SHADOW"] as const, undefined);
  const connectivity = enumValue(t.thingConnectivityIndexingMode, `${p}.thingConnectivityIndexingMode`, ["OFF", "STATUS"] as const, "OFF");
  const defender = enumValue(t.deviceDefenderIndexingMode, `${p}.deviceDefenderIndexingMode`, ["OFF", "VIOLATIONS"] as const, "OFF");
  const named = enumValue(t.namedShadowIndexingMode, `${p}.namedShadowIndexingMode`, ["OFF", "ON"] as const, "OFF");
  const customFields = fieldList(t.customFields, `${p}.customFields`);
  // managedFields are read-only: AWS ignores them in an update (they come back from Get as they are).

  const off = mode === "OFF";
  if (off && connectivity === "STATUS") throw invalid("thingConnectivityIndexingMode STATUS requires thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW");
  if (off && defender === "VIOLATIONS") throw invalid("deviceDefenderIndexingMode VIOLATIONS requires thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW");
  if (off && named === "ON") throw invalid("namedShadowIndexingMode ON requires thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW");

  const config: ThingIndexingConfig = {
    thingIndexingMode: mode,
    thingConnectivityIndexingMode: connectivity,
    deviceDefenderIndexingMode: defender,
    namedShadowIndexingMode: named,
    customFields,
  };
  const filter = t.filter as Record<string, unknown> | undefined;
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== "object") throw invalid(`${p}.filter must be an object`);
    config.filter = {};
    if (filter.namedShadowNames !== undefined && filter.namedShadowNames !== null) {
      const names = filter.namedShadowNames;
      if (!Array.isArray(names)) throw invalid(`${p}.filter.namedShadowNames must be a list of shadow names`);
      names.forEach((n, i) => {
        if (typeof n !== "string" || n.length < 1 || n.length > 64 || !NAMED_SHADOW_PATTERN.test(n)) {
          throw validation(
            n,
            `${p}.filter.namedShadowNames.${i + 1}.member`,
            "Member must have length less than or equal to 64, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [$a-zA-Z0-9:_-]+",
          );
        }
      });
      const unique = [...new Set(names as string[])];
      if (unique.length > MAX_NAMED_SHADOWS) {
        throw new AwsError("InvalidRequestException", `The number of named shadows in the filter (${unique.length}) exceeds the limit of ${MAX_NAMED_SHADOWS}`);
      }
      config.filter.namedShadowNames = unique;
    }
    if (filter.geoLocations !== undefined && filter.geoLocations !== null) {
      if (!Array.isArray(filter.geoLocations)) throw invalid(`${p}.filter.geoLocations must be a list`);
      if (filter.geoLocations.length > MAX_GEO_LOCATIONS)
        throw invalid(`The number of geoLocations (${filter.geoLocations.length}) exceeds the limit of ${MAX_GEO_LOCATIONS}`);
      config.filter.geoLocations = filter.geoLocations as Array<{ name?: string; order?: string }>;
    }
    if (filter.connectivity !== undefined) config.filter.connectivity = filter.connectivity;
  }

  const sources = sourcesOf(config);
  for (const f of customFields) checkCustomField(f, config, sources);
  return config;
}

/**
 * A custom field must name something the configured sources index; a field whose source
 * the mode does not index makes the update fail (developer guide: "If your indexing
 * configuration contains custom fields that are not indexed by the indexing mode, the
 * update fails").
 */
function checkCustomField(f: IndexField, config: ThingIndexingConfig, s: IndexedSources): void {
  const managed = [
    "thingName",
    "thingId",
    "thingTypeName",
    "thingGroupNames",
    "registry.version",
    "registry.thingTypeName",
    "registry.thingGroupNames",
    "shadow.version",
    "shadow.hasDelta",
  ];
  if (
    managed.includes(f.name) ||
    f.name.startsWith("connectivity.") ||
    /^shadow\.name\.[^.]+\.(version|hasDelta)$/.test(f.name) ||
    f.name === "deviceDefender.violationCount"
  ) {
    throw invalid(`Custom field ${f.name} is a managed field and cannot be a custom field`);
  }
  if (/^attributes\.[^.]/.test(f.name)) {
    if (config.thingIndexingMode === "OFF") throw invalid(`Custom field ${f.name} requires thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW`);
    return;
  }
  const named = /^shadow\.name\.([^.]+)\.(reported|desired|delta)\.[^.]/.exec(f.name);
  if (named) {
    if (!s.namedShadows.includes(named[1])) {
      throw invalid(
        `Custom field ${f.name} names the shadow '${named[1]}', which is not indexed: set namedShadowIndexingMode ON and list it in filter.namedShadowNames`,
      );
    }
    return;
  }
  if (/^shadow\.(reported|desired|delta)\.[^.]/.test(f.name)) {
    if (!s.shadow)
      throw invalid(`Custom field ${f.name} is a shadow field and requires thingIndexingMode REGISTRY_AND_SHADOW (current: ${config.thingIndexingMode})`);
    return;
  }
  if (/^deviceDefender\.[^.]+\.[^.]+\./.test(f.name)) {
    if (!s.defender) throw invalid(`Custom field ${f.name} is a Device Defender field and requires deviceDefenderIndexingMode VIOLATIONS`);
    return;
  }
  throw invalid(
    `Invalid custom field ${f.name}: custom fields are attributes.<name>, shadow.reported|desired.<path>, shadow.name.<shadow>.reported|desired.<path> or deviceDefender.<profile>.<behavior>.<field>`,
  );
}

/** GetIndexingConfiguration's answer. */
export function describeConfig(c: IndexingConfig): Record<string, unknown> {
  const t = c.thing;
  const thing: Record<string, unknown> = {
    thingIndexingMode: t.thingIndexingMode,
    thingConnectivityIndexingMode: t.thingConnectivityIndexingMode,
    deviceDefenderIndexingMode: t.deviceDefenderIndexingMode,
    namedShadowIndexingMode: t.namedShadowIndexingMode,
  };
  const managed = managedFieldsOf(t);
  if (managed.length) thing.managedFields = managed;
  if (t.customFields.length) thing.customFields = t.customFields;
  if (t.filter) thing.filter = t.filter;
  const group: Record<string, unknown> = { thingGroupIndexingMode: c.thingGroup.thingGroupIndexingMode };
  if (c.thingGroup.thingGroupIndexingMode === "ON") group.managedFields = THING_GROUP_MANAGED_FIELDS;
  if (c.thingGroup.customFields.length) group.customFields = c.thingGroup.customFields;
  return { thingIndexingConfiguration: thing, thingGroupIndexingConfiguration: group };
}

export function sameThingConfig(a: ThingIndexingConfig, b: ThingIndexingConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

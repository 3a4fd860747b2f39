import { describe, expect, it } from "vitest";
import {
  aggregationFieldType,
  defaultIndexingConfig,
  describeConfig,
  managedFieldsOf,
  parseIndexingUpdate,
  schemaOf,
  sourcesOf,
  type IndexingConfig,
} from "./config";

const update = (thingIndexingConfiguration: Record<string, unknown>, current: IndexingConfig = defaultIndexingConfig()) =>
  parseIndexingUpdate({ thingIndexingConfiguration }, current);

describe("indexing configuration", () => {
  it("starts off, like a new account", () => {
    const c = defaultIndexingConfig();
    expect(sourcesOf(c.thing).registry).toBe(false);
    expect(describeConfig(c)).toEqual({
      thingIndexingConfiguration: {
        thingIndexingMode: "OFF",
        thingConnectivityIndexingMode: "OFF",
        deviceDefenderIndexingMode: "OFF",
        namedShadowIndexingMode: "OFF",
      },
      thingGroupIndexingConfiguration: { thingGroupIndexingMode: "OFF" },
    });
  });

  it("derives sources, managed fields and the DescribeIndex schema", () => {
    const reg = update({ thingIndexingMode: "REGISTRY" }).thing;
    expect(schemaOf(reg)).toBe("REGISTRY");
    expect(managedFieldsOf(reg).map((f) => f.name)).toEqual(["thingName", "thingId", "registry.version", "registry.thingTypeName", "registry.thingGroupNames"]);
    const full = update({ thingIndexingMode: "REGISTRY_AND_SHADOW", thingConnectivityIndexingMode: "STATUS" }).thing;
    expect(schemaOf(full)).toBe("REGISTRY_AND_SHADOW_AND_CONNECTIVITY_STATUS");
    expect(schemaOf(update({ thingIndexingMode: "REGISTRY", thingConnectivityIndexingMode: "STATUS" }).thing)).toBe("REGISTRY_AND_CONNECTIVITY_STATUS");
    const named = update({ thingIndexingMode: "REGISTRY_AND_SHADOW", namedShadowIndexingMode: "ON", filter: { namedShadowNames: ["config", "config"] } }).thing;
    expect(schemaOf(named)).toBe("MULTI_INDEXING_MODE");
    expect(sourcesOf(named).namedShadows).toEqual(["config"]);
    expect(aggregationFieldType(named, "shadow.name.config.hasDelta")).toBe("Boolean");
    expect(aggregationFieldType(named, "shadow.name.other.hasDelta")).toBeUndefined();
    expect(aggregationFieldType(full, "connectivity.connected")).toBe("Boolean");
    expect(aggregationFieldType(full, "attributes.x")).toBeUndefined();
  });

  it("replaces the custom field list and checks each field against the sources", () => {
    const c = update({
      thingIndexingMode: "REGISTRY_AND_SHADOW",
      customFields: [
        { name: "attributes.a", type: "Number" },
        { name: "shadow.desired.p", type: "Boolean" },
      ],
    });
    expect(aggregationFieldType(c.thing, "attributes.a")).toBe("Number");
    const c2 = update({ thingIndexingMode: "REGISTRY_AND_SHADOW", customFields: [{ name: "attributes.b", type: "String" }] }, c);
    expect(c2.thing.customFields).toEqual([{ name: "attributes.b", type: "String" }]);
    // Leaving thing indexing alone keeps it.
    expect(parseIndexingUpdate({ thingGroupIndexingConfiguration: { thingGroupIndexingMode: "ON" } }, c2).thing).toBe(c2.thing);
  });

  it.each([
    [{ thingIndexingMode: "REGISTRY", customFields: [{ name: "shadow.reported.x", type: "Number" }] }, /REGISTRY_AND_SHADOW/],
    [{ thingIndexingMode: "REGISTRY", customFields: [{ name: "registry.version", type: "Number" }] }, /managed field/],
    [{ thingIndexingMode: "REGISTRY", customFields: [{ name: "attributes.x", type: "Date" }] }, /enum value set/],
    [{ thingIndexingMode: "OFF", thingConnectivityIndexingMode: "STATUS" }, /requires thingIndexingMode/],
    [{ thingIndexingMode: "NOPE" }, /thingIndexingConfiguration\.thingIndexingMode/],
    [{}, /Member must not be null/],
    [
      { thingIndexingMode: "REGISTRY", namedShadowIndexingMode: "ON", filter: { namedShadowNames: Array.from({ length: 11 }, (_, i) => `s${i}`) } },
      /limit of 10/,
    ],
    [{ thingIndexingMode: "REGISTRY", filter: { namedShadowNames: ["no spaces"] } }, /regular expression/],
  ])("refuses %j", (config, message) => {
    expect(() => update(config)).toThrowError(message);
  });
});

import { describe, expect, it } from "vitest";
import { buildSearchFields, type IndexingConfig } from "./fields";

const cfg: IndexingConfig = {
  thingIndexingMode: "REGISTRY_AND_SHADOW",
  connectivity: true,
  namedShadows: ["config"],
  managedFields: [
    { name: "thingName", type: "String" },
    { name: "connectivity.connected", type: "Boolean" },
    { name: "shadow.name.*.hasDelta", type: "Boolean" },
  ],
  customFields: [
    { name: "attributes.cpu", type: "Number" },
    { name: "shadow.reported.agent.version", type: "String" },
  ],
};

describe("buildSearchFields", () => {
  it("lists managed, then custom, then registry attribute fields, each once", () => {
    const out = buildSearchFields(cfg, "ACTIVE", ["os", "cpu", "customer", "os", "has space"]);
    expect(out.indexing).toEqual({ thingIndexingMode: "REGISTRY_AND_SHADOW", connectivity: true, namedShadows: ["config"] });
    expect(out.indexStatus).toBe("ACTIVE");
    const byName = Object.fromEntries(out.fields.map((f) => [f.name, f]));
    expect(out.fields.slice(0, 2).map((f) => f.name)).toEqual(["thingName", "connectivity.connected"]);
    expect(byName["shadow.hasDelta"]).toEqual({ name: "shadow.hasDelta", type: "Boolean", source: "managed" });
    expect(byName["shadow.name.config.hasDelta"]?.source).toBe("managed");
    expect(byName["shadow.name.*.hasDelta"]).toBeUndefined();
    expect(byName["connectivity.timestamp"]).toEqual({ name: "connectivity.timestamp", type: "Number", source: "managed" });
    expect(byName["attributes.cpu"]).toEqual({ name: "attributes.cpu", type: "Number", source: "custom" });
    expect(out.fields.filter((f) => f.source === "attribute").map((f) => f.name)).toEqual(["attributes.customer", "attributes.os"]);
    expect(new Set(out.fields.map((f) => f.name)).size).toBe(out.fields.length);
  });

  it("offers no shadow or connectivity fields that are not indexed", () => {
    const names = buildSearchFields(
      { ...cfg, thingIndexingMode: "REGISTRY", connectivity: false, namedShadows: [], managedFields: [], customFields: [] },
      "ACTIVE",
      [],
    ).fields.map((f) => f.name);
    expect(names).toContain("thingTypeName");
    expect(names.some((n) => n.startsWith("shadow.") || n.startsWith("connectivity."))).toBe(false);
  });

  it("has no fields and no status when indexing is off", () => {
    expect(buildSearchFields({ ...cfg, thingIndexingMode: "OFF" }, "ACTIVE", ["os"])).toMatchObject({ indexStatus: null, fields: [] });
  });
});

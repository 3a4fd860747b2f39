import { describe, expect, it } from "vitest";
import type { ThingSearchRow } from "./contract";
import { columnOptions, discoverShadowFields, isColumnName, moveColumn, normalizeColumns, numericColumns, tableCell } from "./table-columns";

const row: ThingSearchRow = {
  thingName: "agent-0001",
  thingId: "id-1",
  thingTypeName: "linux-agent",
  thingGroupNames: ["acme-fra-servers", "billing-gold"],
  attributes: { customer: "acme", agentVersion: "7.2.1" },
  connectivity: { connected: false, timestampMs: 1_700_000_000_000, disconnectReason: "CONNECTION_LOST" },
  shadow: {
    reported: { agent: { version: "7.2.1", modules: ["av", "edr"] }, "cpu.load": 0.5, ok: true, list: [{ a: 1 }] },
    desired: { mode: "strict" },
    metadata: { reported: { agent: { version: { timestamp: 1 } } } },
    hasDelta: true,
    name: { config: { reported: { level: 3 }, metadata: { x: 1 } } },
  },
};

describe("tableCell", () => {
  it("shows text, numbers right-aligned, lists joined, timestamps in UTC, missing as empty", () => {
    expect(tableCell(row, "attributes.customer")).toEqual({ text: "acme", empty: false, numeric: false });
    expect(tableCell(row, "shadow.reported.cpu.load")).toEqual({ text: "0.5", empty: false, numeric: true });
    expect(tableCell(row, "thingGroupNames").text).toBe("acme-fra-servers, billing-gold");
    expect(tableCell(row, "shadow.reported.agent.modules").text).toBe("av, edr");
    expect(tableCell(row, "connectivity.connected").text).toBe("false");
    expect(tableCell(row, "connectivity.timestamp").text).toBe("2023-11-14 22:13:20 UTC");
    expect(tableCell(row, "attributes.site")).toEqual({ text: "", empty: true, numeric: false });
    expect(tableCell({ ...row, shadow: null }, "shadow.reported.ok").empty).toBe(true);
  });
});

describe("normalizeColumns", () => {
  it("puts the name first, drops duplicates and invalid names, falls back when empty", () => {
    expect(normalizeColumns(["attributes.customer", "thingName", "attributes.customer", "bad field", ""], [])).toEqual(["thingName", "attributes.customer"]);
    expect(normalizeColumns(null, ["thingTypeName"])).toEqual(["thingName", "thingTypeName"]);
    expect(normalizeColumns([], ["thingName", "x"])).toEqual(["thingName", "x"]);
  });

  it("caps the number of columns", () => {
    expect(
      normalizeColumns(
        Array.from({ length: 50 }, (_, i) => `attributes.a${i}`),
        [],
      ),
    ).toHaveLength(30);
  });

  it("accepts field paths and refuses what the URL cannot carry", () => {
    expect(isColumnName("shadow.name.$cfg.reported.a-b")).toBe(true);
    expect(isColumnName("attributes.a,b")).toBe(false);
    expect(isColumnName("a..b")).toBe(false);
    expect(isColumnName("")).toBe(false);
  });
});

describe("moveColumn / numericColumns", () => {
  it("swaps neighbours and never moves the name column", () => {
    const cols = ["thingName", "a", "b", "c"];
    expect(moveColumn(cols, 2, -1)).toEqual(["thingName", "b", "a", "c"]);
    expect(moveColumn(cols, 1, -1)).toEqual(cols);
    expect(moveColumn(cols, 3, 1)).toEqual(cols);
    expect(moveColumn(cols, 0, 1)).toEqual(cols);
  });

  it("marks Number fields", () => {
    expect(numericColumns(["thingName", "shadow.reported.load"], [{ name: "shadow.reported.load", type: "Number", source: "custom" }])).toEqual(
      new Set(["shadow.reported.load"]),
    );
  });
});

describe("discoverShadowFields / columnOptions", () => {
  it("flattens shadow leaves the way the index names them, without metadata or arrays of objects", () => {
    expect(discoverShadowFields([row])).toEqual([
      "shadow.desired.mode",
      "shadow.hasDelta",
      "shadow.name.config.reported.level",
      "shadow.reported.agent.modules",
      "shadow.reported.agent.version",
      "shadow.reported.cpu.load",
      "shadow.reported.ok",
    ]);
    expect(discoverShadowFields([row], 10, 2)).toHaveLength(2);
  });

  it("groups fields once each, managed first", () => {
    const opts = columnOptions(
      [
        { name: "thingName", type: "String", source: "managed" },
        { name: "attributes.customer", type: "String", source: "attribute" },
        { name: "attributes.customer", type: "String", source: "custom" },
        { name: "shadow.reported.load", type: "Number", source: "custom" },
      ],
      ["shadow.reported.load", "shadow.reported.agent.version"],
    );
    expect(opts.map((o) => `${o.group}:${o.name}`)).toEqual([
      "Managed:thingName",
      "Attributes:attributes.customer",
      "Shadow:shadow.reported.agent.version",
      "Shadow:shadow.reported.load",
    ]);
    expect(opts.find((o) => o.name === "shadow.reported.load")?.type).toBe("Number");
  });
});

import { describe, expect, it } from "vitest";
import type { ThingSearchRow } from "./contract";
import { columnValue, csvField, csvHeader, csvLine, jsonLine, parseColumns, valueAtPath } from "./export-columns";

const row: ThingSearchRow = {
  thingName: "agent-7",
  thingId: "id-7",
  thingTypeName: "linux-agent",
  thingGroupNames: ["acme", "acme-paris"],
  attributes: { os: "linux", "build.channel": "beta", evil: '=HYPERLINK("http://x")' },
  connectivity: { connected: false, timestampMs: 1_700_000_000_000, disconnectReason: "CONNECTION_LOST" },
  shadow: {
    reported: { agent: { version: "7.1.0", cpu: -5 }, "disk.free": 12, ports: [22, 443], tags: [{ a: 1 }] },
    desired: { mode: "strict" },
    delta: { mode: "strict" },
    name: { config: { reported: { level: 3 } } },
  },
};

describe("columnValue", () => {
  it("reads registry, attribute and connectivity columns", () => {
    expect(columnValue(row, "thingName")).toBe("agent-7");
    expect(columnValue(row, "registry.thingTypeName")).toBe("linux-agent");
    expect(columnValue(row, "thingGroupNames")).toEqual(["acme", "acme-paris"]);
    expect(columnValue(row, "attributes.os")).toBe("linux");
    expect(columnValue(row, "attributes.build.channel")).toBe("beta");
    expect(columnValue(row, "attributes.missing")).toBeUndefined();
    expect(columnValue(row, "connectivity.connected")).toBe(false);
    expect(columnValue(row, "connectivity.timestamp")).toBe(1_700_000_000_000);
    expect(columnValue(row, "connectivity.disconnectReason")).toBe("CONNECTION_LOST");
  });

  it("reads nested and flattened shadow fields, classic and named", () => {
    expect(columnValue(row, "shadow.reported.agent.version")).toBe("7.1.0");
    expect(columnValue(row, "shadow.reported.disk.free")).toBe(12);
    expect(columnValue(row, "shadow.reported.ports")).toEqual([22, 443]);
    expect(columnValue(row, "shadow.name.config.reported.level")).toBe(3);
    expect(columnValue(row, "shadow.desired.nope")).toBeUndefined();
    expect(columnValue(row, "shadow.hasDelta")).toBe(true);
    expect(columnValue({ ...row, shadow: null }, "shadow.reported.agent.version")).toBeUndefined();
    expect(columnValue({ ...row, connectivity: null }, "connectivity.connected")).toBeUndefined();
  });

  it("prefers the longest matching key but falls back to nesting", () => {
    expect(valueAtPath({ "a.b": { c: 1 }, a: { b: { c: 2, d: 3 } } }, ["a", "b", "c"])).toBe(1);
    expect(valueAtPath({ "a.b": { c: 1 }, a: { b: { c: 2, d: 3 } } }, ["a", "b", "d"])).toBe(3);
  });
});

describe("CSV", () => {
  it("quotes every field, doubles quotes, and defuses formulas in text", () => {
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("=1+2")).toBe(`"'=1+2"`);
    expect(csvField("+cmd")).toBe(`"'+cmd"`);
    expect(csvField("-x")).toBe(`"'-x"`);
    expect(csvField("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvField("\tx")).toBe(`"'\tx"`);
    expect(csvField(-5)).toBe('"-5"');
    expect(csvField(true)).toBe('"true"');
    expect(csvField(undefined)).toBe('""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
  });

  it("writes a header of the requested columns and one line per row", () => {
    const columns = [
      "thingName",
      "attributes.os",
      "attributes.evil",
      "thingGroupNames",
      "shadow.reported.agent.cpu",
      "shadow.reported.tags",
      "connectivity.connected",
      "attributes.none",
    ];
    expect(csvHeader(columns)).toBe(columns.map((c) => `"${c}"`).join(",") + "\r\n");
    expect(csvLine(row, columns)).toBe(
      ['"agent-7"', '"linux"', `"'=HYPERLINK(""http://x"")"`, '"acme;acme-paris"', '"-5"', '"[{""a"":1}]"', '"false"', '""'].join(",") + "\r\n",
    );
  });
});

describe("jsonLine", () => {
  it("writes the whole row as one line", () => {
    const line = jsonLine({ ...row, attributes: { note: "two\nlines" } });
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ ...row, attributes: { note: "two\nlines" } });
  });
});

describe("parseColumns", () => {
  it("splits, trims and de-duplicates", () => {
    expect(parseColumns(" thingName, attributes.os,,thingName ")).toEqual({ ok: true, columns: ["thingName", "attributes.os"] });
    expect(parseColumns(null)).toEqual({ ok: true, columns: [] });
  });

  it("refuses what cannot be a field path, and too many columns", () => {
    expect(parseColumns("thing name")).toMatchObject({ ok: false });
    expect(parseColumns('a"b')).toMatchObject({ ok: false });
    expect(parseColumns(Array.from({ length: 101 }, (_, i) => `attributes.a${i}`).join(","))).toMatchObject({ ok: false });
  });
});

import { describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
const { awsRequestIdOf, parseShadow, toConnectivity, toIndexingConfig, toIndexStatus, toSearchRow, toStatistics } = await import("./fleet-index");
const { AppError } = await import("@/lib/errors");

describe("toSearchRow", () => {
  it("turns a ThingDocument into a row: shadow parsed from its JSON string, connectivity timestamp in ms", () => {
    const shadow = { reported: { agent: { version: "7.1.0" } }, desired: { mode: "strict" }, hasDelta: true, version: 12 };
    const row = toSearchRow({
      thingName: "agent-0001",
      thingId: "4a1b",
      thingTypeName: "linux-agent",
      thingGroupNames: ["customer-acme", "billing-gold"],
      attributes: { os: "linux", agentVersion: "7.1.0" },
      shadow: JSON.stringify(shadow),
      deviceDefender: '{"violationCount":0}',
      connectivity: { connected: false, timestamp: 1_700_000_000_123, disconnectReason: "CONNECTION_LOST" },
    });
    expect(row).toEqual({
      thingName: "agent-0001",
      thingId: "4a1b",
      thingTypeName: "linux-agent",
      thingGroupNames: ["customer-acme", "billing-gold"],
      attributes: { os: "linux", agentVersion: "7.1.0" },
      connectivity: { connected: false, timestampMs: 1_700_000_000_123, disconnectReason: "CONNECTION_LOST" },
      shadow,
    });
  });

  it("fills what the index leaves out (registry-only indexing, no type, never connected)", () => {
    expect(toSearchRow({ thingName: "bare" })).toEqual({
      thingName: "bare",
      thingId: "",
      thingTypeName: null,
      thingGroupNames: [],
      attributes: {},
      connectivity: null,
      shadow: null,
    });
    expect(toConnectivity({ connected: false })).toEqual({ connected: false, timestampMs: null, disconnectReason: null });
    expect(toConnectivity({ connected: true, timestamp: 5, disconnectReason: "" })).toEqual({ connected: true, timestampMs: 5, disconnectReason: null });
  });

  it("treats an unparsable shadow as absent instead of failing the page", () => {
    expect(parseShadow("{not json")).toBeNull();
    expect(parseShadow("")).toBeNull();
    expect(parseShadow('{"name":{"config":{"reported":{"x":1}}}}')).toEqual({ name: { config: { reported: { x: 1 } } } });
  });
});

describe("toIndexingConfig / toIndexStatus", () => {
  it("reads modes, named shadows and typed fields", () => {
    const cfg = toIndexingConfig({
      thingIndexingConfiguration: {
        thingIndexingMode: "REGISTRY_AND_SHADOW",
        thingConnectivityIndexingMode: "STATUS",
        namedShadowIndexingMode: "ON",
        filter: { namedShadowNames: ["config"] },
        managedFields: [
          { name: "thingName", type: "String" },
          { name: "connectivity.connected", type: "Boolean" },
          { name: "weird", type: "Geo" as never },
        ],
        customFields: [{ name: "attributes.cpu", type: "Number" }],
      },
    });
    expect(cfg).toEqual({
      thingIndexingMode: "REGISTRY_AND_SHADOW",
      connectivity: true,
      namedShadows: ["config"],
      managedFields: [
        { name: "thingName", type: "String" },
        { name: "connectivity.connected", type: "Boolean" },
      ],
      customFields: [{ name: "attributes.cpu", type: "Number" }],
    });
  });

  it("reads a missing configuration as indexing off", () => {
    expect(toIndexingConfig({})).toEqual({ thingIndexingMode: "OFF", connectivity: false, namedShadows: [], managedFields: [], customFields: [] });
    expect(
      toIndexingConfig({ thingIndexingConfiguration: { thingIndexingMode: "REGISTRY", namedShadowIndexingMode: "OFF", filter: { namedShadowNames: ["x"] } } })
        .namedShadows,
    ).toEqual([]);
    expect(toIndexStatus({ indexStatus: "REBUILDING" })).toBe("REBUILDING");
    expect(toIndexStatus({})).toBeNull();
  });
});

describe("toStatistics", () => {
  it("keeps only the statistics AWS gave (a String field gives only the count)", () => {
    expect(toStatistics({ count: 3 })).toEqual({ count: 3 });
    expect(toStatistics({ count: 4, average: 2.5, sum: 10, minimum: 1, maximum: 4, stdDeviation: 1.1, variance: 1.25, sumOfSquares: 30 })).toEqual({
      count: 4,
      average: 2.5,
      sum: 10,
      minimum: 1,
      maximum: 4,
      stdDeviation: 1.1,
    });
    expect(toStatistics(undefined)).toEqual({ count: 0 });
  });
});

describe("awsRequestIdOf", () => {
  it("finds the request id on an SDK answer or behind an AppError's cause", () => {
    expect(awsRequestIdOf({ $metadata: { requestId: "req-1" } })).toBe("req-1");
    const sdkError = Object.assign(new Error("x"), { $metadata: { requestId: "req-2", httpStatusCode: 409 } });
    expect(awsRequestIdOf(new AppError("conflict", "m", { cause: sdkError }))).toBe("req-2");
    expect(awsRequestIdOf(new Error("no id"))).toBeNull();
    expect(awsRequestIdOf(null)).toBeNull();
  });
});

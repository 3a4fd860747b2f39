import { describe, expect, it } from "vitest";
import { deltaLeafPaths } from "@/lib/shadow-document";
import { awaitingDevice, compareSections, differencesFirst, metadataTimeMs, newestTimestamp } from "./compare";
import type { JsonObject } from "./types";

const T = 1_790_000_000; // epoch seconds
const meta = (v: unknown, ts: number): JsonObject => {
  if (Array.isArray(v)) return v.map((x) => meta(x, ts)) as unknown as JsonObject;
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, meta(x, ts)]));
  return { timestamp: ts };
};

describe("compareSections", () => {
  const desired = { policy: { mode: "prevent" }, blocklist: { version: 1042 }, tags: ["pci", "critical"], interval: "60" };
  const reported = {
    policy: { mode: "detect", cloudLookup: true },
    blocklist: { version: 1042 },
    tags: ["pci", "critical"],
    interval: 60,
    agent: { version: "7.2.1" },
  };
  const delta = { policy: { mode: "prevent" }, interval: "60" };
  const c = compareSections(desired, reported, { desired: meta(desired, T), reported: meta(reported, T - 3600) }, delta);
  const byPath = Object.fromEntries(c.rows.map((r) => [r.path.join("."), r]));

  it("flattens objects to leaf paths and classifies each", () => {
    expect(Object.fromEntries(c.rows.map((r) => [r.path.join("."), r.status]))).toEqual({
      "policy.mode": "pending",
      "policy.cloudLookup": "reported_only",
      "blocklist.version": "in_sync",
      tags: "in_sync",
      interval: "type_mismatch",
      "agent.version": "reported_only",
    });
  });

  it("keeps the values and says why a row is pending", () => {
    expect(byPath["policy.mode"]).toMatchObject({ desired: "prevent", reported: "detect", pendingReason: "differs" });
    expect(byPath["agent.version"]).toMatchObject({ reported: "7.2.1" });
    expect("desired" in byPath["agent.version"]).toBe(false);
  });

  it("dates each side from its metadata (epoch seconds → ms)", () => {
    expect(byPath["policy.mode"].desiredAtMs).toBe(T * 1000);
    expect(byPath["policy.mode"].reportedAtMs).toBe((T - 3600) * 1000);
    expect(byPath["agent.version"].desiredAtMs).toBeNull();
  });

  it("marks the rows AWS's delta lists", () => {
    expect(c.rows.filter((r) => r.inDelta).map((r) => r.path.join("."))).toEqual(["policy.mode", "interval"]);
  });

  it("counts each status and the oldest pending write", () => {
    expect(c.summary).toEqual({ total: 6, inSync: 2, pending: 1, reportedOnly: 2, typeMismatch: 1, oldestPendingAtMs: T * 1000 });
  });

  it("compares arrays as whole values, like AWS", () => {
    const r = compareSections({ tags: ["a", "b"] }, { tags: ["b", "a"] });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ path: ["tags"], status: "pending", pendingReason: "differs" });
  });

  it("walks a desired object the device has not reported at all: each leaf is pending", () => {
    const r = compareSections({ config: { logLevel: "info", upload: { every: 5 } } }, {});
    expect(r.rows.map((x) => [x.path.join("."), x.status, x.pendingReason])).toEqual([
      ["config.logLevel", "pending", "not_reported"],
      ["config.upload.every", "pending", "not_reported"],
    ]);
  });

  it("calls an object on one side and a scalar on the other a type mismatch", () => {
    const r = compareSections({ policy: { mode: "prevent" } }, { policy: "off" });
    expect(r.rows).toEqual([expect.objectContaining({ path: ["policy"], status: "type_mismatch", desired: { mode: "prevent" }, reported: "off" })]);
  });

  it("handles missing sections", () => {
    expect(compareSections(null, null).rows).toEqual([]);
    expect(compareSections({ a: 1 }, null).rows[0]).toMatchObject({ status: "pending", pendingReason: "not_reported" });
    expect(compareSections(null, { a: 1 }).rows[0]).toMatchObject({ status: "reported_only" });
  });

  it("reads keys as own properties (a document may hold __proto__ or toString)", () => {
    const desired = JSON.parse('{"__proto__": {"x": 1}, "toString": 2}') as JsonObject;
    const r = compareSections(desired, { toString: 2 });
    expect(r.rows.map((x) => [x.path.join("."), x.status])).toEqual([
      ["__proto__.x", "pending"],
      ["toString", "in_sync"],
    ]);
  });

  it("shows keys named __proto__, constructor and prototype with their timestamps and delta", () => {
    const parse = (text: string) => JSON.parse(text) as JsonObject;
    const r = compareSections(
      parse('{"__proto__":{"x":1,"y":2},"constructor":"a"}'),
      parse('{"__proto__":{"x":1,"y":3},"prototype":{"z":0}}'),
      {
        desired: parse('{"__proto__":{"x":{"timestamp":5},"y":{"timestamp":7}},"constructor":{"timestamp":6}}'),
        reported: parse('{"__proto__":{"x":{"timestamp":4},"y":{"timestamp":8}},"prototype":{"z":{"timestamp":3}}}'),
      },
      parse('{"__proto__":{"y":2},"constructor":"a"}'),
    );
    expect(r.rows.map((x) => [x.path.join("."), x.status, x.inDelta, x.desiredAtMs, x.reportedAtMs])).toEqual([
      ["__proto__.x", "in_sync", false, 5_000, 4_000],
      ["__proto__.y", "pending", true, 7_000, 8_000],
      ["constructor", "pending", true, 6_000, null],
      ["prototype.z", "reported_only", false, null, 3_000],
    ]);
    expect(r.summary).toMatchObject({ total: 4, inSync: 1, pending: 2, reportedOnly: 1 });
    expect(deltaLeafPaths(parse('{"__proto__":{"y":2}}'))).toEqual([["__proto__", "y"]]);
  });
});

describe("metadata timestamps", () => {
  it("takes the newest leaf below a path (an array's elements, an object's keys)", () => {
    const m = { tags: [{ timestamp: 10 }, { timestamp: 30 }], a: { b: { timestamp: 20 }, c: { timestamp: 25 } } } as unknown as JsonObject;
    expect(metadataTimeMs(m, ["tags"])).toBe(30_000);
    expect(metadataTimeMs(m, ["a"])).toBe(25_000);
    expect(metadataTimeMs(m, ["a", "b"])).toBe(20_000);
    expect(metadataTimeMs(m, ["missing"])).toBeNull();
    expect(metadataTimeMs(null, ["a"])).toBeNull();
  });

  it("does not mistake a document key named timestamp for leaf metadata", () => {
    // desired { "timestamp": 5 } → metadata { "timestamp": { "timestamp": T } }
    const m = { timestamp: { timestamp: 42 } } as unknown as JsonObject;
    expect(metadataTimeMs(m, ["timestamp"])).toBe(42_000);
    expect(newestTimestamp({ timestamp: 7 })).toBe(7);
  });
});

describe("deltaLeafPaths (the rows' inDelta)", () => {
  it("lists leaf paths, arrays whole, {} as a leaf", () => {
    expect(deltaLeafPaths({ a: { b: 1, c: [1, 2] }, d: "x", e: {} })).toEqual([["a", "b"], ["a", "c"], ["d"], ["e"]]);
    expect(deltaLeafPaths(null)).toEqual([]);
    expect(deltaLeafPaths(undefined)).toEqual([]);
  });
});

describe("differencesFirst", () => {
  it("puts type mismatches, then pending (oldest first), then reported-only, then in sync", () => {
    const r = compareSections(
      { a: 1, b: 2, c: "x", d: 4 },
      { a: 1, b: 3, c: 5, d: 5, e: 0 },
      { desired: { a: { timestamp: 1 }, b: { timestamp: 50 }, c: { timestamp: 9 }, d: { timestamp: 10 } }, reported: null },
    );
    expect(differencesFirst(r.rows).map((x) => x.path[0])).toEqual(["c", "d", "b", "e", "a"]);
  });
});

describe("awaitingDevice", () => {
  it("keeps the written keys the device has not reported yet", () => {
    const { rows } = compareSections({ a: 1, b: 2, c: "x" }, { a: 1, b: 3, c: 5 });
    expect(awaitingDevice(rows, [["a"], ["b"], ["c"], ["gone"]])).toEqual([["b"], ["c"]]);
  });
});

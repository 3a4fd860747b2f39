import { describe, expect, it } from "vitest";
import { computeDelta, latestTimestamp, shadowPending, thingPending } from "./pending";

const T0 = 1_795_400_000; // epoch seconds
const ts = (t: number) => ({ timestamp: t });

/** A shadow as the fleet index puts it in the ThingDocument's `shadow` JSON (emulator and AWS docs). */
function indexed(desired: object, reported: object, meta: { desired?: object; reported?: object }, extra: object = {}) {
  const delta = computeDelta(desired, reported);
  return { desired, reported, ...(delta ? { delta } : {}), metadata: meta, hasDelta: delta !== undefined, version: 3, ...extra };
}

describe("computeDelta", () => {
  it("keeps the path to each differing leaf, compares arrays whole, ignores reported-only fields", () => {
    const desired = { policy: { mode: "prevent", cloudLookup: true }, blocklist: { version: 1042 }, tags: ["a", "b"], same: 1 };
    const reported = { policy: { mode: "detect", cloudLookup: true }, blocklist: { version: 1042, entries: 3 }, tags: ["a"], same: 1, extra: true };
    expect(computeDelta(desired, reported)).toEqual({ policy: { mode: "prevent" }, tags: ["a", "b"] });
  });

  it("copies a whole object the agent does not report at all, and is undefined when in sync", () => {
    expect(computeDelta({ config: { level: "info" } }, {})).toEqual({ config: { level: "info" } });
    expect(computeDelta({ a: { b: 1 } }, { a: { b: 1 } })).toBeUndefined();
    expect(computeDelta(undefined, { a: 1 })).toBeUndefined();
  });

  it("keeps keys named __proto__, constructor and prototype as keys", () => {
    const desired = JSON.parse('{"__proto__":{"x":1,"y":2},"constructor":{"a":1},"prototype":3}');
    const reported = JSON.parse('{"__proto__":{"x":1},"constructor":{"a":0}}');
    const delta = computeDelta(desired, reported)!;
    expect(Object.keys(delta)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(Object.getPrototypeOf(delta)).toBe(Object.prototype);
    expect(JSON.stringify(delta)).toBe('{"__proto__":{"y":2},"constructor":{"a":1},"prototype":3}');
  });
});

describe("latestTimestamp", () => {
  it("reads a leaf, the newest element of an array, and nothing from empty metadata", () => {
    expect(latestTimestamp(ts(T0))).toBe(T0);
    expect(latestTimestamp([ts(T0), ts(T0 + 5)])).toBe(T0 + 5);
    expect(latestTimestamp({ a: ts(T0), b: { c: ts(T0 + 9) } })).toBe(T0 + 9);
    expect(latestTimestamp([])).toBeNull();
    expect(latestTimestamp({})).toBeNull();
    expect(latestTimestamp(undefined)).toBeNull();
    expect(latestTimestamp({ timestamp: "yesterday" })).toBeNull();
  });

  it("brings a millisecond timestamp back to seconds (shadow timestamps are seconds)", () => {
    expect(latestTimestamp(ts(T0 * 1000 + 123))).toBe(T0);
  });
});

describe("shadowPending", () => {
  it("lists pending keys under __proto__ (the delta computed here, or the index's)", () => {
    const text =
      '{"desired":{"__proto__":{"mode":"prevent"}},"reported":{"__proto__":{"mode":"detect"}},"metadata":{"desired":{"__proto__":{"mode":{"timestamp":1795400000}}}}}';
    const computed = shadowPending("classic", JSON.parse(text));
    expect(computed).toEqual({
      shadow: "classic",
      hasDelta: true,
      keys: [{ shadow: "classic", path: "__proto__.mode", sinceSec: T0, reported: true, error: null }],
    });
    const withDelta = JSON.parse(text.replace('"metadata"', '"delta":{"__proto__":{"mode":"prevent"}},"hasDelta":true,"metadata"'));
    expect(shadowPending("classic", withDelta)).toEqual(computed);
  });

  it("lists each pending leaf flattened with dots, with its desired timestamp and whether the agent reports it", () => {
    const doc = indexed(
      { policy: { mode: "prevent" }, blocklist: { version: 1042 }, feature: { x: { enabled: true } } },
      { policy: { mode: "detect" }, blocklist: { version: 1040 } },
      { desired: { policy: { mode: ts(T0 + 10) }, blocklist: { version: ts(T0) }, feature: { x: { enabled: ts(T0 + 20) } } } },
    );
    const p = shadowPending("classic", doc);
    expect(p.hasDelta).toBe(true);
    expect(p.keys).toEqual([
      { shadow: "classic", path: "policy.mode", sinceSec: T0 + 10, reported: true, error: null },
      { shadow: "classic", path: "blocklist.version", sinceSec: T0, reported: true, error: null },
      { shadow: "classic", path: "feature.x.enabled", sinceSec: T0 + 20, reported: false, error: null },
    ]);
  });

  it("marks the keys the agent reports failing to apply (reported.lastError naming them)", () => {
    const doc = indexed(
      { policy: { mode: "prevent" }, blocklist: { version: 9 } },
      {
        policy: { mode: "detect" },
        blocklist: { version: 8 },
        lastError: { code: "POLICY_LOCKED", message: "locked by local admin", at: T0, keys: ["policy.mode"] },
      },
      { desired: { policy: { mode: ts(T0) }, blocklist: { version: ts(T0) } } },
    );
    expect(shadowPending("classic", doc).keys.map((k) => [k.path, k.error])).toEqual([
      ["policy.mode", "POLICY_LOCKED"],
      ["blocklist.version", null],
    ]);
    const noCode = indexed({ a: 1 }, { a: 2, lastError: { keys: ["a", 5] } }, { desired: { a: ts(T0) } });
    expect(shadowPending("classic", noCode).keys[0]!.error).toBe("error");
    const malformed = indexed({ a: 1 }, { a: 2, lastError: "boom" }, { desired: { a: ts(T0) } });
    expect(shadowPending("classic", malformed).keys[0]!.error).toBeNull();
  });

  it("treats a pending array as one key, timed by its newest element", () => {
    const doc = indexed({ hashes: ["a", "b"] }, { hashes: ["a"] }, { desired: { hashes: [ts(T0), ts(T0 + 1)] } });
    expect(shadowPending("classic", doc).keys).toEqual([{ shadow: "classic", path: "hashes", sinceSec: T0 + 1, reported: true, error: null }]);
  });

  it("keeps keys that contain dots as one segment of the path", () => {
    const doc = indexed({ "a.b": 1 }, { "a.b": 2 }, { desired: { "a.b": ts(T0) } });
    expect(shadowPending("classic", doc).keys).toEqual([{ shadow: "classic", path: "a.b", sinceSec: T0, reported: true, error: null }]);
  });

  it("computes the delta when the document has none, and says no timestamp when metadata lacks one", () => {
    const doc = { desired: { level: "info" }, reported: { level: "debug" } };
    expect(shadowPending("config", doc)).toEqual({
      shadow: "config",
      hasDelta: true,
      keys: [{ shadow: "config", path: "level", sinceSec: null, reported: true, error: null }],
    });
  });

  it("follows the index's hasDelta flag: false means nothing pending", () => {
    expect(shadowPending("classic", { desired: { a: 1 }, reported: { a: 1 }, hasDelta: false })).toEqual({ shadow: "classic", hasDelta: false, keys: [] });
    expect(shadowPending("classic", { desired: { a: 1 }, reported: { a: 2 }, delta: { a: 1 }, hasDelta: false }).keys).toEqual([]);
  });

  it("is total on malformed input", () => {
    expect(shadowPending("classic", null)).toEqual({ shadow: "classic", hasDelta: false, keys: [] });
    expect(shadowPending("classic", "{}")).toEqual({ shadow: "classic", hasDelta: false, keys: [] });
    expect(shadowPending("classic", { desired: 5, reported: [] }).keys).toEqual([]);
    // A delta flag with an unreadable delta: drifted, keys unknown.
    expect(shadowPending("classic", { hasDelta: true, delta: "x" })).toEqual({ shadow: "classic", hasDelta: true, keys: [] });
  });
});

describe("thingPending", () => {
  it("reads the classic shadow at the top and named shadows under `name`, in the indexing filter's order", () => {
    const doc = {
      ...indexed({ a: 1 }, { a: 2 }, { desired: { a: ts(T0) } }),
      name: {
        zeta: indexed({ z: 1 }, { z: 1 }, { desired: { z: ts(T0) } }),
        config: indexed({ logLevel: "info" }, { logLevel: "debug" }, { desired: { logLevel: ts(T0 + 3) } }),
      },
    };
    const out = thingPending(doc, ["config"]);
    expect(out.map((s) => [s.shadow, s.hasDelta, s.keys.map((k) => k.path)])).toEqual([
      ["classic", true, ["a"]],
      ["config", true, ["logLevel"]],
      ["zeta", false, []],
    ]);
  });

  it("has no classic entry when only named shadows are indexed, and nothing for a thing without shadows", () => {
    const doc = { name: { config: indexed({ a: 1 }, {}, { desired: { a: ts(T0) } }) } };
    expect(thingPending(doc).map((s) => s.shadow)).toEqual(["config"]);
    expect(thingPending(null)).toEqual([]);
    expect(thingPending({})).toEqual([]);
  });
});

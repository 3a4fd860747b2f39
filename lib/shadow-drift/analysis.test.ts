import { describe, expect, it } from "vitest";
import type { ThingSearchRow } from "@/lib/fleet-index/types";
import { ageClassOf, filterThings, matchesFilter, median, pendingKeyStats, toDriftThing, type DriftThing } from "./analysis";
import { AGE_CLASSES, type DriftThingFilter, type PendingKey } from "./contract";

const NOW = 1_795_500_000; // epoch seconds
const HOUR = 3600;
const DAY = 86_400;

const key = (path: string, ageSec: number | null, shadow = "classic", reported = true, error: string | null = null): PendingKey => ({
  shadow,
  path,
  sinceSec: ageSec === null ? null : NOW - ageSec,
  reported,
  error,
});

function thing(name: string, opts: { type?: string | null; groups?: string[]; connected?: boolean | null; shadows: Record<string, PendingKey[]> }): DriftThing {
  return {
    thingName: name,
    thingTypeName: opts.type === undefined ? "linux-agent" : opts.type,
    thingGroupNames: opts.groups ?? ["g1"],
    connected: opts.connected === undefined ? true : opts.connected,
    connectivityChangedAtMs: null,
    disconnectReason: null,
    shadows: Object.entries(opts.shadows).map(([shadow, keys]) => ({ shadow, keys })),
  };
}

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([1, 2, 3, 10])).toBe(3); // (2+3)/2 rounded
  });
});

describe("ageClassOf", () => {
  it("places ages in the classes' half-open ranges, skewed future timestamps as new", () => {
    expect(AGE_CLASSES[ageClassOf(0)]!.label).toBe("< 5 min");
    expect(AGE_CLASSES[ageClassOf(-50)]!.label).toBe("< 5 min");
    expect(AGE_CLASSES[ageClassOf(300)]!.label).toBe("5 min – 1 h");
    expect(AGE_CLASSES[ageClassOf(HOUR)]!.label).toBe("1 h – 1 d");
    expect(AGE_CLASSES[ageClassOf(3 * DAY)]!.label).toBe("1 – 7 d");
    expect(AGE_CLASSES[ageClassOf(400 * DAY)]!.label).toBe("> 7 d");
  });
});

describe("toDriftThing", () => {
  const row = (
    shadow: unknown,
    connectivity: ThingSearchRow["connectivity"] = { connected: false, timestampMs: 1_795_499_000_000, disconnectReason: "CONNECTION_LOST" },
  ): ThingSearchRow => ({
    thingName: "agent-1",
    thingId: "id-1",
    thingTypeName: "linux-agent",
    thingGroupNames: ["acme-fra1-servers"],
    attributes: {},
    connectivity,
    shadow,
  });

  it("keeps only the shadows with a delta, and the connectivity (ms) as it is", () => {
    const shadow = {
      desired: { a: 1 },
      reported: { a: 1 },
      hasDelta: false,
      name: {
        config: {
          desired: { logLevel: "info" },
          reported: { logLevel: "debug" },
          delta: { logLevel: "info" },
          metadata: { desired: { logLevel: { timestamp: NOW - 60 } } },
          hasDelta: true,
        },
      },
    };
    expect(toDriftThing(row(shadow), ["config"])).toEqual({
      thingName: "agent-1",
      thingTypeName: "linux-agent",
      thingGroupNames: ["acme-fra1-servers"],
      connected: false,
      connectivityChangedAtMs: 1_795_499_000_000,
      disconnectReason: "CONNECTION_LOST",
      shadows: [{ shadow: "config", keys: [{ shadow: "config", path: "logLevel", sinceSec: NOW - 60, reported: true, error: null }] }],
    });
  });

  it("is null for a thing without drift; connectivity unknown when it is not indexed", () => {
    expect(toDriftThing(row({ desired: { a: 1 }, reported: { a: 1 }, hasDelta: false }))).toBeNull();
    expect(toDriftThing(row(null))).toBeNull();
    expect(toDriftThing(row({ desired: { a: 1 }, reported: {} }, null))?.connected).toBeNull();
  });
});

describe("pendingKeyStats", () => {
  const things = [
    thing("a", { connected: true, shadows: { classic: [key("policy.mode", 2 * DAY), key("blocklist.version", 10 * 60)] } }),
    thing("b", { connected: false, shadows: { classic: [key("policy.mode", 2 * HOUR, "classic", false)] } }),
    thing("c", {
      connected: true,
      shadows: { classic: [key("policy.mode", 30, "classic", true, "POLICY_LOCKED")], config: [key("logLevel", null, "config")] },
    }),
    thing("d", { connected: null, shadows: { classic: [key("blocklist.version", 9 * DAY)] } }),
  ];

  it("counts things per shadow and key, connected and not-reported among them, oldest and median since", () => {
    const stats = pendingKeyStats(things, NOW);
    expect(stats.map((s) => [s.shadow, s.path, s.things])).toEqual([
      ["classic", "policy.mode", 3],
      ["classic", "blocklist.version", 2],
      ["config", "logLevel", 1],
    ]);
    const mode = stats[0]!;
    expect(mode).toMatchObject({ connected: 2, notReported: 1, failing: 1, oldestSinceSec: NOW - 2 * DAY, medianSinceSec: NOW - 2 * HOUR });
    // < 5 min, 5 min – 1 h, 1 h – 1 d, 1 – 7 d, > 7 d, no timestamp
    expect(mode.ageClasses).toEqual([1, 0, 1, 1, 0, 0]);
    expect(stats[1]).toMatchObject({ things: 2, connected: 1, oldestSinceSec: NOW - 9 * DAY, medianSinceSec: Math.round((NOW - 9 * DAY + NOW - 600) / 2) });
    expect(stats[1]!.ageClasses).toEqual([0, 1, 0, 0, 1, 0]);
    expect(stats[2]).toMatchObject({ things: 1, oldestSinceSec: null, medianSinceSec: null, ageClasses: [0, 0, 0, 0, 0, 1] });
  });

  it("counts a key once per thing even when a document repeats it", () => {
    const stats = pendingKeyStats([thing("x", { shadows: { classic: [key("a", 10), key("a", 20)] } })], NOW);
    expect(stats).toHaveLength(1);
    expect(stats[0]!.things).toBe(1);
  });

  it("orders equal counts by the oldest first", () => {
    const stats = pendingKeyStats([thing("x", { shadows: { classic: [key("young", 10), key("old", 1000)] } })], NOW);
    expect(stats.map((s) => s.path)).toEqual(["old", "young"]);
  });
});

describe("filtering the drill-down", () => {
  const things = [
    thing("w-1", { type: "windows-agent", groups: ["acme-servers"], shadows: { classic: [key("policy.mode", 100)] } }),
    thing("l-1", {
      type: "linux-agent",
      groups: ["acme-servers", "billing-gold"],
      shadows: { classic: [key("blocklist.version", 5000)], config: [key("logLevel", 50, "config")] },
    }),
    thing("l-2", { type: "linux-agent", groups: ["globex-pos"], shadows: { config: [key("logLevel", 9000, "config")] } }),
    thing("n-1", { type: null, groups: [], shadows: { classic: [key("policy.mode", null)] } }),
  ];
  const all: DriftThingFilter = { scope: "any", type: null, group: null, key: null };

  it("combines scope, type, group and key", () => {
    const names = (f: Partial<typeof all>) => things.filter((t) => matchesFilter(t, { ...all, ...f })).map((t) => t.thingName);
    expect(names({})).toEqual(["w-1", "l-1", "l-2", "n-1"]);
    expect(names({ scope: "classic" })).toEqual(["w-1", "l-1", "n-1"]);
    expect(names({ scope: "config" })).toEqual(["l-1", "l-2"]);
    expect(names({ type: "linux-agent" })).toEqual(["l-1", "l-2"]);
    expect(names({ group: "acme-servers" })).toEqual(["w-1", "l-1"]);
    expect(names({ group: "billing-gold", scope: "config" })).toEqual(["l-1"]);
    expect(names({ key: "policy.mode" })).toEqual(["w-1", "n-1"]);
    // The key must be pending in a shadow in scope.
    expect(names({ key: "logLevel", scope: "classic" })).toEqual([]);
    expect(names({ key: "logLevel", scope: "config", type: "linux-agent" })).toEqual(["l-1", "l-2"]);
  });

  it("lists the longest-waiting first with the pending keys in scope, no-timestamp last, and cuts at the limit", () => {
    const { matched, rows } = filterThings(things, all, 3);
    expect(matched).toBe(4);
    expect(rows.map((r) => [r.thingName, r.oldestSinceSec === null ? null : NOW - r.oldestSinceSec])).toEqual([
      ["l-2", 9000],
      ["l-1", 5000],
      ["w-1", 100],
    ]);
    expect(rows[1]!.pending.map((k) => `${k.shadow}:${k.path}`)).toEqual(["classic:blocklist.version", "config:logLevel"]);
    expect(rows[1]!.shadows).toEqual(["classic", "config"]);
    const classic = filterThings(things, { ...all, scope: "classic" }, 10).rows;
    expect(classic.find((r) => r.thingName === "l-1")!.pending.map((k) => k.path)).toEqual(["blocklist.version"]);
    expect(classic.at(-1)!.thingName).toBe("n-1");
  });
});

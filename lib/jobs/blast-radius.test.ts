import { describe, expect, it } from "vitest";
import { emptyDraft } from "./draft";
import {
  agentVersionField,
  jobTargetsQuery,
  mergeBuckets,
  narrowed,
  offlineFilters,
  offlineThresholds,
  targetScope,
  termCount,
  termValue,
  type DraftTargets,
  type GroupInfo,
} from "./blast-radius";

const base = emptyDraft(0).targets;
const things = (names: string[]): DraftTargets => ({ ...base, kind: "things", thingNames: names });
const groups = (names: string[]): DraftTargets => ({ ...base, kind: "groups", groupNames: names });
const info = (entries: Array<[string, GroupInfo]>) => new Map(entries);

describe("targetScope", () => {
  it("splits named things into disjoint queries of 9 names (room for 3 connectivity terms)", () => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const s = targetScope(things(names), new Map());
    expect(s.queries).toEqual([
      "thingName:(t0 OR t1 OR t2 OR t3 OR t4 OR t5 OR t6 OR t7 OR t8)",
      "thingName:(t9 OR t10 OR t11 OR t12 OR t13 OR t14 OR t15 OR t16 OR t17)",
      "thingName:(t18 OR t19)",
    ]);
    expect(s).toMatchObject({ namedCount: 20, sampled: false });
    for (const q of s.queries) expect(termCount(q)).toBeLessThanOrEqual(9);
  });

  it("breaks down only a sample of a long list, but counts every name", () => {
    const names = Array.from({ length: 500 }, (_, i) => `t${i}`);
    const s = targetScope(things([...names, "t1"]), new Map());
    expect(s.queries).toHaveLength(10);
    expect(s).toMatchObject({ namedCount: 500, sampled: true });
  });

  it("reaches static groups with their descendants and dynamic groups by their query", () => {
    const s = targetScope(
      groups(["acme", "canary"]),
      info([
        ["acme", { dynamicQuery: null, descendants: ["acme-eu", "acme-us"] }],
        ["canary", { dynamicQuery: "attributes.ring:canary", descendants: [] }],
      ]),
    );
    expect(s.queries).toEqual(["thingGroupNames:(acme OR acme-eu OR acme-us) OR (attributes.ring:canary)"]);
    expect(s.notes).toEqual([]);
  });

  it("falls back to direct members when the descendants pass 12 terms, and says so", () => {
    const kids = Array.from({ length: 15 }, (_, i) => `kid${i}`);
    const s = targetScope(groups(["acme"]), info([["acme", { dynamicQuery: null, descendants: kids }]]));
    expect(s.queries).toEqual(["thingGroupNames:acme"]);
    expect(s.notes[0]).toMatch(/direct members only/);
  });

  it("notes a group that does not exist", () => {
    expect(targetScope(groups(["gone"]), new Map()).notes).toEqual(["The group gone was not found."]);
  });

  it("uses a fleet query as it is", () => {
    expect(targetScope({ ...base, kind: "query", query: " attributes.customer:acme " }, new Map()).queries).toEqual(["attributes.customer:acme"]);
  });
});

describe("query helpers", () => {
  it("quotes values the grammar would misread", () => {
    expect(termValue("abc-1:x")).toBe("abc-1:x");
    expect(termValue("-lead")).toBe('"-lead"');
    expect(termValue("a b")).toBe('"a b"');
  });

  it("narrows a scope only within 12 terms", () => {
    expect(narrowed("thingGroupNames:acme", "connectivity.connected:true")).toBe("(thingGroupNames:acme) AND connectivity.connected:true");
    const eleven = Array.from({ length: 11 }, (_, i) => `a${i}`).join(" OR ");
    expect(narrowed(`thingName:(${eleven})`, "connectivity.connected:false AND connectivity.timestamp<=1")).toBeNull();
  });

  it("buckets offline things by age against the timeout", () => {
    expect(offlineThresholds(null)).toEqual([60, 1440]);
    expect(offlineThresholds(60)).toEqual([60]);
    expect(offlineThresholds(30)).toEqual([30, 60]);
    const now = 10_000_000_000;
    expect(offlineFilters(now, [60, 1440])).toEqual([
      { minMinutes: 0, maxMinutes: 60, filter: `connectivity.connected:false AND connectivity.timestamp>${now - 3_600_000}` },
      {
        minMinutes: 60,
        maxMinutes: 1440,
        filter: `connectivity.connected:false AND connectivity.timestamp<=${now - 3_600_000} AND connectivity.timestamp>${now - 86_400_000}`,
      },
      { minMinutes: 1440, maxMinutes: null, filter: `connectivity.connected:false AND connectivity.timestamp<=${now - 86_400_000}` },
    ]);
    for (const f of offlineFilters(now, [60, 1440])) expect(termCount(f.filter)).not.toBeNull();
  });

  it("adds up buckets of disjoint queries and keeps the largest", () => {
    expect(
      mergeBuckets(
        [
          [
            { key: "linux-agent", count: 5 },
            { key: "gateway", count: 1 },
          ],
          [
            { key: "gateway", count: 3 },
            { key: "macos-agent", count: 4 },
          ],
        ],
        2,
      ),
    ).toEqual([
      { key: "linux-agent", count: 5 },
      { key: "gateway", count: 4 },
    ]);
  });

  it("turns another job's target ARNs into a query", () => {
    expect(jobTargetsQuery(["arn:aws:iot:us-east-1:000000000000:thing/a", "arn:aws:iot:us-east-1:000000000000:thinggroup/g"])).toBe(
      "(thingName:a OR thingGroupNames:g)",
    );
    expect(jobTargetsQuery(["arn:aws:iot:us-east-1:000000000000:thinggroup/g"])).toBe("thingGroupNames:g");
    expect(jobTargetsQuery(Array.from({ length: 13 }, (_, i) => `arn:aws:iot:us-east-1:0:thing/t${i}`))).toBeNull();
  });

  it("finds the agent-version field the index aggregates", () => {
    expect(agentVersionField([{ name: "attributes.agentVersion" }])).toBe("attributes.agentVersion");
    expect(agentVersionField([{ name: "attributes.agentVersion" }, { name: "shadow.reported.agent.version" }])).toBe("shadow.reported.agent.version");
    expect(agentVersionField([])).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  AGENT_FAILURES,
  agentBehaviour,
  healthReport,
  leaves,
  mergeState,
  planReport,
  shadowDelta,
  UNKNOWN_SETTINGS,
  type AgentBehaviour,
  type JsonObject,
} from "./shadow-apply";
import { blocklistEntries } from "./agent-state";
import { Rng } from "./rng";

const normal: AgentBehaviour = { kind: "normal", ignores: { classic: [], config: [] } };
const failing: AgentBehaviour = { kind: "failing", ignores: { classic: [], config: [] }, failure: AGENT_FAILURES[1] };
const ignoring: AgentBehaviour = { kind: "ignoring", ignores: { classic: ["policy.cloudLookup"], config: ["telemetryIntervalSeconds"] } };

const reported: JsonObject = {
  agent: { version: "7.2.1", build: 1234 },
  policy: { mode: "detect", cloudLookup: true, scanIntervalMinutes: 60 },
  blocklist: { version: 1040, entries: blocklistEntries(1040) },
  tags: ["standard"],
};

describe("shadowDelta (AWS delta rules)", () => {
  it("holds desired values missing from or different in reported, with their path", () => {
    expect(shadowDelta({ policy: { mode: "prevent", cloudLookup: true }, blocklist: { version: 1042 }, extra: 1 }, reported)).toEqual({
      policy: { mode: "prevent" },
      blocklist: { version: 1042 },
      extra: 1,
    });
  });
  it("is undefined when desired and reported agree, and ignores fields only in reported", () => {
    expect(shadowDelta({ policy: { mode: "detect" } }, reported)).toBeUndefined();
    expect(shadowDelta({}, reported)).toBeUndefined();
  });
  it("compares arrays as whole values", () => {
    expect(shadowDelta({ tags: ["standard"] }, reported)).toBeUndefined();
    expect(shadowDelta({ tags: ["standard", "pci"] }, reported)).toEqual({ tags: ["standard", "pci"] });
  });
  it("descends into an object where reported holds a scalar", () => {
    expect(shadowDelta({ a: { b: 1 } }, { a: 5 })).toEqual({ a: { b: 1 } });
  });
});

describe("mergeState", () => {
  it("changes only the keys present, deletes on null, replaces arrays, leaves its inputs alone", () => {
    const before = structuredClone(reported);
    const out = mergeState(reported, { policy: { mode: "prevent", cloudLookup: null }, tags: ["pci"], agent: null, n: { m: 1 } });
    expect(out).toEqual({
      policy: { mode: "prevent", scanIntervalMinutes: 60 },
      blocklist: { version: 1040, entries: blocklistEntries(1040) },
      tags: ["pci"],
      n: { m: 1 },
    });
    expect(reported).toEqual(before);
  });
});

describe("leaves", () => {
  it("lists dotted paths; arrays and empty objects are leaves", () => {
    expect(leaves({ a: { b: 1, c: [1, 2] }, d: {}, e: "x" })).toEqual([
      { path: "a.b", value: 1 },
      { path: "a.c", value: [1, 2] },
      { path: "d", value: {} },
      { path: "e", value: "x" },
    ]);
  });
});

describe("agentBehaviour", () => {
  const shares = { lagPercent: 10, failPercent: 5, ignorePercent: 15 };
  const fleet = (s = shares, n = 4000) => Array.from({ length: n }, (_, i) => agentBehaviour(1, i, s));

  it("is the same for a thing in every run, and differs with the seed", () => {
    expect(fleet()).toEqual(fleet());
    expect(Array.from({ length: 200 }, (_, i) => agentBehaviour(2, i, shares).kind)).not.toEqual(fleet(shares, 200).map((b) => b.kind));
  });

  it("gives each kind about its share", () => {
    const all = fleet();
    const share = (k: string) => (all.filter((b) => b.kind === k).length / all.length) * 100;
    expect(share("lagging")).toBeCloseTo(10, -0.5);
    expect(share("failing")).toBeCloseTo(5, -0.5);
    expect(share("ignoring")).toBeCloseTo(15, -0.5);
    for (const b of all) {
      if (b.kind === "failing") expect(AGENT_FAILURES).toContainEqual(b.failure);
      if (b.kind === "ignoring") {
        expect(b.ignores.classic).toHaveLength(1);
        expect(UNKNOWN_SETTINGS.classic).toContain(b.ignores.classic[0]);
        expect(b.ignores.config).toEqual(UNKNOWN_SETTINGS.config);
      } else expect(b.ignores).toEqual({ classic: [], config: [] });
    }
  });

  it("switches each kind off at 0, and a larger share only adds agents to a kind", () => {
    expect(fleet({ lagPercent: 0, failPercent: 0, ignorePercent: 0 }).every((b) => b.kind === "normal")).toBe(true);
    const few = fleet({ lagPercent: 5, failPercent: 0, ignorePercent: 0 });
    const more = fleet({ lagPercent: 20, failPercent: 0, ignorePercent: 0 });
    few.forEach((b, i) => {
      if (b.kind === "lagging") expect(more[i].kind).toBe("lagging");
    });
    expect(more.filter((b) => b.kind === "lagging").length).toBeGreaterThan(few.filter((b) => b.kind === "lagging").length);
  });
});

describe("planReport", () => {
  const base = { reported, shadow: "classic" as const, nowSeconds: 1_800_000_000 };

  it("reports exactly the keys applied, with the entries of a new blocklist version", () => {
    const plan = planReport({ ...base, behaviour: normal, delta: { policy: { mode: "prevent" }, blocklist: { version: 1042 } } });
    expect(plan.report).toEqual({ policy: { mode: "prevent" }, blocklist: { version: 1042, entries: blocklistEntries(1042) } });
    expect(plan.applied).toEqual(["policy.mode", "blocklist.version"]);
    expect(plan.failed).toEqual([]);
  });

  it("never goes back to an older blocklist (a newer one came by a job): that stays pending", () => {
    // reported holds 1040
    const plan = planReport({ ...base, behaviour: normal, delta: { policy: { mode: "prevent" }, blocklist: { version: 1039 } } });
    expect(plan.report).toEqual({ policy: { mode: "prevent" } });
    expect(plan.ignored).toEqual(["blocklist.version"]);
    expect(planReport({ ...base, behaviour: normal, delta: { blocklist: { version: 1039 } } }).report).toBeUndefined();
  });

  it("reports nothing when there is nothing outstanding or reported already holds the value (idempotent)", () => {
    expect(planReport({ ...base, behaviour: normal, delta: undefined }).report).toBeUndefined();
    expect(planReport({ ...base, behaviour: normal, delta: { policy: { mode: "detect" }, tags: ["standard"] } }).report).toBeUndefined();
    expect(planReport({ ...base, behaviour: normal, delta: { policy: {} } }).report).toBeUndefined();
  });

  it("takes arrays over whole", () => {
    expect(planReport({ ...base, behaviour: normal, delta: { tags: ["pci", "critical"] } }).report).toEqual({ tags: ["pci", "critical"] });
  });

  it("leaves settings the agent does not know pending and applies the rest", () => {
    const plan = planReport({ ...base, behaviour: ignoring, delta: { policy: { cloudLookup: false, mode: "prevent" } } });
    expect(plan.report).toEqual({ policy: { mode: "prevent" } });
    expect(plan.ignored).toEqual(["policy.cloudLookup"]);
    const only = planReport({ ...base, behaviour: ignoring, delta: { policy: { cloudLookup: false } } });
    expect(only.report).toBeUndefined();
    expect(only.ignored).toEqual(["policy.cloudLookup"]);
    const config = planReport({
      ...base,
      reported: { logLevel: "info", telemetryIntervalSeconds: 300 },
      shadow: "config",
      behaviour: ignoring,
      delta: { telemetryIntervalSeconds: 60, logLevel: "debug" },
    });
    expect(config.report).toEqual({ logLevel: "debug" });
  });

  it("makes a failing agent report a lastError instead of the values, once per distinct failure", () => {
    const delta = { blocklist: { version: 1042 } };
    const plan = planReport({ ...base, behaviour: failing, delta });
    expect(plan.report).toEqual({
      lastError: { code: AGENT_FAILURES[1].code, message: AGENT_FAILURES[1].message, at: base.nowSeconds, keys: ["blocklist.version"] },
    });
    expect(plan.failed).toEqual(["blocklist.version"]);
    expect(plan.failure).toBeDefined();
    // The same delta again (AWS resends it after the agent's own report): no second report.
    const again = planReport({ ...base, behaviour: failing, delta, lastFailure: plan.failure });
    expect(again.report).toBeUndefined();
    expect(again.failure).toBe(plan.failure);
    // A new desired value is a new attempt.
    expect(planReport({ ...base, behaviour: failing, delta: { blocklist: { version: 1043 } }, lastFailure: plan.failure }).report).toHaveProperty("lastError");
  });

  it("clears an earlier lastError when it applies", () => {
    const withError = { ...reported, lastError: { code: "DISK_FULL", message: "x", at: 1, keys: ["a"] } };
    expect(planReport({ ...base, reported: withError, behaviour: normal, delta: { policy: { mode: "prevent" } } }).report).toEqual({
      policy: { mode: "prevent" },
      lastError: null,
    });
  });
});

describe("healthReport", () => {
  it("moves CPU and memory a little, within bounds, and reports uptime when it changed", () => {
    const state = { health: { status: "healthy", cpuPercent: 12.5, memoryMb: 200 }, os: { uptimeHours: 10 } };
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const r = healthReport(state, rng, 11)!;
      const h = r.health as { cpuPercent?: number; memoryMb?: number };
      if (h.cpuPercent !== undefined) expect(Math.abs(h.cpuPercent - 12.5)).toBeLessThanOrEqual(6);
      if (h.memoryMb !== undefined) expect(Math.abs(h.memoryMb - 200)).toBeLessThanOrEqual(12);
      expect(r.os).toEqual({ uptimeHours: 11 });
      expect(r).not.toHaveProperty("health.status");
    }
    expect(healthReport(state, rng, 10)).not.toHaveProperty("os");
    expect(healthReport({ os: { uptimeHours: 1 } }, rng)).toBeUndefined();
  });
});

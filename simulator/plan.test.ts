import { describe, expect, it } from "vitest";
import { canConnect, planFleet } from "./plan";
import { THING_TYPES } from "./catalog";

const ATTR_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;
const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

describe("planFleet", () => {
  const plan = planFleet(1, 2000);

  it("is deterministic for a seed and extends (not reshuffles) when the fleet grows", () => {
    expect(planFleet(1, 2000)).toEqual(plan);
    expect(planFleet(1, 500).things).toEqual(plan.things.slice(0, 500));
    expect(planFleet(2, 50).things.map((t) => t.name)).not.toEqual(plan.things.slice(0, 50).map((t) => t.name));
  });

  it("builds a customer > site > role tree of depth 2-4 with unique names", () => {
    const byName = new Map(plan.groups.map((g) => [g.name, g]));
    const byDepth = (name: string) => byName.get(name)!.depth;
    const names = plan.groups.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    const customers = plan.groups.filter((g) => g.depth === 1);
    expect(customers.length).toBeGreaterThanOrEqual(6);
    expect(customers.length).toBeLessThanOrEqual(10);
    expect(plan.groups.some((g) => g.depth === 4)).toBe(true);
    expect(plan.leaves.some((l) => byDepth(l.name) === 2)).toBe(true);
    for (const g of plan.groups) {
      expect(g.name).toMatch(NAME);
      if (g.parent) expect(byName.get(g.parent)!.depth).toBe(g.depth - 1);
      for (const v of Object.values(g.attributes)) expect(v).toMatch(ATTR_VALUE);
    }
    const parents = new Set(plan.groups.map((g) => g.parent));
    for (const leaf of plan.leaves) {
      expect(parents.has(leaf.name)).toBe(false);
      expect(byName.get(leaf.name)!.depth).toBeGreaterThanOrEqual(2);
    }
  });

  it("gives every thing a unique name, a leaf group, a known type and valid attributes", () => {
    const leaves = new Set(plan.leaves.map((l) => l.name));
    const types = new Set(THING_TYPES.map((t) => t.name));
    expect(new Set(plan.things.map((t) => t.name)).size).toBe(plan.things.length);
    for (const t of plan.things) {
      expect(t.name).toMatch(NAME);
      expect(leaves.has(t.group)).toBe(true);
      expect(types.has(t.type)).toBe(true);
      expect(Object.keys(t.attributes).sort()).toEqual(["agentVersion", "customer", "os", "region", "site"]);
      for (const v of Object.values(t.attributes)) expect(v).toMatch(ATTR_VALUE);
    }
  });

  it("has a realistic mix", () => {
    const share = (p: (t: (typeof plan.things)[number]) => boolean) => plan.things.filter(p).length / plan.things.length;
    expect(share((t) => t.type === "linux-agent" || t.type === "windows-agent")).toBeGreaterThan(0.8);
    expect(share((t) => t.type === "gateway")).toBeGreaterThan(0.01);
    expect(share((t) => t.cert.kind === "vendor")).toBeCloseTo(0.2, 1);
    expect(share((t) => !canConnect(t))).toBeGreaterThan(0.015);
    expect(share((t) => !canConnect(t))).toBeLessThan(0.05);
    expect(share((t) => t.cert.validity === "expired")).toBeGreaterThan(0);
    expect(share((t) => t.cert.validity === "expiring-soon")).toBeGreaterThan(0);
    expect(share((t) => t.cert.status === "REVOKED")).toBeGreaterThan(0);
    expect(share((t) => t.cert.status === "INACTIVE")).toBeGreaterThan(0);
    const versions = new Set(plan.things.map((t) => t.attributes.agentVersion));
    expect(versions.size).toBeGreaterThanOrEqual(5);
  });
});

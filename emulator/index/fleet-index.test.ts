import { describe, expect, it } from "vitest";
import type { ThingRecord } from "../services/iot/state";
import type { ConnectivityRecord } from "../mqtt/connectivity";
import type { StoredShadow } from "../services/iotdata/shadow-types";
import { forEachBit } from "./bitset";
import { compileQuery } from "./evaluate";
import { FleetIndex, thingFieldRule, type FleetSources } from "./fleet-index";
import { MAX_VALUES } from "./value-bitsets";

/**
 * The thing index at engine level, over documents built directly (no HTTP): sources,
 * shadow rules, updates, and a randomized cross-check of the three ways a query is
 * answered (per-value bitsets, sorted runs, one document at a time) against a naive
 * reference.
 */

class Fleet implements FleetSources {
  things = new Map<string, ThingRecord>();
  shadows = new Map<string, StoredShadow>();
  conn = new Map<string, ConnectivityRecord>();
  thing = (n: string) => this.things.get(n);
  thingNames = () => [...this.things.keys()].sort();
  shadow = (t: string, s: string | null) => this.shadows.get(`${t}~${s ?? ""}`);
  connectivity = (id: string) => this.conn.get(id);

  addThing(name: string, attributes: Record<string, string> = {}, extra: Partial<ThingRecord> = {}): ThingRecord {
    const t: ThingRecord = { name, id: `${name}-id`, attributes, version: 1, createdMs: 0, ...extra };
    this.things.set(name, t);
    return t;
  }

  setShadow(thingName: string, shadowName: string | null, desired: Record<string, unknown> | undefined, reported: Record<string, unknown> | undefined): void {
    const meta = (o: unknown): unknown =>
      Array.isArray(o)
        ? o.map(meta)
        : o && typeof o === "object"
          ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, meta(v)]))
          : { timestamp: 1700000000 };
    this.shadows.set(`${thingName}~${shadowName ?? ""}`, {
      thingName,
      shadowName,
      state: { ...(desired ? { desired } : {}), ...(reported ? { reported } : {}) },
      metadata: {
        ...(desired ? { desired: meta(desired) as Record<string, unknown> } : {}),
        ...(reported ? { reported: meta(reported) as Record<string, unknown> } : {}),
      },
      version: 3,
      timestamp: 1700000000,
    });
  }
}

const ALL = { registry: true, shadow: true, connectivity: true, defender: false, namedShadows: ["config"] };

function names(index: FleetIndex, q: string): string[] {
  const out: string[] = [];
  forEachBit(index.search(compileQuery(q, thingFieldRule)), (d) => out.push(index.thingNameOf(d)!));
  return out.sort();
}

describe("FleetIndex", () => {
  function fleet() {
    const f = new Fleet();
    f.addThing("t1", { os: "Linux", n: "5" }, { typeName: "agent", groups: ["g1"], billingGroupName: "gold" });
    f.addThing("t2", { os: "windows", n: "50" }, { groups: ["g2"] });
    f.addThing("t3", {});
    f.setShadow("t1", null, { mode: "on" }, { mode: "off", temp: 20.5, list: [1, 2], objs: [{ a: 1 }], nested: { deep: { x: "y" } } });
    f.setShadow("t2", null, undefined, { temp: 30 });
    f.setShadow("t1", "config", { level: "debug" }, { level: "info" });
    f.setShadow("t2", "other", undefined, { level: "debug" });
    f.setShadow("ghost", null, undefined, { temp: 1 });
    f.conn.set("t1", { clientId: "t1", connected: true, timestampMs: 1700000000123, version: 2 });
    f.conn.set("t2", { clientId: "t2", connected: false, timestampMs: 1700000000999, disconnectReason: "CONNECTION_LOST", version: 5 });
    const index = new FleetIndex(f);
    index.configure(ALL);
    return { f, index };
  }

  it("indexes registry, classic and named shadows, delta, metadata and connectivity", () => {
    const { index } = fleet();
    expect(names(index, "attributes.os:linux")).toEqual(["t1"]);
    expect(names(index, "thingGroupNames:gold")).toEqual(["t1"]);
    expect(names(index, "thingTypeName:agent")).toEqual(["t1"]);
    expect(names(index, "shadow.reported.temp>25")).toEqual(["t2"]);
    expect(names(index, "shadow.desired.mode:on AND shadow.delta.mode:on AND shadow.hasDelta:true")).toEqual(["t1"]);
    expect(names(index, "shadow.hasDelta:false")).toEqual(["t2"]);
    expect(names(index, "shadow.metadata.reported.temp.timestamp:1700000000")).toEqual(["t1", "t2"]);
    expect(names(index, "shadow.reported.nested.deep.x:y")).toEqual(["t1"]);
    expect(names(index, "shadow.reported.nested:*")).toEqual(["t1"]);
    expect(names(index, "shadow.reported.objs.a:1")).toEqual([]);
    expect(names(index, "shadow.name.config.delta.level:debug")).toEqual(["t1"]);
    // A named shadow outside the filter is not indexed; nor is a shadow of an unregistered thing.
    expect(names(index, "shadow.name.other.reported.level:*")).toEqual([]);
    expect(names(index, "shadow.reported.temp:1")).toEqual([]);
    expect(names(index, "connectivity.connected:false")).toEqual(["t2", "t3"]);
    expect(names(index, "connectivity.timestamp>1700000000500")).toEqual(["t2"]);
    expect(names(index, "connectivity.disconnectReason:connection_lost")).toEqual(["t2"]);
  });

  it("searches every registry and shadow field with a bare term, but not connectivity", () => {
    const { index } = fleet();
    expect(names(index, "debug")).toEqual(["t1"]);
    expect(names(index, "linux")).toEqual(["t1"]);
    expect(names(index, "connection_lost")).toEqual([]);
    expect(names(index, "lin*")).toEqual(["t1"]);
    expect(names(index, "20.5")).toEqual(["t1"]);
  });

  it("returns the document with shadow and connectivity as AWS shapes them", () => {
    const { index } = fleet();
    const doc = index.document(index.docOfThing("t1")!)!;
    expect(doc.thingGroupNames).toEqual(["g1", "gold"]);
    expect(doc.connectivity).toEqual({ connected: true, timestamp: 1700000000123 });
    const shadow = JSON.parse(doc.shadow!);
    expect(shadow.hasDelta).toBe(true);
    expect(shadow.delta).toEqual({ mode: "on" });
    expect(shadow.version).toBe(3);
    expect(Object.keys(shadow.name)).toEqual(["config"]);
    expect(index.document(index.docOfThing("t2")!)!.connectivity).toEqual({ connected: false, timestamp: 1700000000999, disconnectReason: "CONNECTION_LOST" });
    expect(index.document(index.docOfThing("t3")!)!.connectivity).toEqual({ connected: false });
  });

  it("applies changes at once and tells listeners", () => {
    const { f, index } = fleet();
    const seen: string[] = [];
    index.listen({ docChanged: (_, n) => seen.push(`changed ${n}`), docRemoved: (_, n) => seen.push(`removed ${n}`) });
    f.things.get("t3")!.attributes = { os: "linux" };
    index.thingChanged("t3");
    expect(names(index, "attributes.os:linux")).toEqual(["t1", "t3"]);
    f.setShadow("t2", null, undefined, { temp: 10 });
    index.shadowChanged("t2", null);
    expect(names(index, "shadow.reported.temp>25")).toEqual([]);
    f.conn.set("t3", { clientId: "t3", connected: true, timestampMs: 5, version: 1 });
    index.connectivityChanged("t3");
    expect(names(index, "connectivity.connected:true")).toEqual(["t1", "t3"]);
    f.addThing("t4", { os: "linux" });
    index.thingChanged("t4");
    f.things.delete("t1");
    index.thingChanged("t1");
    expect(names(index, "attributes.os:linux")).toEqual(["t3", "t4"]);
    expect(names(index, "*")).toEqual(["t2", "t3", "t4"]);
    expect(names(index, "debug")).toEqual([]);
    expect(seen).toEqual(["changed t3", "changed t2", "changed t3", "changed t4", "removed t1"]);
    // A change of an unregistered thing's shadow is ignored.
    index.shadowChanged("ghost", null);
    expect(index.size).toBe(3);
  });

  it("indexes only the configured sources", () => {
    const { index } = fleet();
    index.configure({ ...ALL, shadow: false, connectivity: false, namedShadows: [] });
    expect(names(index, "shadow.reported.temp:*")).toEqual([]);
    expect(names(index, "connectivity.connected:*")).toEqual([]);
    expect(index.document(index.docOfThing("t1")!)!.shadow).toBeUndefined();
    index.configure({ ...ALL, registry: false });
    expect(index.size).toBe(0);
  });

  it("refuses versions and malformed field names, and matches nothing for unknown ones", () => {
    const { index } = fleet();
    for (const q of [
      "shadow.version:3",
      "registry.version:1",
      "connectivity.version:2",
      "shadow.name.config.version:3",
      "shadow.bogus:1",
      "connectivity.clientId:x",
      "attributes:x",
    ]) {
      expect(() => compileQuery(q, thingFieldRule), q).toThrowError(expect.objectContaining({ code: "InvalidQueryException" }));
    }
    expect(names(index, "thingType:agent")).toEqual([]);
  });
});

// ---- randomized cross-check ------------------------------------------------------------------

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The naive reference: flattened fields of one thing, straight from its sources. */
function referenceFields(f: Fleet, name: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const put = (k: string, v: unknown) => (out.get(k) ?? out.set(k, []).get(k)!).push(v);
  const flat = (prefix: string, o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      if (v === null) continue;
      if (Array.isArray(v)) {
        if (v.length && v.every((x) => ["string", "number", "boolean"].includes(typeof x))) for (const x of v) put(prefix + k, x);
      } else if (typeof v === "object") flat(`${prefix}${k}.`, v as Record<string, unknown>);
      else put(prefix + k, v);
    }
  };
  const t = f.things.get(name)!;
  put("thingName", t.name);
  for (const [k, v] of Object.entries(t.attributes)) put(`attributes.${k}`, v);
  const s = f.shadow(name, null);
  if (s?.state.reported) flat("shadow.reported.", s.state.reported);
  return out;
}

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : typeof v === "boolean" ? String(v) : null);
const asNum = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^-?(0|[1-9]\d*)(\.\d+)?$/.test(v) ? Number(v) : null);

describe("randomized cross-check: bitsets, runs and document-at-a-time agree with a naive reference", () => {
  it.each([1, 2, 3])("seed %i", (seed) => {
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const f = new Fleet();
    const words = ["alpha", "Beta", "gamma", "delta", "alpine", "BETA"];
    // `wide` has more distinct values than per-value bitsets hold: it uses sorted runs.
    const make = (i: number) => {
      f.addThing(`thing-${String(i).padStart(4, "0")}`, {
        w: pick(words),
        n: String(Math.floor(rnd() * 20) - 5),
        wide: `v${Math.floor(rnd() * (MAX_VALUES * 4))}`,
      });
      f.setShadow(`thing-${String(i).padStart(4, "0")}`, null, undefined, {
        x: Math.floor(rnd() * 100) / 4,
        tag: rnd() < 0.5 ? [pick(words), pick(words)] : pick(words),
        on: rnd() < 0.5,
      });
    };
    for (let i = 0; i < 600; i++) make(i);
    const index = new FleetIndex(f);
    index.configure({ ...ALL, namedShadows: [] });

    const queries = [
      "attributes.w:alpha",
      "attributes.w:beta OR attributes.n:[0 TO 5]",
      "attributes.n<0 AND NOT attributes.w:gamma",
      "attributes.wide:v1* AND -attributes.wide:v1",
      "attributes.wide:[v10 TO v30] OR attributes.wide:v7",
      "shadow.reported.x:{5 TO 12.5]",
      "shadow.reported.tag:beta AND shadow.reported.on:true",
      "shadow.reported.tag:al*",
      "alp* AND attributes.n>=10",
    ];
    type Check = (fields: Map<string, unknown[]>) => boolean;
    const any = (fields: Map<string, unknown[]>, k: string, p: (v: unknown) => boolean) => (fields.get(k) ?? []).some(p);
    const ref: Check[] = [
      (m) => any(m, "attributes.w", (v) => lower(v) === "alpha"),
      (m) => any(m, "attributes.w", (v) => lower(v) === "beta") || any(m, "attributes.n", (v) => asNum(v) !== null && asNum(v)! >= 0 && asNum(v)! <= 5),
      (m) => any(m, "attributes.n", (v) => asNum(v) !== null && asNum(v)! < 0) && !any(m, "attributes.w", (v) => lower(v) === "gamma"),
      (m) => any(m, "attributes.wide", (v) => lower(v)!.startsWith("v1")) && !any(m, "attributes.wide", (v) => lower(v) === "v1"),
      (m) => any(m, "attributes.wide", (v) => lower(v)! >= "v10" && lower(v)! <= "v30") || any(m, "attributes.wide", (v) => lower(v) === "v7"),
      (m) => any(m, "shadow.reported.x", (v) => asNum(v)! > 5 && asNum(v)! <= 12.5),
      (m) => any(m, "shadow.reported.tag", (v) => lower(v) === "beta") && any(m, "shadow.reported.on", (v) => v === true),
      (m) => any(m, "shadow.reported.tag", (v) => lower(v)!.startsWith("al")),
      (m) => [...m.values()].some((vs) => vs.some((v) => lower(v)?.startsWith("alp"))) && any(m, "attributes.n", (v) => asNum(v)! >= 10),
    ];

    const check = () => {
      queries.forEach((q, i) => {
        const compiled = compileQuery(q, thingFieldRule);
        const fromBits: string[] = [];
        forEachBit(index.search(compiled), (d) => fromBits.push(index.thingNameOf(d)!));
        const names = [...f.things.keys()].sort();
        const oneByOne = names.filter((n) => index.matches(compiled, index.docOfThing(n)!));
        const expected = names.filter((n) => ref[i](referenceFields(f, n)));
        expect(expected.length, `${q} should match some things`).toBeGreaterThan(0);
        expect(expected.length, `${q} should not match every thing`).toBeLessThan(names.length);
        expect(fromBits.sort(), q).toEqual(expected);
        expect(oneByOne, q).toEqual(expected);
      });
    };
    check();
    // Live changes: some things change, a few come and go; runs go stale, bitsets move.
    for (let i = 0; i < 300; i++) {
      const name = `thing-${String(Math.floor(rnd() * 600)).padStart(4, "0")}`;
      if (rnd() < 0.1) {
        f.things.delete(name);
        index.thingChanged(name);
        continue;
      }
      if (!f.things.has(name)) f.addThing(name, { w: "alpha", n: "1", wide: "v1" });
      f.things.get(name)!.attributes = { w: pick(words), n: String(Math.floor(rnd() * 20) - 5), wide: `v${Math.floor(rnd() * (MAX_VALUES * 4))}` };
      index.thingChanged(name);
      f.setShadow(name, null, undefined, { x: Math.floor(rnd() * 100) / 4, tag: pick(words), on: rnd() < 0.5 });
      index.shadowChanged(name, null);
    }
    check();
    expect(index.column("attributes.w")!.form).toBe("bitsets");
    expect(index.column("attributes.wide")!.form).toBe("runs");
  });
});

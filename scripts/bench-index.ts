/**
 * Micro-benchmark of the fleet index engine, without HTTP:
 *
 *   node --import tsx scripts/bench-index.ts [--things 1000000] [--reps 20] [--seed 1]
 *
 * Builds N documents of the simulated fleet's shape in memory (simulator/plan.ts and
 * agent-state.ts: type, 5 attributes, 3-4 groups, connectivity, a classic shadow with
 * ~14 reported leaves and a few desired, a quarter with the named `config` shadow), then
 * reports: index build time, the time to sort every field (warm-up), memory, p50/p95 of
 * the benchmark's fixed query mix (scripts/lib/search-mix.ts; compile + search + the
 * first page of 100 ThingDocuments serialised), the same after a burst of live updates,
 * and bucket aggregations over the whole fleet. `npm run bench` measures the same mix
 * through the SDK against a running emulator (scripts/bench-search.ts).
 */
import { randomUUID } from "node:crypto";
import { planFleet } from "../simulator/plan";
import { agentShadowPlan, CONFIG_SHADOW } from "../simulator/agent-state";
import { Rng } from "../simulator/rng";
import { searchMix } from "./lib/search-mix";
import { applyUpdate } from "../emulator/services/iotdata/shadow-document";
import type { StoredShadow } from "../emulator/services/iotdata/shadow-types";
import type { ThingRecord } from "../emulator/services/iot/state";
import type { ConnectivityRecord } from "../emulator/mqtt/connectivity";
import { nextSetBit } from "../emulator/index/bitset";
import { compileQuery } from "../emulator/index/evaluate";
import { FleetIndex, thingFieldRule, type FleetSources } from "../emulator/index/fleet-index";
import { buckets } from "../emulator/index/aggregate";

const DISCONNECT_REASONS = [
  ["CONNECTION_LOST", 45],
  ["MQTT_KEEP_ALIVE_TIMEOUT", 25],
  ["CLIENT_INITIATED_DISCONNECT", 20],
  ["SERVER_INITIATED_DISCONNECT", 10],
] as const;

export interface IndexBenchResult {
  things: number;
  generateMs: number;
  buildMs: number;
  warmUpMs: number;
  heapMb: { sources: number; withIndex: number; index: number };
  rssMb: number;
  mix: { samples: number; p50Ms: number; p95Ms: number; maxMs: number; perQuery: Array<{ name: string; p50Ms: number; p95Ms: number; matches: number }> };
  afterUpdates: { updates: number; applyMs: number; p50Ms: number; p95Ms: number };
  bucketAggregations: Array<{ field: string; ms: number; buckets: number }>;
}

/** The fleet as plain records, as the registry, shadow store and broker hold them. */
export function syntheticFleet(things: number, seed = 1, now = Date.now()) {
  const plan = planFleet(seed, things);
  const registry = new Map<string, ThingRecord>();
  // Keyed like the shadow service's store: thing name, then shadow name ("" = classic).
  const shadows = new Map<string, Map<string, StoredShadow>>();
  const connectivity = new Map<string, ConnectivityRecord>();
  const seconds = Math.floor(now / 1000);
  // Created in name order, as the emulator loads them from its store (key order).
  const ordered = [...plan.things].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of ordered) {
    const rng = Rng.for(seed, "bench", t.index);
    const groups = [
      t.group,
      `ring-${t.index % 4}`,
      `tier-${rng.weighted([
        ["gold", 10],
        ["silver", 30],
        ["bronze", 60],
      ] as const)}`,
    ];
    if (rng.chance(0.3)) groups.push("canary");
    registry.set(t.name, {
      name: t.name,
      id: randomUUID(),
      typeName: t.type,
      attributes: { ...t.attributes },
      version: 1,
      groups,
      ...(rng.chance(0.1) ? { billingGroupName: "premium-support" } : {}),
      createdMs: now,
    });
    const connected = !t.offline && rng.chance(0.7);
    connectivity.set(t.name, {
      clientId: t.name,
      connected,
      timestampMs: now - rng.int(1, 14 * 86_400) * 1000,
      ...(connected ? {} : { disconnectReason: rng.weighted(DISCONNECT_REASONS) }),
      version: rng.int(1, 40),
    });
    const s = agentShadowPlan(seed, t);
    const make = (shadowName: string | null, state: { desired: Record<string, unknown>; reported: Record<string, unknown> }) => {
      const core = applyUpdate(undefined, 0, { state: { desired: state.desired } }, seconds - 2 * 86_400);
      const after = applyUpdate(core, core.version, { state: { reported: state.reported } }, seconds - (t.index % 3_600));
      let byName = shadows.get(t.name);
      if (!byName) shadows.set(t.name, (byName = new Map()));
      byName.set(shadowName ?? "", { thingName: t.name, shadowName, ...after });
    };
    make(null, s);
    if (s.config) make(CONFIG_SHADOW, s.config);
  }
  const names = [...registry.keys()].sort();
  const sources: FleetSources = {
    thing: (n) => registry.get(n),
    thingNames: () => names,
    shadow: (t, s) => shadows.get(t)?.get(s ?? ""),
    connectivity: (id) => connectivity.get(id),
  };
  return { sources, registry, shadows, connectivity, names };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const mb = (bytes: number) => Math.round(bytes / 1_048_576);
/** JS heap plus typed arrays (kept outside the heap). */
const heap = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** One SearchIndex first page, as the route does it minus HTTP: compile, search, 100 documents, JSON. */
function firstPage(index: FleetIndex, query: string): { ms: number; matches: number } {
  const t = performance.now();
  const bits = index.search(compileQuery(query, thingFieldRule));
  const docs = [];
  for (let d = nextSetBit(bits, 0); d >= 0 && docs.length < 100; d = nextSetBit(bits, d + 1)) docs.push(index.document(d));
  JSON.stringify({ things: docs });
  const ms = performance.now() - t;
  let matches = 0;
  for (let d = nextSetBit(bits, 0); d >= 0; d = nextSetBit(bits, d + 1)) matches++;
  return { ms, matches };
}

export function benchIndex(things: number, reps = 20, seed = 1, log: (line: string) => void = console.log): IndexBenchResult {
  const now = Date.now();
  let t = performance.now();
  const fleet = syntheticFleet(things, seed, now);
  const generateMs = performance.now() - t;
  log(`generated ${things.toLocaleString("en-US")} things with shadows and connectivity in ${(generateMs / 1000).toFixed(1)} s`);

  let index = new FleetIndex(fleet.sources);
  t = performance.now();
  // configure() builds the documents, then warms the fields up: timed apart here.
  index.configure({ registry: true, shadow: true, connectivity: true, defender: false, namedShadows: [CONFIG_SHADOW] }, { warmUp: false });
  const buildMs = performance.now() - t;
  t = performance.now();
  index.warmUp();
  const warmUpMs = performance.now() - t;
  log(`index of ${index.fieldNames().length} fields built in ${(buildMs / 1000).toFixed(1)} s, warmed up (runs sorted) in ${(warmUpMs / 1000).toFixed(1)} s`);

  const mix = searchMix(now);
  const all: number[] = [];
  const perQuery: IndexBenchResult["mix"]["perQuery"] = [];
  for (const q of mix) {
    const times: number[] = [];
    let matches = 0;
    for (let i = 0; i < reps; i++) {
      const r = firstPage(index, q.query);
      times.push(r.ms);
      matches = r.matches;
    }
    all.push(...times);
    perQuery.push({ name: q.name, p50Ms: +pct(times, 50).toFixed(2), p95Ms: +pct(times, 95).toFixed(2), matches });
    log(
      `  ${q.name.padEnd(34)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms  p95 ${pct(times, 95).toFixed(1).padStart(6)} ms  ${matches.toLocaleString("en-US").padStart(9)} matches`,
    );
  }
  const mixResult = { samples: all.length, p50Ms: +pct(all, 50).toFixed(2), p95Ms: +pct(all, 95).toFixed(2), maxMs: +Math.max(...all).toFixed(2), perQuery };
  log(`query mix (${mix.length} queries x ${reps}, first page of 100): p50 ${mixResult.p50Ms} ms, p95 ${mixResult.p95Ms} ms, max ${mixResult.maxMs} ms`);

  // Live traffic: connectivity flips and shadow reports on 2% of the fleet; the runs are not rebuilt.
  const updates = Math.max(1, Math.round(things * 0.02));
  const rng = Rng.for(seed, "updates", 0);
  t = performance.now();
  for (let i = 0; i < updates; i++) {
    const name = fleet.names[rng.int(0, fleet.names.length - 1)];
    const c = fleet.connectivity.get(name)!;
    fleet.connectivity.set(name, { ...c, connected: !c.connected, timestampMs: now + i, version: c.version + 1 });
    index.connectivityChanged(name);
    const byName = fleet.shadows.get(name)!;
    const s = byName.get("")!;
    const next = applyUpdate(s, s.version, { state: { reported: { health: { cpuPercent: rng.int(0, 100) } } } }, Math.floor(now / 1000) + 1);
    byName.set("", { ...s, ...next });
    index.shadowChanged(name, null);
  }
  const applyMs = performance.now() - t;
  const after: number[] = [];
  for (const q of mix) for (let i = 0; i < Math.max(3, reps >> 2); i++) after.push(firstPage(index, q.query).ms);
  const afterUpdates = { updates: updates * 2, applyMs: +applyMs.toFixed(0), p50Ms: +pct(after, 50).toFixed(2), p95Ms: +pct(after, 95).toFixed(2) };
  log(
    `after ${afterUpdates.updates.toLocaleString("en-US")} live updates (applied in ${afterUpdates.applyMs} ms): mix p50 ${afterUpdates.p50Ms} ms, p95 ${afterUpdates.p95Ms} ms`,
  );

  const bucketAggregations: IndexBenchResult["bucketAggregations"] = [];
  for (const [field, type] of [
    ["attributes.customer", "String"],
    ["shadow.reported.agent.version", "String"],
    ["thingGroupNames", "String"],
    ["shadow.reported.blocklist.version", "Number"],
  ] as const) {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const bits = index.search(compileQuery("*", thingFieldRule));
      n = buckets(bits, index.column(field), type, 100).length;
      times.push(performance.now() - s);
    }
    bucketAggregations.push({ field, ms: +pct(times, 50).toFixed(1), buckets: n });
    log(`GetBucketsAggregation over the whole fleet by ${field}: ${pct(times, 50).toFixed(1)} ms (${n} buckets)`);
  }
  // Memory last, so that the forced collections do not disturb the timings: with and without the index.
  const heapIndex = heap();
  const rssMb = mb(process.memoryUsage().rss);
  void index.size;
  index = undefined as unknown as FleetIndex;
  const heapSources = heap();
  log(`memory: index ${mb(heapIndex - heapSources)} MB (JS heap + typed arrays); sources ${mb(heapSources)} MB; process rss ${rssMb} MB`);
  void fleet.registry.size;
  return {
    things,
    generateMs: Math.round(generateMs),
    buildMs: Math.round(buildMs),
    warmUpMs: Math.round(warmUpMs),
    heapMb: { sources: mb(heapSources), withIndex: mb(heapIndex), index: mb(heapIndex - heapSources) },
    rssMb,
    mix: mixResult,
    afterUpdates,
    bucketAggregations,
  };
}

if (process.argv[1]?.endsWith("bench-index.ts")) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  benchIndex(arg("--things", 1_000_000), arg("--reps", 20), arg("--seed", 1));
}

/**
 * `npm run seed:large -- [--things 1000000] [--data-dir ./.data-large] [--seed 1] [--force]`
 *
 * Writes a large simulated fleet straight into an emulator data directory, for
 * performance work on fleet search: a million things cannot go through CreateThing one
 * call at a time in minutes. The fleet has the same shape as the simulated fleet
 * (simulator/plan.ts: customers, sites, roles, types, attributes), plus a connectivity
 * history and agent shadows; no certificates. Start an emulator on it afterwards:
 *
 *   DATA_DIR=./.data-large npm run emulator
 *
 * The emulator must not be running on that directory while this writes.
 */
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DescribeIndexCommand, IoTClient } from "@aws-sdk/client-iot";
import { Store } from "../emulator/store/store";
import { regionStorePrefix } from "../emulator/server/regions";
import { emulatorConfigFromEnv } from "../emulator/config";
import { startEmulator, type RunningEmulator } from "../emulator/emulator";
import { enableFleetIndexing } from "../simulator/seed";
import type { ThingGroupRecord, ThingRecord, ThingTypeRecord } from "../emulator/services/iot/state";
import type { ConnectivityRecord } from "../emulator/mqtt/connectivity";
import { THING_TYPES } from "../simulator/catalog";
import { planFleet, type ThingPlan } from "../simulator/plan";
import { Rng } from "../simulator/rng";
import { agentShadowPlan, CONFIG_SHADOW } from "../simulator/agent-state";
import { applyUpdate } from "../emulator/services/iotdata/shadow-document";
import { SHADOW_KINDS, shadowStoreId } from "../emulator/services/iotdata/shadow-store";
import type { StoredShadow } from "../emulator/services/iotdata/shadow-types";

export interface LargeSeedOptions {
  things: number;
  dataDir: string;
  seed: number;
  log?: (line: string) => void;
  now?: number;
}

export interface LargeSeedResult {
  things: number;
  groups: number;
  /** Writing the fleet to the store. */
  ms: number;
}

/**
 * Starts an emulator on the written data directory, turns fleet indexing on through the
 * API (as the simulated fleet's seeding does) and waits until the index is ACTIVE.
 * Returns how long the emulator took to load the fleet and the index to build.
 */
export async function indexLargeFleet(
  dataDir: string,
  log: (line: string) => void = (l) => console.log(`[seed:large] ${l}`),
  opts: { keepRunning?: boolean } = {},
): Promise<{ loadMs: number; indexMs: number; emulator?: RunningEmulator }> {
  const t0 = performance.now();
  const emulator = await startEmulator({ host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir, region: "us-east-1", accountId: "000000000000" });
  const loadMs = performance.now() - t0;
  log(`emulator loaded the fleet in ${(loadMs / 1000).toFixed(1)} s; building the fleet index`);
  const iot = new IoTClient({ endpoint: emulator.endpoint, region: "us-east-1", credentials: { accessKeyId: "seed", secretAccessKey: "seed" } });
  try {
    const t1 = performance.now();
    await enableFleetIndexing(iot);
    for (;;) {
      const { indexStatus } = await iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }));
      if (indexStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const indexMs = performance.now() - t1;
    log(`fleet index ACTIVE in ${(indexMs / 1000).toFixed(1)} s`);
    return { loadMs, indexMs, emulator: opts.keepRunning ? emulator : undefined };
  } finally {
    iot.destroy();
    if (!opts.keepRunning) await emulator.close();
  }
}

const DISCONNECT_REASONS: Array<readonly [string, number]> = [
  ["CONNECTION_LOST", 45],
  ["MQTT_KEEP_ALIVE_TIMEOUT", 25],
  ["CLIENT_INITIATED_DISCONNECT", 20],
  ["SERVER_INITIATED_DISCONNECT", 6],
  ["DUPLICATE_CLIENTID", 2],
  ["AUTH_ERROR", 2],
];

/** Writes the fleet; returns counts and the time it took. */
export function seedLargeFleet(opts: LargeSeedOptions): LargeSeedResult {
  const started = performance.now();
  const log = opts.log ?? ((line: string) => console.log(`[seed:large] ${line}`));
  const now = opts.now ?? Date.now();
  const file = join(opts.dataDir, "emulator.sqlite");
  const root = new Store(file, { bulkLoad: true });
  // Straight into the configured region's records, where the emulator will look for them.
  const { accountId, region } = emulatorConfigFromEnv();
  const store = root.view(regionStorePrefix(accountId, region));
  try {
    log(`planning ${opts.things.toLocaleString("en-US")} things (seed ${opts.seed})`);
    const plan = planFleet(opts.seed, opts.things);

    store.putMany(
      "iot.thingType",
      THING_TYPES.map((t): [string, ThingTypeRecord] => [
        t.name,
        { name: t.name, id: randomUUID(), description: t.description, searchableAttributes: [...t.searchableAttributes], deprecated: false, createdMs: now },
      ]),
    );
    store.putMany(
      "iot.thingGroup",
      plan.groups.map((g): [string, ThingGroupRecord] => [
        g.name,
        { name: g.name, id: randomUUID(), parentName: g.parent, description: g.description, attributes: g.attributes, version: 1, createdMs: now },
      ]),
    );
    log(`${plan.groups.length} groups, ${THING_TYPES.length} thing types written`);

    // Written in key order: each kind's rows then append at the end of its B-tree range
    // instead of landing on random pages (several times faster for a million things).
    const things = [...plan.things].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const chunk = 50_000;
    for (let from = 0; from < things.length; from += chunk) {
      const slice = things.slice(from, from + chunk);
      store.putMany(
        "iot.thing",
        slice.map((t) => [t.name, thingRecord(t, now)] as [string, ThingRecord]),
      );
      store.putMany(
        "connectivity",
        slice.map((t) => [t.name, connectivityRecord(opts.seed, t, now)] as [string, ConnectivityRecord]),
      );
      store.putMany(
        SHADOW_KINDS.shadow,
        slice.flatMap((t) => shadowRecords(opts.seed, t, now)),
      );
      log(`${Math.min(from + chunk, things.length).toLocaleString("en-US")} things written`);
    }
    const ms = performance.now() - started;
    log(`done in ${(ms / 1000).toFixed(1)} s: ${file}`);
    return { things: plan.things.length, groups: plan.groups.length, ms };
  } finally {
    root.close();
  }
}

/** The thing's classic shadow (and named `config` shadow), as the shadow service stores them after the agent's updates. */
function shadowRecords(seed: number, t: ThingPlan, now: number): Array<[string, StoredShadow]> {
  const plan = agentShadowPlan(seed, t);
  const seconds = Math.floor(now / 1000);
  const make = (shadowName: string | null, state: { desired: Record<string, unknown>; reported: Record<string, unknown> }): [string, StoredShadow] => {
    // Desired was set a while ago (a rollout); the agent reported since.
    const core = applyUpdate(undefined, 0, { state: { desired: state.desired } }, seconds - 86_400 * 2);
    const after = applyUpdate(core, core.version, { state: { reported: state.reported } }, seconds - (t.index % 3_600));
    return [shadowStoreId(t.name, shadowName), { thingName: t.name, shadowName, ...after }];
  };
  const out = [make(null, plan)];
  if (plan.config) out.push(make(CONFIG_SHADOW, plan.config));
  return out;
}

function thingRecord(t: ThingPlan, now: number): ThingRecord {
  return { name: t.name, id: randomUUID(), typeName: t.type, attributes: { ...t.attributes }, version: 1, groups: [t.group], createdMs: now };
}

/**
 * Nobody is connected in a fleet written to disk (the emulator marks any connected client
 * as cut off at start anyway); when each thing was last seen varies: most within the
 * hour, a tail over days and weeks, the never-connecting ones never.
 */
function connectivityRecord(seed: number, t: ThingPlan, now: number): ConnectivityRecord {
  const rng = Rng.for(seed, "connectivity", t.index);
  const ageMs = rng.weighted<number>([
    [rng.int(1, 3_600) * 1000, 70],
    [rng.int(1, 24) * 3_600_000, 18],
    [rng.int(1, 7) * 86_400_000, 8],
    [rng.int(7, 60) * 86_400_000, 4],
  ]);
  return {
    clientId: t.name,
    connected: false,
    timestampMs: now - ageMs,
    disconnectReason: rng.weighted(DISCONNECT_REASONS),
    keepAliveSeconds: 60,
    cleanSession: true,
    version: rng.int(1, 40),
  };
}

function parseArgs(argv: string[]): LargeSeedOptions & { force: boolean } {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const things = Number(value("--things") ?? 1_000_000);
  const seed = Number(value("--seed") ?? 1);
  if (!Number.isInteger(things) || things < 1) throw new Error("--things must be a positive integer");
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
  return { things, seed, dataDir: resolve(value("--data-dir") ?? "./.data-large"), force: argv.includes("--force") };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const file = join(opts.dataDir, "emulator.sqlite");
  if (existsSync(file)) {
    if (!opts.force) {
      console.error(`${file} exists; pass --force to replace it (the emulator must not be running on it)`);
      process.exit(1);
    }
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
  const started = performance.now();
  seedLargeFleet(opts);
  await indexLargeFleet(opts.dataDir);
  console.log(`[seed:large] ready in ${((performance.now() - started) / 1000).toFixed(1)} s: DATA_DIR=${opts.dataDir} npm run emulator`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("seed-large.ts")) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

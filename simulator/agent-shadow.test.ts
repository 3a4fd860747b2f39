import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteThingShadowCommand, GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { startHarness, type Harness } from "../tests/emulator/harness";
import { seedFleet } from "./seed";
import { runAgents, type RunningAgents } from "./agents";
import { planFleet } from "./plan";
import { readSeededThings, type SeededThing } from "./marker";
import { agentShadowPlan, blocklistEntries, CONFIG_SHADOW, CURRENT_BLOCKLIST_VERSION } from "./agent-state";
import { agentBehaviour, getPath, type BehaviourKind, type JsonObject } from "./shadow-apply";
import type { ShadowSettings } from "./agent-shadow";
import { IoTClient } from "@aws-sdk/client-iot";

/**
 * Simulated agents against the emulator: desired changes made through the REST API
 * (UpdateThingShadow) reach the agents over the MQTT shadow topics and come back as
 * reported state, or as an error, or stay pending, as each agent's behaviour says.
 */

const SEED = 11;
const SIZE = 40;
const SHARES = { lagPercent: 15, failPercent: 15, ignorePercent: 15 };
const SETTINGS: ShadowSettings = { applyDelayMs: 40, lagDelayMs: 2_000, ...SHARES, healthIntervalMs: 0 };
const quiet = () => undefined;

interface ShadowDoc {
  state: { desired?: JsonObject; reported?: JsonObject; delta?: JsonObject };
  version: number;
}

let h: Harness<IoTClient>;
let simDir: string;
let data: IoTDataPlaneClient;
let things: SeededThing[];
let fleet: RunningAgents;
/** Kept offline by the fleet run, for the reconnect test. */
let away: SeededThing;
const planned = planFleet(SEED, SIZE).things;

const behaviourOf = (t: SeededThing) => agentBehaviour(SEED, t.index, SHARES);
const usesConfig = (t: SeededThing) => agentShadowPlan(SEED, planned[t.index]).config !== undefined;
function pick(kind: BehaviourKind, also: (t: SeededThing) => boolean = () => true, not: SeededThing[] = []): SeededThing {
  const t = things.find((x) => x.connects && behaviourOf(x).kind === kind && also(x) && !not.includes(x));
  if (!t) throw new Error(`no ${kind} agent in the test fleet`);
  return t;
}

async function shadow(thingName: string, shadowName?: string): Promise<ShadowDoc> {
  const out = await data.send(new GetThingShadowCommand({ thingName, shadowName }));
  return JSON.parse(new TextDecoder().decode(out.payload)) as ShadowDoc;
}

async function desire(thingName: string, desired: JsonObject, shadowName?: string): Promise<void> {
  await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify({ state: { desired } })) }));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function agentsFor(list: SeededThing[]): RunningAgents {
  return runAgents({
    mqttUrl: h.emulator.mqttUrl,
    seed: SEED,
    fleetSize: SIZE,
    things: list,
    churnPercent: 0,
    connectRate: 1000,
    shadows: SETTINGS,
    statusEveryMs: 0,
    log: quiet,
  });
}

beforeAll(async () => {
  h = await startHarness(IoTClient);
  simDir = mkdtempSync(join(tmpdir(), "sim-shadow-test-"));
  await seedFleet({ ...h.clientConfig, dataDir: simDir, fleetSize: SIZE, seed: SEED, log: quiet });
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  things = readSeededThings(simDir)!;
  away = pick("normal", usesConfig);
  fleet = agentsFor(things.filter((t) => t !== away));
  expect(await fleet.allUp(15_000)).toBe(true);
});

afterAll(async () => {
  await fleet?.stop();
  data?.destroy();
  await h?.stop();
  rmSync(simDir, { recursive: true, force: true });
});

describe("agents and their shadows", () => {
  it("a normal agent applies a desired change made through the REST API and reports it back", async () => {
    const t = pick("normal", (x) => x !== away);
    const before = await shadow(t.name);
    const version = CURRENT_BLOCKLIST_VERSION + 5;
    await desire(t.name, { blocklist: { version }, policy: { scanIntervalMinutes: 15 } });
    await until("the change is reported", async () => {
      const doc = await shadow(t.name);
      return getPath(doc.state.reported!, "blocklist.version") === version && doc.state.delta === undefined;
    });
    const after = await shadow(t.name);
    expect(after.state.reported!.blocklist).toEqual({ version, entries: blocklistEntries(version) });
    expect(getPath(after.state.reported!, "policy.scanIntervalMinutes")).toBe(15);
    // Only the keys applied were reported: the rest is as it was.
    expect(after.state.reported!.agent).toEqual(before.state.reported!.agent);
    expect(after.state.reported!.tags).toEqual(before.state.reported!.tags);
  });

  it("a failing agent reports its error and leaves the change pending", async () => {
    const t = pick("failing");
    const failure = behaviourOf(t).failure!;
    const reported = (await shadow(t.name)).state.reported!;
    const wanted = getPath(reported, "policy.scanIntervalMinutes") === 15 ? 240 : 15;
    await desire(t.name, { policy: { scanIntervalMinutes: wanted } });
    await until("the error is reported", async () => {
      const keys = getPath((await shadow(t.name)).state.reported!, "lastError.keys");
      return Array.isArray(keys) && keys.includes("policy.scanIntervalMinutes");
    });
    const doc = await shadow(t.name);
    expect(doc.state.reported!.lastError).toMatchObject({ code: failure.code, message: failure.message });
    expect(typeof getPath(doc.state.reported!, "lastError.at")).toBe("number");
    expect(getPath(doc.state.delta!, "policy.scanIntervalMinutes")).toBe(wanted);
    expect(getPath(doc.state.reported!, "policy.scanIntervalMinutes")).toBe(getPath(reported, "policy.scanIntervalMinutes"));
  });

  it("an agent that does not know a setting applies the rest and leaves that key pending", async () => {
    const t = pick("ignoring");
    const ignored = behaviourOf(t).ignores.classic[0];
    const reported = (await shadow(t.name)).state.reported!;
    const current = getPath(reported, ignored);
    const value = ignored === "policy.cloudLookup" ? !current : current === 15 ? 240 : 15;
    const version = CURRENT_BLOCKLIST_VERSION + 7;
    const key = ignored.split(".")[1];
    await desire(t.name, { policy: { [key]: value }, blocklist: { version } });
    await until("the rest is reported", async () => getPath((await shadow(t.name)).state.reported!, "blocklist.version") === version);
    await sleep(300);
    const doc = await shadow(t.name);
    expect(doc.state.delta).toEqual({ policy: { [key]: value } });
    expect(getPath(doc.state.reported!, ignored)).toBe(current);
  });

  it("a lagging agent applies only after its lag", async () => {
    const t = pick("lagging");
    await until("its start-up differences are worked off", async () => (await shadow(t.name)).state.delta === undefined, 8_000);
    await desire(t.name, { policy: { mode: "detect" }, blocklist: { version: CURRENT_BLOCKLIST_VERSION + 9 } });
    await sleep(500);
    expect((await shadow(t.name)).state.delta).toBeDefined(); // lag is 1..3 s here
    await until("the change is reported", async () => (await shadow(t.name)).state.delta === undefined, 8_000);
    expect(getPath((await shadow(t.name)).state.reported!, "policy.mode")).toBe("detect");
  });

  it("the named config shadow works the same way", async () => {
    const t = pick("normal", (x) => usesConfig(x) && x !== away);
    const reported = (await shadow(t.name, CONFIG_SHADOW)).state.reported!;
    const logLevel = reported.logLevel === "debug" ? "warn" : "debug";
    await desire(t.name, { logLevel, telemetryIntervalSeconds: 120 }, CONFIG_SHADOW);
    await until("the config change is reported", async () => {
      const doc = await shadow(t.name, CONFIG_SHADOW);
      return doc.state.reported!.logLevel === logLevel && doc.state.delta === undefined;
    });
    expect((await shadow(t.name, CONFIG_SHADOW)).state.reported!.telemetryIntervalSeconds).toBe(120);

    const ignoring = things.find((x) => x.connects && behaviourOf(x).kind === "ignoring" && usesConfig(x));
    if (ignoring) {
      await desire(ignoring.name, { telemetryIntervalSeconds: 30, logLevel: "warn" }, CONFIG_SHADOW);
      await until("the known config key is reported", async () => (await shadow(ignoring.name, CONFIG_SHADOW)).state.reported!.logLevel === "warn");
      await sleep(300);
      expect((await shadow(ignoring.name, CONFIG_SHADOW)).state.delta).toEqual({ telemetryIntervalSeconds: 30 });
    }
  });

  it("an agent that was offline applies what changed meanwhile when it reconnects, in both shadows", async () => {
    const version = CURRENT_BLOCKLIST_VERSION + 11;
    await desire(away.name, { blocklist: { version } });
    await desire(away.name, { logLevel: "warn" }, CONFIG_SHADOW);
    await sleep(300);
    expect(getPath((await shadow(away.name)).state.delta!, "blocklist.version")).toBe(version);

    const one = agentsFor([away]);
    try {
      expect(await one.allUp(5_000)).toBe(true);
      await until("the change is reported after the reconnect", async () => {
        const [classic, config] = await Promise.all([shadow(away.name), shadow(away.name, CONFIG_SHADOW)]);
        return classic.state.delta === undefined && config.state.delta === undefined;
      });
      expect(getPath((await shadow(away.name)).state.reported!, "blocklist.version")).toBe(version);
      expect((await shadow(away.name, CONFIG_SHADOW)).state.reported!.logLevel).toBe("warn");
    } finally {
      await one.stop();
    }

    // A restart continues from the shadow: nothing is reported again, nothing reset.
    const before = await shadow(away.name);
    const again = agentsFor([away]);
    try {
      expect(await again.allUp(5_000)).toBe(true);
      await sleep(500);
      expect((await shadow(away.name)).version).toBe(before.version);
    } finally {
      await again.stop();
    }
  });

  it("an agent whose shadow was deleted writes its state again when it connects", async () => {
    await data.send(new DeleteThingShadowCommand({ thingName: away.name }));
    const one = agentsFor([away]);
    try {
      expect(await one.allUp(5_000)).toBe(true);
      await until("the shadow is back", async () => {
        try {
          return (await shadow(away.name)).state.reported !== undefined;
        } catch {
          return false;
        }
      });
      expect((await shadow(away.name)).state.reported).toEqual(agentShadowPlan(SEED, planned[away.index]).reported);
    } finally {
      await one.stop();
    }
  });

  it("agents report live health values now and then", async () => {
    const t = away; // not run by the fleet: one connection per client id
    const before = await shadow(t.name);
    const one = runAgents({
      mqttUrl: h.emulator.mqttUrl,
      seed: SEED,
      fleetSize: SIZE,
      things: [t],
      churnPercent: 0,
      shadows: { ...SETTINGS, healthIntervalMs: 200 },
      statusEveryMs: 0,
      log: quiet,
    });
    try {
      await until("a health report arrives", async () => (await shadow(t.name)).version > before.version + 1, 5_000);
      const after = await shadow(t.name);
      expect(after.state.reported!.health).not.toEqual(before.state.reported!.health);
      expect(one.status().shadows!.healthReports).toBeGreaterThan(0);
    } finally {
      await one.stop();
    }
  });
});

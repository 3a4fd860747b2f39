/**
 * Shadow round-trip figures: a fresh emulator in a temporary folder, the default fleet
 * (2,000 things) seeded and one simulated agent per thing connected, then for a sample of
 * things a desired change through the REST API (UpdateThingShadow) timed until the agent's
 * report of it shows on the thing's `update/documents` topic (no polling). The agents
 * apply at once here (SHADOW_APPLY_DELAY_MS=0, no lagging, failing or ignoring agents) so
 * the figure is the pipeline itself: REST -> shadow service -> delta over MQTT -> agent
 * -> /update over MQTT -> accepted and published. In normal operation agents add their
 * apply delay on top.
 *
 *   node --import tsx scripts/bench-shadows.ts [--fleet 2000] [--samples 200]
 */
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import mqtt from "mqtt";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { startEmulator } from "../emulator/emulator";
import { seedFleet } from "../simulator/seed";
import { runAgents } from "../simulator/agents";
import { readSeededThings } from "../simulator/marker";
import { DEFAULT_SHADOW_SETTINGS, type ShadowSettings } from "../simulator/agent-shadow";
import { CURRENT_BLOCKLIST_VERSION } from "../simulator/agent-state";
import { ms, percentile } from "./lib/stats";

export interface ShadowBenchOptions {
  /** Things and agents (default 2,000). */
  fleetSize?: number;
  /** Things timed one after the other, and again all at once (default 200). */
  samples?: number;
  log?: (line: string) => void;
}

export interface RoundTrip {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ShadowBenchResult {
  fleetSize: number;
  /** Agents connected when the timing started. */
  agentsConnected: number;
  seedMs: number;
  /** From starting the agents until every agent that should connect has. */
  agentsUpMs: number;
  /** One change at a time, the fleet otherwise idle. */
  roundTrip: RoundTrip;
  /** The same number of changes sent at once. */
  burst: RoundTrip;
  /** What agents add in normal operation (not in the figures above). */
  defaultApplyDelayMs: number;
}

const WAIT_MS = 15_000;

export async function benchShadowRoundTrip(opts: ShadowBenchOptions = {}): Promise<ShadowBenchResult> {
  const log = opts.log ?? console.log;
  const fleetSize = opts.fleetSize ?? 2000;
  const samples = opts.samples ?? 200;
  const dataDir = mkdtempSync(join(tmpdir(), "fleet-bench-shadows-"));
  const emulator = await startEmulator({ host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir, region: "us-east-1", accountId: "000000000000" });
  const clientConfig = { endpoint: emulator.endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };
  const data = new IoTDataPlaneClient({ ...clientConfig, maxAttempts: 1 });
  const observer = mqtt.connect(emulator.mqttUrl, { clientId: "bench-shadow-observer", reconnectPeriod: 0 });
  let agents: ReturnType<typeof runAgents> | undefined;
  try {
    log(`shadows: seeding ${fleetSize.toLocaleString("en-US")} things into a fresh emulator (${dataDir})`);
    let t = performance.now();
    await seedFleet({ ...clientConfig, dataDir, fleetSize, seed: 1, log: () => undefined });
    const seedMs = performance.now() - t;

    const things = readSeededThings(dataDir)!;
    const settings: ShadowSettings = { ...DEFAULT_SHADOW_SETTINGS, applyDelayMs: 0, lagPercent: 0, failPercent: 0, ignorePercent: 0, healthIntervalMs: 0 };
    t = performance.now();
    agents = runAgents({
      mqttUrl: emulator.mqttUrl,
      seed: 1,
      fleetSize,
      things,
      churnPercent: 0,
      connectRate: 1000,
      shadows: settings,
      statusEveryMs: 0,
      log: () => undefined,
    });
    if (!(await agents.allUp(180_000))) throw new Error("not every agent connected within 3 minutes");
    const agentsUpMs = performance.now() - t;
    // The agents work off the drift the fleet was seeded with; wait until they are done.
    let last = -1;
    while (agents.status().shadows!.applied !== last) {
      last = agents.status().shadows!.applied;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const agentsConnected = agents.status().connected;
    log(
      `  seeded in ${(seedMs / 1000).toFixed(1)} s; ${agentsConnected} agents connected in ${(agentsUpMs / 1000).toFixed(1)} s; ${last} start-up differences applied`,
    );

    // Reported blocklist versions as the agents' reports show them, per thing.
    const waiters = new Map<string, { version: number; resolve: (at: number) => void }>();
    observer.on("message", (topic, payload) => {
      const thing = topic.split("/")[2];
      const w = waiters.get(thing);
      if (!w) return;
      const doc = JSON.parse(payload.toString()) as { current?: { state?: { reported?: { blocklist?: { version?: number } } } } };
      if (doc.current?.state?.reported?.blocklist?.version === w.version) {
        waiters.delete(thing);
        w.resolve(performance.now());
      }
    });
    await observer.subscribeAsync("$aws/things/+/shadow/update/documents", { qos: 0 });

    const online = things.filter((x) => x.connects);
    const step = Math.max(1, Math.floor(online.length / (samples * 2)));
    const sample = Array.from({ length: Math.min(samples * 2, online.length) }, (_, i) => online[(i * step) % online.length].name);
    let nextVersion = CURRENT_BLOCKLIST_VERSION + 100;
    const roundTrip = async (thingName: string): Promise<number> => {
      const version = nextVersion++;
      const reported = new Promise<number>((resolve, reject) => {
        waiters.set(thingName, { version, resolve });
        setTimeout(() => reject(new Error(`${thingName}: blocklist ${version} not reported within ${WAIT_MS / 1000} s`)), WAIT_MS).unref();
      });
      const start = performance.now();
      await data.send(
        new UpdateThingShadowCommand({ thingName, payload: new TextEncoder().encode(JSON.stringify({ state: { desired: { blocklist: { version } } } })) }),
      );
      return (await reported) - start;
    };

    const one: number[] = [];
    for (const name of sample.slice(0, samples)) one.push(await roundTrip(name));
    const burstTimes = await Promise.all(sample.slice(samples, samples * 2).map(roundTrip));
    // The documents said so; the REST view agrees (no delta left).
    for (const name of [sample[0], sample[sample.length - 1]]) {
      const doc = JSON.parse(new TextDecoder().decode((await data.send(new GetThingShadowCommand({ thingName: name }))).payload));
      if (doc.state.delta) throw new Error(`${name}: a delta is left after the agent reported: ${JSON.stringify(doc.state.delta)}`);
    }

    const figures = (times: number[]): RoundTrip => ({
      samples: times.length,
      p50Ms: +percentile(times, 50).toFixed(2),
      p95Ms: +percentile(times, 95).toFixed(2),
      maxMs: +Math.max(...times).toFixed(2),
    });
    const result: ShadowBenchResult = {
      fleetSize,
      agentsConnected,
      seedMs: Math.round(seedMs),
      agentsUpMs: Math.round(agentsUpMs),
      roundTrip: figures(one),
      burst: figures(burstTimes),
      defaultApplyDelayMs: DEFAULT_SHADOW_SETTINGS.applyDelayMs,
    };
    const line = (r: RoundTrip) => `p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)}, max ${ms(r.maxMs)}`;
    log(`shadow update round trip (REST update -> agent applies -> reported), ${agentsConnected} agents online:`);
    log(`  one at a time, ${result.roundTrip.samples} things: ${line(result.roundTrip)}`);
    log(`  ${result.burst.samples} at once:                ${line(result.burst)}`);
    log(
      `  measured with SHADOW_APPLY_DELAY_MS=0; in normal operation agents wait ${DEFAULT_SHADOW_SETTINGS.applyDelayMs / 1000} s (±50%) before applying, ` +
        `and lagging agents ${DEFAULT_SHADOW_SETTINGS.lagDelayMs / 60_000} min`,
    );
    return result;
  } finally {
    await agents?.stop();
    await observer.endAsync().catch(() => undefined);
    data.destroy();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  benchShadowRoundTrip({ fleetSize: option("--fleet", 2000), samples: option("--samples", 200) }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

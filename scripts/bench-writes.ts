/**
 * Write throughput of the emulator, run in a child process of its own (as `npm start`
 * runs it): 16 concurrent clients (each its own SDK client and connection), each sending
 * its next request as soon as the last was answered, for a fixed time per operation.
 * Every answered write is committed to disk before it is answered (group commit), so this
 * is the throughput of durable writes.
 *
 *   node --import tsx scripts/bench-writes.ts [--clients 16] [--seconds 5]
 *
 * Before group commit the emulator answered first and committed a tick later (so a kill
 * could lose acknowledged writes); the same benchmark run on that version (commit
 * 80c894a, this machine) is kept in bench/baseline/ and printed beside today's figures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CreateThingCommand, IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { spawnEmulator } from "./lib/emulator-process";
import { ms, percentile } from "./lib/stats";

export interface WriteFigure {
  clients: number;
  seconds: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

export interface WriteBenchOptions {
  clients?: number;
  seconds?: number;
  log?: (line: string) => void;
}

export async function benchWrites(opts: WriteBenchOptions = {}): Promise<{ createThing: WriteFigure; updateThingShadow: WriteFigure }> {
  const clients = opts.clients ?? 16;
  const seconds = opts.seconds ?? 5;
  const log = opts.log ?? console.log;
  const dataDir = mkdtempSync(join(tmpdir(), "fleet-bench-writes-"));
  const emu = await spawnEmulator(dataDir);
  const cfg = { endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 1 };
  const iots = Array.from({ length: clients }, () => new IoTClient(cfg));
  const datas = Array.from({ length: clients }, () => new IoTDataPlaneClient(cfg));
  try {
    log(`writes: ${clients} concurrent clients, ${seconds} s per operation, emulator in its own process`);
    const createThing = await run(clients, seconds, (c, i) =>
      iots[c].send(new CreateThingCommand({ thingName: `bench-${c}-${i}`, attributePayload: { attributes: { site: `s${c}`, n: String(i) } } })),
    );
    log(
      `  CreateThing        ${createThing.perSecond.toFixed(0)}/s  (p50 ${ms(createThing.p50Ms)}, p95 ${ms(createThing.p95Ms)}, ${createThing.errors} errors)`,
    );
    // One thing per client, its shadow updated over and over (a new version each time).
    const updateThingShadow = await run(clients, seconds, (c, i) =>
      datas[c].send(
        new UpdateThingShadowCommand({
          thingName: `bench-${c}-0`,
          payload: new TextEncoder().encode(JSON.stringify({ state: { reported: { n: i, at: Date.now() } } })),
        }),
      ),
    );
    log(
      `  UpdateThingShadow  ${updateThingShadow.perSecond.toFixed(0)}/s  (p50 ${ms(updateThingShadow.p50Ms)}, p95 ${ms(updateThingShadow.p95Ms)}, ${updateThingShadow.errors} errors)`,
    );
    const before = baseline();
    if (before) {
      log(
        `  before group commit (${before.measured}): CreateThing ${before.createThing.perSecond.toFixed(0)}/s (p50 ${ms(before.createThing.p50Ms)}), UpdateThingShadow ${before.updateThingShadow.perSecond.toFixed(0)}/s (p50 ${ms(before.updateThingShadow.p50Ms)})`,
      );
    }
    return { createThing, updateThingShadow };
  } finally {
    for (const c of [...iots, ...datas]) c.destroy();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const BASELINE = join(import.meta.dirname, "..", "bench", "baseline", "writes-answer-then-commit.json");

function baseline(): { measured: string; createThing: WriteFigure; updateThingShadow: WriteFigure } | undefined {
  return existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, "utf8")) : undefined;
}

async function run(clients: number, seconds: number, call: (client: number, i: number) => Promise<unknown>): Promise<WriteFigure> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now();
        try {
          await call(c, i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    clients,
    seconds,
    requests: latencies.length,
    perSecond: +(latencies.length / elapsed).toFixed(1),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p95Ms: +percentile(latencies, 95).toFixed(2),
    errors,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const r = await benchWrites({ clients: option("--clients", 16), seconds: option("--seconds", 5) });
  console.log(JSON.stringify(r));
}

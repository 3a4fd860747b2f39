/**
 * `npm run bench`: performance figures on this machine, from a fresh emulator seeded
 * with the default fleet in a temporary folder (nothing of a running instance is used).
 *
 *   npm run bench                 everything
 *   npm run bench -- --fleet 5000 another fleet size
 *   npm run bench -- --no-console skip the console figures (no build needed)
 *   npm run bench -- --only search  only the fleet-search figures
 *   npm run bench -- --no-search    skip them (they write and index a million things: ~5 min)
 *   npm run bench -- --search-fleet 200000   fleet size for the search figures
 *   npm run bench -- --only shadows  only the shadow round trip (2,000 agents)
 *   npm run bench -- --only writes   only durable write throughput (16 clients)
 *   npm run bench -- --no-shadows    skip it
 *   npm run bench -- --only jobs     only the jobs figures: rate accuracy (3 min), a rollout to
 *                                    10,000 agents (--jobs-fleet N) and its job page in Chromium
 *   npm run bench -- --no-jobs       skip them (--no-rate skips the 3-minute rate part)
 *
 * Reports: fleet seeding time; ListThings page latency p50/p95 (maxResults 100 and 250);
 * time to page through all things; the console's things page time to first byte; 50
 * operators on one query (backend calls per cache period); the drift view's load time;
 * the shadow round trip (REST update -> agent applies -> reported) with 2,000 agents;
 * SearchIndex and a bucket aggregation on a million things. Results are also written to bench/results/latest.json.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { IoTClient, ListThingsCommand } from "@aws-sdk/client-iot";
import { startEmulator } from "../emulator/emulator";
import { seedFleet } from "../simulator/seed";
import { startBenchConsole } from "./lib/bench-console";
import { benchWrites } from "./bench-writes";
import { median, ms, percentile } from "./lib/stats";
import { benchSearch } from "./bench-search";
import { benchShadowRoundTrip } from "./bench-shadows";
import { benchDriftView } from "./lib/bench-drift";
import { benchJobs } from "./bench-jobs";
import { readEnv } from "@/lib/env";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const FLEET = option("--fleet", 2000);
const results: Record<string, unknown> = { date: new Date().toISOString(), fleetSize: FLEET };

async function main() {
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
  if (only === undefined) await benchRegistryAndConsole();
  if (only === undefined || only === "writes") results.writes = await benchWrites({ clients: option("--clients", 16), seconds: option("--seconds", 5) });
  if (only === undefined || only === "shadows") {
    if (!flag("--no-shadows")) results.shadows = await benchShadowRoundTrip({ fleetSize: FLEET });
  }
  if (only === undefined || only === "search") {
    if (!flag("--no-search")) results.search = await benchSearch(option("--search-fleet", 1_000_000));
  }
  if (only === undefined || only === "jobs") {
    if (!flag("--no-jobs")) {
      results.jobs = await benchJobs({
        fleetSize: option("--jobs-fleet", 10_000),
        rateMinutes: option("--rate-minutes", 3),
        rate: !flag("--no-rate"),
        page: !flag("--no-console"),
      });
    }
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/latest.json", JSON.stringify(results, null, 2) + "\n");
  console.log("written to bench/results/latest.json");
}

async function benchRegistryAndConsole() {
  const dataDir = mkdtempSync(join(tmpdir(), "fleet-bench-"));
  const emulator = await startEmulator({ host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir, region: "us-east-1", accountId: "000000000000" });
  const clientConfig = { endpoint: emulator.endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };
  const iot = new IoTClient(clientConfig);
  try {
    console.log(`fleet: seeding ${FLEET} things into a fresh emulator (${dataDir})`);
    let t = performance.now();
    await seedFleet({ ...clientConfig, dataDir, fleetSize: FLEET, seed: 1, log: () => undefined });
    const seedMs = performance.now() - t;
    results.seedSeconds = +(seedMs / 1000).toFixed(2);
    console.log(`  seeded in ${(seedMs / 1000).toFixed(1)} s`);

    for (const pageSize of [100, 250]) {
      const pageLatencies: number[] = [];
      const fullPasses: number[] = [];
      let count = 0;
      for (let pass = 0; pass < 5; pass++) {
        const passStart = performance.now();
        let nextToken: string | undefined;
        count = 0;
        do {
          t = performance.now();
          const out = await iot.send(new ListThingsCommand({ maxResults: pageSize, nextToken }));
          pageLatencies.push(performance.now() - t);
          count += out.things?.length ?? 0;
          nextToken = out.nextToken;
        } while (nextToken);
        fullPasses.push(performance.now() - passStart);
      }
      if (count !== FLEET) throw new Error(`paging returned ${count} things, expected ${FLEET}`);
      const r = {
        pages: pageLatencies.length,
        p50Ms: +percentile(pageLatencies, 50).toFixed(2),
        p95Ms: +percentile(pageLatencies, 95).toFixed(2),
        allThingsMedianMs: +median(fullPasses).toFixed(1),
      };
      results[`listThings_${pageSize}`] = r;
      console.log(
        `ListThings maxResults=${pageSize}: page p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)} (${r.pages} pages); all ${FLEET} things in ${ms(r.allThingsMedianMs)} (median of 5)`,
      );
    }

    if (!flag("--no-console")) await benchConsole(emulator.httpPort, emulator.endpoint, dataDir);
  } finally {
    iot.destroy();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchConsole(emulatorPort: number, emulatorEndpoint: string, dataDir: string) {
  const console_ = await startBenchConsole(emulatorPort, dataDir);
  const { port, cookie } = console_;
  try {
    const url = `http://127.0.0.1:${port}/things`;
    const get = () => timeRequest(url, cookie);
    for (let i = 0; i < 3; i++) await get(); // warm-up
    const first: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = await get();
      first.push(t.firstByteMs);
      full.push(t.lastByteMs);
    }
    const r = {
      samples: first.length,
      p50Ms: +percentile(first, 50).toFixed(1),
      p95Ms: +percentile(first, 95).toFixed(1),
      // The page streams: the last byte is when the first page of things has rendered.
      fullPageP50Ms: +percentile(full, 50).toFixed(1),
      fullPageP95Ms: +percentile(full, 95).toFixed(1),
    };
    results.consoleThingsTtfb = r;
    results.searchCoalescing = await benchCoalescing(port, emulatorEndpoint, cookie);
    results.driftView = await benchDriftView(`http://127.0.0.1:${port}`, cookie, { emulatorEndpoint, log: console.log });
    console.log(
      `console /things time to first byte: p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)}; whole page (first 50 things rendered): p50 ${ms(r.fullPageP50Ms)}, p95 ${ms(r.fullPageP95Ms)} (${r.samples} requests)`,
    );
  } finally {
    await console_.stop();
  }
}

/**
 * 50 operators refreshing the same saved query at once, in several rounds: how many
 * SearchIndex calls reach the backend (counted by the emulator). The console coalesces
 * identical in-flight queries and caches answers for FLEET_INDEX_CACHE_MS (default 5 s).
 */
async function benchCoalescing(port: number, emulatorEndpoint: string, cookie: string) {
  const cacheMs = readEnv(["FLEET_INDEX_CACHE_MS"]).FLEET_INDEX_CACHE_MS;
  const url = `http://127.0.0.1:${port}/api/search?q=${encodeURIComponent("shadow.hasDelta:true AND attributes.customer:*")}`;
  const searchCalls = async () => {
    const res = await fetch(`${emulatorEndpoint}/_emulator/requests`);
    const { counts } = (await res.json()) as { counts: Record<string, number> };
    return counts["iot SearchIndex"] ?? 0;
  };
  const rounds = 3;
  const perRound: number[] = [];
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round > 0) await new Promise((r) => setTimeout(r, cacheMs + 200)); // the next cache period
    const before = await searchCalls();
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const t = performance.now();
        const res = await fetch(url, { headers: { cookie } });
        latencies.push(performance.now() - t);
        return res.status;
      }),
    );
    if (answers.some((s) => s !== 200)) throw new Error(`search answered ${answers.filter((s) => s !== 200).join(", ")}`);
    perRound.push((await searchCalls()) - before);
  }
  const r = { operators: 50, rounds, cacheMs, backendCallsPerRound: perRound, p95Ms: +percentile(latencies, 95).toFixed(1) };
  console.log(
    `50 operators refreshing the same query, ${rounds} rounds one cache period (${cacheMs} ms) apart: SearchIndex calls per round ${perRound.join(", ")}; answer p95 ${ms(r.p95Ms)}`,
  );
  return r;
}

function timeRequest(url: string, cookie: string): Promise<{ firstByteMs: number; lastByteMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { headers: { cookie } }, (res) => {
      let firstByteMs = NaN;
      if ((res.statusCode ?? 500) !== 200) reject(new Error(`${url} answered ${res.statusCode} (a signed-in page must answer 200)`));
      res.on("data", () => {
        if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - start;
      });
      res.on("end", () => resolve({ firstByteMs, lastByteMs: performance.now() - start }));
    });
    req.on("error", reject);
    req.end();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

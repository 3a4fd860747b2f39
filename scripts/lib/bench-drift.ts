/**
 * The drift view's load time, for `npm run bench` (the lead wires it into scripts/bench.ts):
 * what an operator waits for when opening /drift on the default fleet, signed in.
 *
 * One "view load" is what the browser does: GET /drift (time to first byte and the whole
 * streamed page), then the data the page asks for at once, in parallel:
 * /api/drift/summary (fleet-index aggregations) and /api/drift/keys (the drift snapshot:
 * every drifted thing read with SearchIndex). The view is ready when the page and both
 * answers are in. A drill-down (/api/drift/things for the most drifted thing type) is
 * timed on its own.
 *
 * - **cold**: the console's caches are empty or expired (the first load after start, then
 *   loads one snapshot period apart), so the fleet index is really read;
 * - **warm**: loads back to back, answered from the quota gate's cache and the shared
 *   snapshot, as when several operators keep the view open.
 *
 * With `emulatorEndpoint`, also the fleet-index calls one cold and one warm load cost the
 * backend (counted by the emulator's /_emulator/requests).
 */
import { request } from "node:http";
import { request as requestTls } from "node:https";
import { percentile } from "./stats";

export interface DriftBenchOptions {
  /** Back-to-back loads measured (after one untimed warm-up). Default 30. */
  warmSamples?: number;
  /** Loads with the caches expired; each waits `coldGapMs` first (the first one only if `firstIsCold` is false). Default 3. */
  coldSamples?: number;
  /** The wait that lets the console's caches expire: snapshot period (15 s) + gate cache (5 s) + margin. Default 21 000 ms. */
  coldGapMs?: number;
  /** Whether the console has just started (nothing cached): the first cold load needs no wait. Default true. */
  firstIsCold?: boolean;
  /** The emulator's endpoint, to count fleet-index calls per load. */
  emulatorEndpoint?: string;
  log?: (line: string) => void;
}

export interface Percentiles {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export interface DriftBenchResult {
  /** Warm view load (page + summary + keys), ms. */
  p50: number;
  p95: number;
  warm: {
    view: Percentiles;
    pageTtfb: Percentiles;
    page: Percentiles;
    summary: Percentiles;
    keys: Percentiles;
    drillDown: Percentiles;
  };
  cold: {
    view: Percentiles;
    summary: Percentiles;
    keys: Percentiles;
  };
  /** What the view showed: drifted things (all shadows) and pending keys, from the last load. */
  fleet: { totalThings: number; drifted: number; analysed: number; capped: boolean; pendingKeys: number };
  /** Fleet-index calls (SearchIndex and aggregations) that reached the backend for one cold and one warm load. */
  backendCalls?: { cold: number; warm: number };
}

interface Timing {
  firstByteMs: number;
  totalMs: number;
  body: string;
}

function timedGet(url: string, cookie: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const send = url.startsWith("https:") ? requestTls : request;
    const req = send(url, { headers: { cookie, accept: "text/html,application/json" } }, (res) => {
      let firstByteMs = NaN;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => {
        if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - start;
        chunks.push(c);
      });
      res.on("end", () => {
        const totalMs = performance.now() - start;
        if (res.statusCode !== 200)
          reject(new Error(`${url} answered ${res.statusCode} (a signed-in viewer must get 200): ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`));
        else resolve({ firstByteMs, totalMs, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

interface Load {
  viewMs: number;
  page: Timing;
  summary: Timing;
  keys: Timing;
}

async function viewLoad(base: string, cookie: string): Promise<Load> {
  const start = performance.now();
  const page = await timedGet(`${base}/drift`, cookie);
  // The client asks for both as soon as it runs; the view is complete when both are in.
  const [summary, keys] = await Promise.all([timedGet(`${base}/api/drift/summary`, cookie), timedGet(`${base}/api/drift/keys`, cookie)]);
  return { viewMs: performance.now() - start, page, summary, keys };
}

const stats = (values: number[]): Percentiles => ({
  samples: values.length,
  p50: +percentile(values, 50).toFixed(1),
  p95: +percentile(values, 95).toFixed(1),
  max: +Math.max(...values).toFixed(1),
});

/** The fleet-index queries, as the emulator counts requests (`<service> <Operation>`). */
const FLEET_INDEX_OPERATIONS = new Set(["SearchIndex", "GetStatistics", "GetCardinality", "GetPercentiles", "GetBucketsAggregation"].map((op) => `iot ${op}`));

async function fleetIndexCalls(endpoint: string): Promise<number> {
  const res = await fetch(`${endpoint}/_emulator/requests`);
  const { counts } = (await res.json()) as { counts: Record<string, number> };
  return Object.entries(counts)
    .filter(([k]) => FLEET_INDEX_OPERATIONS.has(k))
    .reduce((n, [, v]) => n + v, 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchDriftView(baseUrl: string, cookieHeader: string, opts: DriftBenchOptions = {}): Promise<DriftBenchResult> {
  const base = baseUrl.replace(/\/+$/, "");
  const warmSamples = opts.warmSamples ?? 30;
  const coldSamples = opts.coldSamples ?? 3;
  const coldGapMs = opts.coldGapMs ?? 21_000;
  const log = opts.log ?? (() => undefined);

  // Cold loads first, while nothing is cached (or after the caches expired).
  const cold: Load[] = [];
  let backendCold: number | undefined;
  for (let i = 0; i < coldSamples; i++) {
    if (i > 0 || opts.firstIsCold === false) await sleep(coldGapMs);
    const before = opts.emulatorEndpoint ? await fleetIndexCalls(opts.emulatorEndpoint) : 0;
    cold.push(await viewLoad(base, cookieHeader));
    if (opts.emulatorEndpoint) backendCold = (await fleetIndexCalls(opts.emulatorEndpoint)) - before;
    log(`drift view cold load ${i + 1}/${coldSamples}: ${cold.at(-1)!.viewMs.toFixed(1)} ms`);
  }

  await viewLoad(base, cookieHeader); // warm-up (and fills the caches if there was no cold load)
  const warm: Load[] = [];
  const drill: number[] = [];
  let backendWarm: number | undefined;
  const beforeWarm = opts.emulatorEndpoint ? await fleetIndexCalls(opts.emulatorEndpoint) : 0;
  const first = await viewLoad(base, cookieHeader);
  if (opts.emulatorEndpoint) backendWarm = (await fleetIndexCalls(opts.emulatorEndpoint)) - beforeWarm;
  warm.push(first);
  for (let i = 1; i < warmSamples; i++) warm.push(await viewLoad(base, cookieHeader));

  const summary = JSON.parse(warm.at(-1)!.summary.body) as {
    totalThings: number;
    any: { drifted: number };
    byType: { buckets: Array<{ key: string }> } | null;
  };
  const keys = JSON.parse(warm.at(-1)!.keys.body) as { analysed: number; capped: boolean; keys: unknown[] };
  const topType = summary.byType?.buckets[0]?.key;
  if (topType) {
    for (let i = 0; i < Math.min(10, warmSamples); i++)
      drill.push((await timedGet(`${base}/api/drift/things?type=${encodeURIComponent(topType)}`, cookieHeader)).totalMs);
  }

  const views = warm.map((l) => l.viewMs);
  const result: DriftBenchResult = {
    p50: +percentile(views, 50).toFixed(1),
    p95: +percentile(views, 95).toFixed(1),
    warm: {
      view: stats(views),
      pageTtfb: stats(warm.map((l) => l.page.firstByteMs)),
      page: stats(warm.map((l) => l.page.totalMs)),
      summary: stats(warm.map((l) => l.summary.totalMs)),
      keys: stats(warm.map((l) => l.keys.totalMs)),
      drillDown: drill.length ? stats(drill) : { samples: 0, p50: NaN, p95: NaN, max: NaN },
    },
    cold: {
      view: cold.length ? stats(cold.map((l) => l.viewMs)) : { samples: 0, p50: NaN, p95: NaN, max: NaN },
      summary: cold.length ? stats(cold.map((l) => l.summary.totalMs)) : { samples: 0, p50: NaN, p95: NaN, max: NaN },
      keys: cold.length ? stats(cold.map((l) => l.keys.totalMs)) : { samples: 0, p50: NaN, p95: NaN, max: NaN },
    },
    fleet: { totalThings: summary.totalThings, drifted: summary.any.drifted, analysed: keys.analysed, capped: keys.capped, pendingKeys: keys.keys.length },
    ...(backendCold !== undefined && backendWarm !== undefined ? { backendCalls: { cold: backendCold, warm: backendWarm } } : {}),
  };
  log(
    `drift view (${result.fleet.drifted} drifted of ${result.fleet.totalThings} things): warm p50 ${result.p50} ms / p95 ${result.p95} ms ` +
      `(page TTFB p50 ${result.warm.pageTtfb.p50} ms), cold p50 ${result.cold.view.p50} ms / max ${result.cold.view.max} ms` +
      (result.backendCalls ? `; fleet-index calls per load: cold ${result.backendCalls.cold}, warm ${result.backendCalls.warm}` : ""),
  );
  return result;
}

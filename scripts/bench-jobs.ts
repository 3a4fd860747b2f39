/**
 * Jobs figures (`npm run bench -- --only jobs`), each from a fresh emulator in a child
 * process of its own (so its CPU time is its own), in a temporary folder:
 *
 * 1. Rate accuracy. Two jobs run side by side on things without agents (executions stay
 *    QUEUED, so only the pacing is measured): one with `maximumPerMinute` 60 for three
 *    minutes, whose releases are counted per minute since CreateJob; one with an
 *    exponential ramp, whose rate at each step (the time between crossings of the
 *    increase criterion) is compared with base × factor^step. Releases are observed as the
 *    things' `jobs/notify-next` messages (millisecond clock), and checked against the
 *    executions ListJobExecutionsForJob lists.
 * 2. A rollout to every online agent of a FLEET_SIZE fleet (default 10,000) with no rate
 *    limit: p50/p95/max from CreateJob to each execution's SUCCEEDED (the agents' own
 *    `update/accepted`), DescribeJob p50/p95 polled throughout, and the emulator's CPU
 *    time per 1,000 executions.
 *
 * 3. The job page of that rollout (every execution SUCCEEDED) in a real Chromium: first
 *    contentful paint, first execution row, and scrolling until the table's last row.
 *
 *   node --import tsx scripts/bench-jobs.ts [--fleet 10000] [--rate-minutes 3] [--no-rollout] [--no-rate] [--no-console]
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import mqtt from "mqtt";
import {
  AddThingToThingGroupCommand,
  CreateJobCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  IoTClient,
  ListJobExecutionsForJobCommand,
  type JobExecutionStatus,
} from "@aws-sdk/client-iot";
import { spawn } from "node:child_process";
import { Worker } from "node:worker_threads";
import { seedFleet } from "../simulator/seed";
import { readSeededThings } from "../simulator/marker";
import { chromium } from "@playwright/test";
import { SESSION_COOKIE } from "@/lib/auth/cookie";
import { CHROMIUM_ARGS } from "../e2e/stack";
import { startBenchConsole } from "./lib/bench-console";
import { spawnEmulator, type EmulatorProcess } from "./lib/emulator-process";
import { ms, percentile } from "./lib/stats";

export interface RateFigures {
  fixed: { ratePerMinute: number; minutes: Array<{ minute: number; released: number; deviationPercent: number }>; worstDeviationPercent: number };
  exponential: {
    baseRatePerMinute: number;
    incrementFactor: number;
    criterion: number;
    steps: Array<{ step: number; expectedPerMinute: number; measuredPerMinute: number; deviationPercent: number }>;
    worstDeviationPercent: number;
  };
}

export interface JobsBenchResult {
  rate?: RateFigures;
  rollout?: RolloutFigures;
  page?: JobPageFigures;
}

const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** utime + stime of a process, in ms, from /proc (Linux). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function withEmulator<T>(label: string, run: (emu: EmulatorProcess, iot: IoTClient, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), `fleet-bench-jobs-${label}-`));
  const emu = await spawnEmulator(dataDir);
  const iot = new IoTClient({ endpoint: emu.endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
  try {
    return await run(emu, iot, dataDir);
  } finally {
    iot.destroy();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Things in a new static group, for a job to target; returns the group ARN. */
async function groupOfThings(iot: IoTClient, group: string, names: string[], create = true): Promise<string> {
  const { thingGroupArn } = await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(
      names.slice(i, i + 50).map(async (thingName) => {
        if (create) await iot.send(new CreateThingCommand({ thingName }));
        await iot.send(new AddThingToThingGroupCommand({ thingGroupName: group, thingName }));
      }),
    );
  }
  return thingGroupArn!;
}

async function executionsOf(iot: IoTClient, jobId: string, status?: JobExecutionStatus) {
  const out: Array<{ thingArn?: string; status?: string; queuedAt?: Date; lastUpdatedAt?: Date }> = [];
  let nextToken: string | undefined;
  do {
    const page = await iot.send(new ListJobExecutionsForJobCommand({ jobId, status, maxResults: 250, nextToken }));
    for (const e of page.executionSummaries ?? []) out.push({ thingArn: e.thingArn, ...e.jobExecutionSummary });
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

const deviation = (measured: number, expected: number) => +((Math.abs(measured - expected) / expected) * 100).toFixed(2);

export async function benchRate(opts: { minutes?: number; log?: (line: string) => void } = {}): Promise<RateFigures> {
  const log = opts.log ?? console.log;
  const minutes = opts.minutes ?? 3;
  const fixedRate = 60;
  const exp = { baseRatePerMinute: 20, incrementFactor: 1.5, criterion: 20 };
  return withEmulator("rate", async (emu, iot) => {
    const fixedThings = Array.from({ length: fixedRate * minutes + 60 }, (_, i) => `rate-fixed-${String(i).padStart(4, "0")}`);
    const expThings = Array.from({ length: 200 }, (_, i) => `rate-exp-${String(i).padStart(4, "0")}`);
    log(`jobs rate: registering ${fixedThings.length + expThings.length} things`);
    const fixedGroup = await groupOfThings(iot, "bench-rate-fixed", fixedThings);
    const expGroup = await groupOfThings(iot, "bench-rate-exp", expThings);

    const observer = mqtt.connect(emu.mqttUrl, { clientId: "bench-jobs-observer", reconnectPeriod: 0 });
    const released = new Map<string, number>(); // thing -> first notify-next time (ms, performance clock)
    observer.on("message", (topic, payload) => {
      const thing = topic.split("/")[2];
      const doc = JSON.parse(payload.toString()) as { execution?: { jobId?: string } };
      if (doc.execution && !released.has(thing)) released.set(thing, performance.now());
    });
    await observer.subscribeAsync("$aws/things/+/jobs/notify-next", { qos: 0 });

    const document = JSON.stringify({ operation: "reboot" });
    const started = performance.now();
    await iot.send(
      new CreateJobCommand({ jobId: "bench-rate-fixed", targets: [fixedGroup], document, jobExecutionsRolloutConfig: { maximumPerMinute: fixedRate } }),
    );
    const fixedStart = performance.now();
    await iot.send(
      new CreateJobCommand({
        jobId: "bench-rate-exp",
        targets: [expGroup],
        document,
        jobExecutionsRolloutConfig: {
          exponentialRate: {
            baseRatePerMinute: exp.baseRatePerMinute,
            incrementFactor: exp.incrementFactor,
            rateIncreaseCriteria: { numberOfNotifiedThings: exp.criterion },
          },
        },
      }),
    );
    const expStart = performance.now();
    log(`jobs rate: watching for ${minutes} minutes (created in ${ms(expStart - started)})`);
    await sleep(minutes * 60_000 + 2_000);
    await observer.endAsync();

    const listed = await executionsOf(iot, "bench-rate-fixed");
    const fixedTimes = fixedThings.map((t) => released.get(t)).filter((x): x is number => x !== undefined);
    if (Math.abs(listed.length - fixedTimes.length) > 1) {
      throw new Error(`notify-next seen for ${fixedTimes.length} things but ${listed.length} executions listed`);
    }
    const perMinute = Array.from(
      { length: minutes },
      (_, m) => fixedTimes.filter((t) => t - fixedStart >= m * 60_000 && t - fixedStart < (m + 1) * 60_000).length,
    );
    const fixedMinutes = perMinute.map((n, m) => ({ minute: m + 1, released: n, deviationPercent: deviation(n, fixedRate) }));

    // Exponential: each step's releases (criterion of them) at the step's rate: the mean
    // interval between consecutive releases inside the step (its first one comes at once
    // when the previous step's last is notified, or at CreateJob).
    const expTimes = expThings
      .map((t) => released.get(t))
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    const steps: RateFigures["exponential"]["steps"] = [];
    for (let k = 0; (k + 1) * exp.criterion <= expTimes.length; k++) {
      const first = expTimes[k * exp.criterion];
      const last = expTimes[(k + 1) * exp.criterion - 1];
      const measured = +(((exp.criterion - 1) / (last - first)) * 60_000).toFixed(2);
      const expected = +(exp.baseRatePerMinute * exp.incrementFactor ** k).toFixed(2);
      steps.push({ step: k, expectedPerMinute: expected, measuredPerMinute: measured, deviationPercent: deviation(measured, expected) });
    }
    const result: RateFigures = {
      fixed: { ratePerMinute: fixedRate, minutes: fixedMinutes, worstDeviationPercent: Math.max(...fixedMinutes.map((m) => m.deviationPercent)) },
      exponential: { ...exp, steps, worstDeviationPercent: Math.max(...steps.map((s) => s.deviationPercent)) },
    };
    log(`maximumPerMinute ${fixedRate}: released per minute ${perMinute.join(", ")} (worst ${result.fixed.worstDeviationPercent}% off)`);
    log(
      `exponential ramp base ${exp.baseRatePerMinute}/min × ${exp.incrementFactor} every ${exp.criterion} notified: ` +
        steps.map((s) => `step ${s.step} ${s.measuredPerMinute}/min (expected ${s.expectedPerMinute})`).join("; ") +
        ` (worst ${result.exponential.worstDeviationPercent}% off)`,
    );
    return result;
  });
}

export interface RolloutFigures {
  fleetSize: number;
  /** Things whose agent was online when the job was created: all of them are targeted. */
  targeted: number;
  succeeded: number;
  /** CreateJob until each execution's SUCCEEDED update was accepted. */
  createToSucceeded: { p50Ms: number; p95Ms: number; maxMs: number };
  /** Until the job itself was COMPLETED. */
  jobCompletedMs: number;
  /** DescribeJob polled back to back for the whole rollout. */
  describeJob: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  /** The emulator's CPU time (user + system) during the rollout, and per 1,000 executions. */
  emulatorCpuMs: number;
  emulatorCpuMsPer1000Executions: number;
  /** The same measured while the fleet idled for as long, for comparison (agents' own traffic). */
  emulatorIdleCpuMsPerSecond: number;
}

/** Simulated agents in a child process of their own (the simulator as `npm start` runs it), ready once every agent that should connect has. */
async function spawnAgents(dataDir: string, emu: EmulatorProcess, fleetSize: number): Promise<{ stop(): Promise<void> }> {
  const http = new URL(emu.endpoint);
  const mqttPort = new URL(emu.mqttUrl).port;
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "simulator/main.ts")], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      EMULATOR_HOST: http.hostname,
      EMULATOR_HTTP_PORT: http.port,
      EMULATOR_MQTT_PORT: mqttPort,
      FLEET_SIZE: String(fleetSize),
      FLEET_CHURN_PERCENT: "0",
      // Only the jobs pipeline is measured: no shadow drift to work off, no failing or hanging executions.
      SHADOW_LAG_PERCENT: "0",
      SHADOW_FAIL_PERCENT: "0",
      SHADOW_IGNORE_PERCENT: "0",
      SHADOW_HEALTH_MINUTES: "0",
      AGENT_DOWNLOAD_FAIL_PERCENT: "0",
      AGENT_INSTALL_FAIL_PERCENT: "0",
      AGENT_JOB_HANG_PERCENT: "0",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const errors: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (s: string) => errors.push(s));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`agents not all up within 5 minutes: ${errors.join("").slice(-2000)}`)), 300_000);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out = (out + s).slice(-10_000);
      if (/all agents that should be online connected/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}): ${errors.join("").slice(-2000)}`));
    });
  });
  return {
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const POLLER = `
const { parentPort, workerData } = require("node:worker_threads");
const { IoTClient, DescribeJobCommand } = require("@aws-sdk/client-iot");
(async () => {
  const { endpoint, jobId, timeoutMs } = workerData;
  const iot = new IoTClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 1 });
  const latencies = [];
  const deadline = Date.now() + timeoutMs;
  let completedAtEpochMs = 0;
  while (Date.now() < deadline) {
    const t = performance.now();
    const { job } = await iot.send(new DescribeJobCommand({ jobId }));
    latencies.push(performance.now() - t);
    if (job && job.status === "COMPLETED") {
      completedAtEpochMs = performance.timeOrigin + performance.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  iot.destroy();
  parentPort.postMessage({ latencies, completedAtEpochMs });
})().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

/** DescribeJob back to back (20 ms apart) until the job is COMPLETED, in a worker thread: latencies and when it completed (epoch ms). */
function pollDescribeJob(endpoint: string, jobId: string, timeoutMs: number): Promise<{ latencies: number[]; completedAtEpochMs: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(POLLER, { eval: true, workerData: { endpoint, jobId, timeoutMs }, execArgv: [] });
    worker.once("message", (m: { latencies: number[]; completedAtEpochMs: number } | { error: string }) => {
      void worker.terminate();
      if ("error" in m) reject(new Error(`DescribeJob poller: ${m.error}`));
      else resolve(m);
    });
    worker.once("error", reject);
  });
}

const figures3 = (xs: number[]) => ({ p50Ms: +percentile(xs, 50).toFixed(2), p95Ms: +percentile(xs, 95).toFixed(2), maxMs: +Math.max(...xs).toFixed(2) });

/**
 * Every online agent of a fresh FLEET_SIZE fleet targeted by one job with no rate limit
 * (a blocklist update, the responders' everyday job, applied in about a second by each
 * agent). Leaves the emulator and its data running for `then` (the job page figures).
 */
export async function benchRollout<T>(
  opts: { fleetSize: number; log?: (line: string) => void },
  then?: (ctx: { emu: EmulatorProcess; dataDir: string; jobId: string; executions: number }) => Promise<T>,
): Promise<{ rollout: RolloutFigures; after?: T }> {
  const log = opts.log ?? console.log;
  const fleetSize = opts.fleetSize;
  return withEmulator("rollout", async (emu, iot, dataDir) => {
    log(`jobs rollout: seeding ${fleetSize.toLocaleString("en-US")} things`);
    const t0 = performance.now();
    await seedFleet({ endpoint: emu.endpoint, region: "us-east-1", credentials, dataDir, fleetSize, seed: 1, log: () => undefined });
    log(`  seeded in ${ms(performance.now() - t0)}; starting the agents`);
    const agents = await spawnAgents(dataDir, emu, fleetSize);
    try {
      const online = (readSeededThings(dataDir) ?? []).filter((t) => t.connects).map((t) => t.name);
      const group = await groupOfThings(iot, "bench-rollout-online", online, false);
      log(`  ${online.length} agents online, all in one static group; letting the fleet settle`);
      await sleep(5_000);
      const idleFrom = cpuMsOf(emu.child.pid!);
      await sleep(5_000);
      const idleCpuPerSecond = (cpuMsOf(emu.child.pid!) - idleFrom) / 5;

      const jobId = "bench-rollout";
      const lastAccepted = new Map<string, number>();
      const observer = mqtt.connect(emu.mqttUrl, { clientId: "bench-jobs-rollout-observer", reconnectPeriod: 0 });
      observer.on("message", (topic) => lastAccepted.set(topic.split("/")[2], performance.now()));
      await observer.subscribeAsync(`$aws/things/+/jobs/${jobId}/update/accepted`, { qos: 0 });

      const document = JSON.stringify({ operation: "blocklist-update", version: 9001, entries: { sha256: ["a".repeat(64)], domains: ["bad.example"] } });
      const cpuFrom = cpuMsOf(emu.child.pid!);
      const created = performance.now();
      await iot.send(new CreateJobCommand({ jobId, targets: [group], document }));
      // DescribeJob is polled from a thread of its own, so the observer's load (every
      // execution's answers) does not add to the latencies measured.
      const poll = await pollDescribeJob(emu.endpoint, jobId, 180_000);
      const describe = poll.latencies;
      const completedAt = poll.completedAtEpochMs ? poll.completedAtEpochMs - performance.timeOrigin : 0;
      const cpuMs = cpuMsOf(emu.child.pid!) - cpuFrom;
      await sleep(500); // the last accepted messages in flight
      await observer.endAsync();
      if (!completedAt) throw new Error("the rollout did not complete within 3 minutes");

      const succeeded = await executionsOf(iot, jobId, "SUCCEEDED");
      if (succeeded.length !== online.length) throw new Error(`${succeeded.length} of ${online.length} executions SUCCEEDED`);
      const durations = online.map((name) => {
        const at = lastAccepted.get(name);
        if (at === undefined) throw new Error(`no update/accepted seen for ${name}`);
        return at - created;
      });
      const rollout: RolloutFigures = {
        fleetSize,
        targeted: online.length,
        succeeded: succeeded.length,
        createToSucceeded: figures3(durations),
        jobCompletedMs: Math.round(completedAt - created),
        describeJob: { samples: describe.length, ...figures3(describe) },
        emulatorCpuMs: Math.round(cpuMs),
        emulatorCpuMsPer1000Executions: +((cpuMs / online.length) * 1000).toFixed(1),
        emulatorIdleCpuMsPerSecond: +idleCpuPerSecond.toFixed(1),
      };
      log(
        `rollout to ${online.length} online agents, no rate limit: CreateJob -> SUCCEEDED p50 ${ms(rollout.createToSucceeded.p50Ms)}, ` +
          `p95 ${ms(rollout.createToSucceeded.p95Ms)}, max ${ms(rollout.createToSucceeded.maxMs)}; job COMPLETED after ${ms(rollout.jobCompletedMs)}`,
      );
      log(`  DescribeJob during the rollout: p50 ${ms(rollout.describeJob.p50Ms)}, p95 ${ms(rollout.describeJob.p95Ms)} (${describe.length} calls)`);
      log(
        `  emulator CPU ${ms(rollout.emulatorCpuMs)} in all, ${ms(rollout.emulatorCpuMsPer1000Executions)} per 1,000 executions ` +
          `(idle fleet: ${ms(rollout.emulatorIdleCpuMsPerSecond)} per second)`,
      );
      const after = then ? await then({ emu, dataDir, jobId, executions: online.length }) : undefined;
      return { rollout, after };
    } finally {
      await agents.stop();
    }
  });
}

export interface JobPageFigures {
  executions: number;
  runs: number;
  /** Navigation start to the browser's first contentful paint (median and worst of the runs). */
  firstContentfulPaintMs: { medianMs: number; maxMs: number };
  /** Navigation start until the first execution row is on screen. */
  firstRowMs: { medianMs: number; maxMs: number };
  /** From then, scrolling to the bottom again and again until the table says it has them all and shows the last row. */
  lastRowMs: { medianMs: number; maxMs: number };
}

const medMax = (xs: number[]) => ({ medianMs: +percentile(xs, 50).toFixed(1), maxMs: +Math.max(...xs).toFixed(1) });

/** The job page in a real Chromium (the console built and served as `npm start` does), signed in as a viewer. */
export async function benchJobPage(ctx: {
  emu: EmulatorProcess;
  dataDir: string;
  jobId: string;
  executions: number;
  runs?: number;
  chromiumPath?: string;
  log?: (line: string) => void;
}) {
  const log = ctx.log ?? console.log;
  const runs = ctx.runs ?? 3;
  const consoleApp = await startBenchConsole(Number(new URL(ctx.emu.endpoint).port), ctx.dataDir);
  const browser = await chromium.launch({ executablePath: ctx.chromiumPath ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const fcp: number[] = [];
    const firstRow: number[] = [];
    const lastRow: number[] = [];
    for (let run = -1; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      await context.addCookies([{ name: SESSION_COOKIE, value: consoleApp.token, url: consoleApp.url }]);
      const page = await context.newPage();
      await page.goto(`${consoleApp.url}/jobs/${encodeURIComponent(ctx.jobId)}`, { waitUntil: "commit" });
      await page.locator('[data-testid="executions-scroller"] tr[data-thing]').first().waitFor({ timeout: 30_000 });
      const rowAt = await page.evaluate(() => performance.now());
      const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
      const scrollStart = performance.now();
      const scroller = page.getByTestId("executions-scroller");
      const end = scroller.locator("tr[data-end]");
      const deadline = scrollStart + 120_000;
      for (;;) {
        await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        if (/End of executions/.test((await end.textContent({ timeout: 1_000 }).catch(() => "")) ?? "")) break;
        if (performance.now() > deadline) throw new Error("the executions table did not reach its end within 2 minutes");
        await page.waitForTimeout(50);
      }
      const rowCount = Number(await scroller.locator("table").getAttribute("aria-rowcount")) - 2;
      const lastIndex = await scroller.locator("tr[data-thing]").last().getAttribute("aria-rowindex");
      if (rowCount !== ctx.executions || Number(lastIndex) !== ctx.executions + 1) {
        throw new Error(`the table ended at ${rowCount} rows (last row index ${lastIndex}), expected ${ctx.executions}`);
      }
      if (run >= 0) {
        // run -1 warms the server's caches (and the build's first render) up.
        fcp.push(paint);
        firstRow.push(rowAt);
        lastRow.push(performance.now() - scrollStart);
      }
      await context.close();
    }
    const r: JobPageFigures = {
      executions: ctx.executions,
      runs,
      firstContentfulPaintMs: medMax(fcp),
      firstRowMs: medMax(firstRow),
      lastRowMs: medMax(lastRow),
    };
    log(
      `job page with ${ctx.executions.toLocaleString("en-US")} executions (${runs} loads): first contentful paint ${ms(r.firstContentfulPaintMs.medianMs)} ` +
        `(worst ${ms(r.firstContentfulPaintMs.maxMs)}), first execution row ${ms(r.firstRowMs.medianMs)}, last row reached by scrolling ${ms(r.lastRowMs.medianMs)} later`,
    );
    return r;
  } finally {
    await browser.close();
    await consoleApp.stop();
  }
}

export async function benchJobs(
  opts: { fleetSize?: number; rateMinutes?: number; rate?: boolean; rollout?: boolean; page?: boolean; log?: (line: string) => void } = {},
) {
  const result: JobsBenchResult = {};
  if (opts.rollout !== false) {
    const { rollout, after } = await benchRollout({ fleetSize: opts.fleetSize ?? 10_000, log: opts.log }, (ctx) =>
      opts.page === false ? Promise.resolve(undefined) : benchJobPage({ ...ctx, log: opts.log }),
    );
    result.rollout = rollout;
    if (after) result.page = after;
  }
  if (opts.rate !== false) result.rate = await benchRate({ minutes: opts.rateMinutes, log: opts.log });
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  benchJobs({
    fleetSize: option("--fleet", 10_000),
    rateMinutes: option("--rate-minutes", 3),
    rate: !argv.includes("--no-rate"),
    rollout: !argv.includes("--no-rollout"),
    page: !argv.includes("--no-console"),
  }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * `npm start`: the whole product in one terminal.
 * - FLEET_BACKEND=local (default): the emulator (AWS IoT endpoint + MQTT broker), the
 *   simulated fleet (seeded on first start, then its agents run) and the console.
 * - FLEET_BACKEND=aws: the console alone, against a real account (standard AWS
 *   credential chain and AWS_REGION).
 * Flags: --reset-data wipes DATA_DIR first (tests); --wait-for-fleet starts the console
 * only once the simulated fleet is seeded (tests that need the data at once).
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { loadDotEnv, stackConfig } from "./lib/env";
import { ensureConsoleBuild, spawnTs, waitForHttp } from "./lib/processes";
import { waitForFleetSeeded } from "./lib/fleet-ready";

loadDotEnv();
const cfg = stackConfig();
const args = new Set(process.argv.slice(2));
const root = process.cwd();
const children: Array<{ name: string; proc: ChildProcess }> = [];
let stopping = false;

const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  FLEET_BACKEND: cfg.backend,
  AWS_REGION: cfg.region,
  DATA_DIR: resolve(cfg.dataDir),
  EMULATOR_HOST: cfg.emulatorHost,
  EMULATOR_HTTP_PORT: String(cfg.emulatorHttpPort),
  EMULATOR_MQTT_PORT: String(cfg.emulatorMqttPort),
  FLEET_SIZE: String(cfg.fleetSize),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NEXT_TELEMETRY_DISABLED: "1",
};

function track(name: string, proc: ChildProcess): ChildProcess {
  children.push({ name, proc });
  proc.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
    void stop(1);
  });
  return proc;
}

async function stop(code: number): Promise<never> {
  stopping = true;
  const alive = children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
  for (const c of alive) c.proc.kill("SIGTERM");
  await Promise.race([Promise.all(alive.map((c) => new Promise((r) => c.proc.once("exit", r)))), new Promise((r) => setTimeout(r, 8000))]);
  for (const c of alive) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function main() {
  if (cfg.backend === "aws") {
    console.log(`[start] FLEET_BACKEND=aws: console only, region ${cfg.region}, credentials from the standard AWS chain`);
    await ensureConsoleBuild(root, baseEnv);
    startConsole();
    return;
  }

  if (args.has("--reset-data")) rmSync(resolve(cfg.dataDir), { recursive: true, force: true });
  const build = ensureConsoleBuild(root, baseEnv); // in parallel with the emulator and the fleet

  const emulator = track("emulator", spawnTs("emulator/main.ts", baseEnv, "emulator"));
  await waitForHttp(`http://${cfg.emulatorHost}:${cfg.emulatorHttpPort}/_emulator/health`, 60_000, () => emulator.exitCode === null);
  track("simulator", spawnTs("simulator/main.ts", baseEnv, "simulator"));

  await build;
  if (args.has("--wait-for-fleet")) await waitForFleetSeeded(resolve(cfg.dataDir), cfg.fleetSize, 300_000);
  startConsole();
}

function startConsole() {
  // `next start` behind a wrapper that hands the app the socket address (scripts/console-server.ts).
  const proc = track("console", spawnTs("scripts/console-server.ts", baseEnv, "console", [String(cfg.consolePort), cfg.consoleHost]));
  void waitForHttp(`http://${cfg.consoleHost}:${cfg.consolePort}/`, 120_000, () => proc.exitCode === null).then(
    () => console.log(`[start] console ready on http://localhost:${cfg.consolePort}`),
    () => undefined,
  );
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : err}`);
  void stop(1);
});

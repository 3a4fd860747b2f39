/**
 * The simulated fleet as a program: seeds the registry on first start (idempotent), then
 * runs one MQTT agent per thing until SIGINT/SIGTERM.
 *
 * Environment: EMULATOR_HOST (127.0.0.1), EMULATOR_HTTP_PORT (4566), EMULATOR_MQTT_PORT
 * (1883), AWS_REGION (us-east-1), DATA_DIR (./.data; holds simulator.json and the device
 * CA), FLEET_SIZE (2000), FLEET_CHURN_PERCENT (2), FLEET_SEED (1), FLEET_BACKEND (local;
 * "aws" seeds a real account through the standard credential chain and runs no agents),
 * SHADOW_APPLY_DELAY_MS (3000), SHADOW_LAG_PERCENT (5), SHADOW_LAG_MINUTES (5),
 * SHADOW_FAIL_PERCENT (2), SHADOW_IGNORE_PERCENT (3), SHADOW_HEALTH_MINUTES (10),
 * AGENT_DOWNLOAD_FAIL_PERCENT (1), AGENT_INSTALL_FAIL_PERCENT (1), AGENT_JOB_HANG_PERCENT (0),
 * AGENT_BAD_BUILD_VERSIONS (none), AGENT_BAD_BUILD_FAIL_PERCENT (90): docs/agent-jobs.md.
 */
import { simulatorConfigFromEnv } from "./config";
import { seedFleet } from "./seed";
import { runAgents } from "./agents";
import { readMarker, readSeededThings } from "./marker";

// Device keys and the device CA's key live under DATA_DIR: owner-only.
process.umask(0o077);
const log = (line: string) => console.log(`[simulator] ${line}`);
const cfg = simulatorConfigFromEnv();
// The emulator accepts any signature; real AWS uses the standard credential chain.
const credentials = cfg.endpoint ? { accessKeyId: "simulator", secretAccessKey: "simulator" } : undefined;

try {
  await seedFleet({ endpoint: cfg.endpoint, region: cfg.region, credentials, dataDir: cfg.dataDir, fleetSize: cfg.fleetSize, seed: cfg.seed, log });
} catch (err) {
  log(`seeding failed against ${cfg.endpoint ?? `AWS IoT in ${cfg.region}`}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  log("run it again to resume; things already created are kept");
  process.exit(1);
}

if (!cfg.endpoint) {
  // The agents speak plain MQTT to the emulator; AWS IoT needs TLS with the devices' keys, which are not kept.
  log("FLEET_BACKEND=aws: registry seeded; agents only run against the emulator");
  process.exit(0);
}

const seed = readMarker(cfg.dataDir)?.seed ?? cfg.seed;
const started = Date.now();
const things = readSeededThings(cfg.dataDir);
const agents = runAgents({
  mqttUrl: cfg.mqttUrl,
  seed,
  fleetSize: cfg.fleetSize,
  things,
  churnPercent: cfg.churnPercent,
  shadows: cfg.shadows,
  jobs: cfg.jobs,
  log,
});
void agents.allUp(120_000).then((ok) => {
  if (ok) log(`all agents that should be online connected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await agents.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

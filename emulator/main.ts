import { emulatorConfigFromEnv } from "./config";
import { startEmulator } from "./emulator";
import { readEnv } from "../lib/env";

// Everything written under DATA_DIR (the CA's private key among it) is owner-only.
process.umask(0o077);
const config = emulatorConfigFromEnv();
// One line per AWS request (operation, status, ms, region), for watching what a console sends.
const emulator = await startEmulator(config, { logRequests: readEnv(["EMULATOR_LOG_REQUESTS"]).EMULATOR_LOG_REQUESTS === "1" });
console.log(`[emulator] AWS IoT endpoint ${emulator.endpoint}, MQTT ${emulator.mqttUrl}, data in ${config.dataDir}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[emulator] ${signal}: stopping`);
  await emulator.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

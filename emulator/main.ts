import { emulatorConfigFromEnv } from "./config";
import { startEmulator } from "./emulator";

// Everything written under DATA_DIR (the CA's private key among it) is owner-only.
process.umask(0o077);
const config = emulatorConfigFromEnv();
const emulator = await startEmulator(config);
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

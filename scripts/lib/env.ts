import { existsSync } from "node:fs";
import { awsRegion, loadEnv, type RawEnv } from "../../lib/env";

/** Loads `.env` (if present) into process.env without overriding what is already set. */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export interface StackConfig {
  backend: "local" | "aws";
  consolePort: number;
  consoleHost: string;
  emulatorHost: string;
  emulatorHttpPort: number;
  emulatorMqttPort: number;
  dataDir: string;
  fleetSize: number;
  region: string;
}

export function stackConfig(source?: RawEnv): StackConfig {
  // Everything, not only what the launcher needs: a bad value stops `npm start` before any process starts.
  const env = loadEnv(source);
  return {
    backend: env.FLEET_BACKEND,
    consolePort: env.PORT,
    consoleHost: env.CONSOLE_HOST,
    emulatorHost: env.EMULATOR_HOST,
    emulatorHttpPort: env.EMULATOR_HTTP_PORT,
    emulatorMqttPort: env.EMULATOR_MQTT_PORT,
    dataDir: env.DATA_DIR,
    fleetSize: env.FLEET_SIZE,
    region: awsRegion(source),
  };
}

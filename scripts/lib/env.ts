import { existsSync } from "node:fs";

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

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const backend = (env.FLEET_BACKEND || "local").toLowerCase();
  if (backend !== "local" && backend !== "aws") throw new Error(`FLEET_BACKEND must be 'local' or 'aws', got '${env.FLEET_BACKEND}'`);
  return {
    backend,
    consolePort: int(env.PORT, 3000, "PORT"),
    consoleHost: env.CONSOLE_HOST || "127.0.0.1",
    emulatorHost: env.EMULATOR_HOST || "127.0.0.1",
    emulatorHttpPort: int(env.EMULATOR_HTTP_PORT, 4566, "EMULATOR_HTTP_PORT"),
    emulatorMqttPort: int(env.EMULATOR_MQTT_PORT, 1883, "EMULATOR_MQTT_PORT"),
    dataDir: env.DATA_DIR || "./.data",
    fleetSize: int(env.FLEET_SIZE, 2000, "FLEET_SIZE"),
    region: env.AWS_REGION || "us-east-1",
  };
}

function int(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

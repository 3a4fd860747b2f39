import { resolve } from "node:path";

/** Everything the simulator reads from the environment. */
export interface SimulatorConfig {
  /** The AWS IoT control-plane endpoint; undefined means real AWS (default endpoint, credential chain). */
  endpoint?: string;
  mqttUrl: string;
  region: string;
  dataDir: string;
  fleetSize: number;
  churnPercent: number;
  seed: number;
}

export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const host = env.EMULATOR_HOST || "127.0.0.1";
  const aws = env.FLEET_BACKEND === "aws";
  return {
    endpoint: aws ? undefined : `http://${host}:${num(env.EMULATOR_HTTP_PORT, 4566)}`,
    mqttUrl: `mqtt://${host}:${num(env.EMULATOR_MQTT_PORT, 1883)}`,
    region: env.AWS_REGION || "us-east-1",
    dataDir: resolve(env.DATA_DIR || "./.data"),
    fleetSize: num(env.FLEET_SIZE, 2000),
    churnPercent: num(env.FLEET_CHURN_PERCENT, 2),
    seed: num(env.FLEET_SEED, 1),
  };
}

function num(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`Expected a non-negative number, got '${value}'`);
  return n;
}

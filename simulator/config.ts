import { resolve } from "node:path";
import { DEFAULT_SHADOW_SETTINGS, type ShadowSettings } from "./agent-shadow";

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
  /** How the agents treat their shadows. */
  shadows: ShadowSettings;
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
    shadows: shadowSettingsFromEnv(env),
  };
}

/** SHADOW_*: the apply delay in ms, lag and health intervals in minutes, shares in percent; 0 switches each off. */
export function shadowSettingsFromEnv(env: Record<string, string | undefined> = process.env): ShadowSettings {
  const d = DEFAULT_SHADOW_SETTINGS;
  const s: ShadowSettings = {
    applyDelayMs: num(env.SHADOW_APPLY_DELAY_MS, d.applyDelayMs),
    lagDelayMs: num(env.SHADOW_LAG_MINUTES, d.lagDelayMs / 60_000) * 60_000,
    lagPercent: percent(env.SHADOW_LAG_PERCENT, d.lagPercent, "SHADOW_LAG_PERCENT"),
    failPercent: percent(env.SHADOW_FAIL_PERCENT, d.failPercent, "SHADOW_FAIL_PERCENT"),
    ignorePercent: percent(env.SHADOW_IGNORE_PERCENT, d.ignorePercent, "SHADOW_IGNORE_PERCENT"),
    healthIntervalMs: num(env.SHADOW_HEALTH_MINUTES, d.healthIntervalMs / 60_000) * 60_000,
  };
  if (s.lagPercent + s.failPercent + s.ignorePercent > 100) {
    throw new Error("SHADOW_LAG_PERCENT + SHADOW_FAIL_PERCENT + SHADOW_IGNORE_PERCENT may not exceed 100");
  }
  return s;
}

function percent(value: string | undefined, fallback: number, name: string): number {
  const n = num(value, fallback);
  if (n > 100) throw new Error(`${name} must be 0..100, got '${value}'`);
  return n;
}

function num(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`Expected a non-negative number, got '${value}'`);
  return n;
}

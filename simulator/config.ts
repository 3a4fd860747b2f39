import { resolve } from "node:path";
import { readEnv, type RawEnv } from "../lib/env";
import type { ShadowSettings } from "./agent-shadow";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./agent-jobs-ops";

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
  /** How the agents fare with jobs. */
  jobs: JobSettings;
}

export function simulatorConfigFromEnv(source?: RawEnv): SimulatorConfig {
  const env = readEnv(
    ["EMULATOR_HOST", "FLEET_BACKEND", "EMULATOR_HTTP_PORT", "EMULATOR_MQTT_PORT", "AWS_REGION", "DATA_DIR", "FLEET_SIZE", "FLEET_CHURN_PERCENT", "FLEET_SEED"],
    source,
  );
  const host = env.EMULATOR_HOST;
  return {
    endpoint: env.FLEET_BACKEND === "aws" ? undefined : `http://${host}:${env.EMULATOR_HTTP_PORT}`,
    mqttUrl: `mqtt://${host}:${env.EMULATOR_MQTT_PORT}`,
    region: env.AWS_REGION?.trim() || "us-east-1",
    dataDir: resolve(env.DATA_DIR),
    fleetSize: env.FLEET_SIZE,
    churnPercent: env.FLEET_CHURN_PERCENT,
    seed: env.FLEET_SEED,
    shadows: shadowSettingsFromEnv(source),
    jobs: jobSettingsFromEnv(source),
  };
}

/** SHADOW_*: the apply delay in ms, lag and health intervals in minutes, shares in percent; 0 switches each off. */
export function shadowSettingsFromEnv(source?: RawEnv): ShadowSettings {
  const env = readEnv(
    ["SHADOW_APPLY_DELAY_MS", "SHADOW_LAG_MINUTES", "SHADOW_LAG_PERCENT", "SHADOW_FAIL_PERCENT", "SHADOW_IGNORE_PERCENT", "SHADOW_HEALTH_MINUTES"],
    source,
  );
  const s: ShadowSettings = {
    applyDelayMs: env.SHADOW_APPLY_DELAY_MS,
    lagDelayMs: env.SHADOW_LAG_MINUTES * 60_000,
    lagPercent: env.SHADOW_LAG_PERCENT,
    failPercent: env.SHADOW_FAIL_PERCENT,
    ignorePercent: env.SHADOW_IGNORE_PERCENT,
    healthIntervalMs: env.SHADOW_HEALTH_MINUTES * 60_000,
  };
  if (s.lagPercent + s.failPercent + s.ignorePercent > 100) {
    throw new Error("SHADOW_LAG_PERCENT + SHADOW_FAIL_PERCENT + SHADOW_IGNORE_PERCENT may not exceed 100");
  }
  return s;
}

/** AGENT_*: the shares (percent) of job executions that fail or hang, and the bad builds; the timings are the defaults of agent-jobs-ops.ts. */
export function jobSettingsFromEnv(source?: RawEnv): JobSettings {
  const env = readEnv(
    ["AGENT_DOWNLOAD_FAIL_PERCENT", "AGENT_INSTALL_FAIL_PERCENT", "AGENT_JOB_HANG_PERCENT", "AGENT_BAD_BUILD_VERSIONS", "AGENT_BAD_BUILD_FAIL_PERCENT"],
    source,
  );
  const s: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    downloadFailPercent: env.AGENT_DOWNLOAD_FAIL_PERCENT,
    installFailPercent: env.AGENT_INSTALL_FAIL_PERCENT,
    hangPercent: env.AGENT_JOB_HANG_PERCENT,
    badBuildVersions: env.AGENT_BAD_BUILD_VERSIONS,
    badBuildFailPercent: env.AGENT_BAD_BUILD_FAIL_PERCENT,
  };
  if (s.downloadFailPercent + s.installFailPercent + s.hangPercent > 100) {
    throw new Error("AGENT_DOWNLOAD_FAIL_PERCENT + AGENT_INSTALL_FAIL_PERCENT + AGENT_JOB_HANG_PERCENT may not exceed 100");
  }
  return s;
}

import { resolve } from "node:path";
import { listFrom } from "./server/caller-guard";

/** Everything the emulator needs to know about where and as whom it runs. */
export interface EmulatorConfig {
  host: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  mqttPort: number;
  dataDir: string;
  region: string;
  accountId: string;
  /** Origins whose web pages may call the AWS endpoint (EMULATOR_ALLOWED_ORIGINS); none by default. */
  allowedOrigins?: string[];
  /** Host names besides IP literals, localhost and `host` that the emulator answers to (EMULATOR_ALLOWED_HOSTS). */
  allowedHosts?: string[];
}

export function emulatorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  return {
    host: env.EMULATOR_HOST || "127.0.0.1",
    httpPort: intFrom(env.EMULATOR_HTTP_PORT, 4566),
    mqttPort: intFrom(env.EMULATOR_MQTT_PORT, 1883),
    dataDir: resolve(env.DATA_DIR || "./.data"),
    region: env.AWS_REGION || "us-east-1",
    accountId: env.EMULATOR_ACCOUNT_ID || "000000000000",
    allowedOrigins: listFrom(env.EMULATOR_ALLOWED_ORIGINS),
    allowedHosts: listFrom(env.EMULATOR_ALLOWED_HOSTS),
  };
}

export function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Expected a non-negative integer, got '${value}'`);
  return n;
}

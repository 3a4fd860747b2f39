import { resolve } from "node:path";
import { readEnv, type RawEnv } from "../lib/env";

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

export function emulatorConfigFromEnv(source?: RawEnv): EmulatorConfig {
  const env = readEnv(
    [
      "EMULATOR_HOST",
      "EMULATOR_HTTP_PORT",
      "EMULATOR_MQTT_PORT",
      "DATA_DIR",
      "AWS_REGION",
      "EMULATOR_ACCOUNT_ID",
      "EMULATOR_ALLOWED_ORIGINS",
      "EMULATOR_ALLOWED_HOSTS",
    ],
    source,
  );
  return {
    host: env.EMULATOR_HOST,
    httpPort: env.EMULATOR_HTTP_PORT,
    mqttPort: env.EMULATOR_MQTT_PORT,
    dataDir: resolve(env.DATA_DIR),
    region: env.AWS_REGION?.trim() || "us-east-1",
    accountId: env.EMULATOR_ACCOUNT_ID,
    allowedOrigins: env.EMULATOR_ALLOWED_ORIGINS,
    allowedHosts: env.EMULATOR_ALLOWED_HOSTS,
  };
}

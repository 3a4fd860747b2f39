import "server-only";

/**
 * Server-side configuration of the console. Read once per process; nothing here is
 * ever sent to the browser except the non-secret `describeBackend()` label.
 *
 * - FLEET_BACKEND=local (default): the embedded emulator at
 *   http://EMULATOR_HOST:EMULATOR_HTTP_PORT with dummy credentials.
 * - FLEET_BACKEND=aws: the standard AWS credential chain and AWS_REGION, AWS's own
 *   endpoints.
 */
import { awsRegion, readEnv, type RawEnv } from "@/lib/env";

export type FleetBackend = "local" | "aws";

export interface FleetConfig {
  backend: FleetBackend;
  region: string;
  /** Only for the local backend. */
  endpoint?: string;
}

export function readFleetConfig(env?: RawEnv): FleetConfig {
  const { FLEET_BACKEND: backend, EMULATOR_HOST: host, EMULATOR_HTTP_PORT: port } = readEnv(["FLEET_BACKEND", "EMULATOR_HOST", "EMULATOR_HTTP_PORT"], env);
  const region = awsRegion(env);
  if (backend === "aws") return { backend, region };
  return { backend, region, endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
}

let cached: FleetConfig | undefined;

export function fleetConfig(): FleetConfig {
  cached ??= readFleetConfig();
  return cached;
}

/** A short, non-secret label for the UI ("local emulator 127.0.0.1:4566" / "AWS eu-west-1"). */
export function describeBackend(cfg: FleetConfig = fleetConfig()): string {
  if (cfg.backend === "aws") return `AWS ${cfg.region}`;
  return `Local emulator ${cfg.endpoint?.replace(/^http:\/\//, "")}`;
}

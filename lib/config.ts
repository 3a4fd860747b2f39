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
export type FleetBackend = "local" | "aws";

export interface FleetConfig {
  backend: FleetBackend;
  region: string;
  /** Only for the local backend. */
  endpoint?: string;
}

export function readFleetConfig(env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const backend = (env.FLEET_BACKEND || "local").trim().toLowerCase();
  if (backend !== "local" && backend !== "aws") {
    throw new Error(`FLEET_BACKEND must be "local" or "aws", got "${env.FLEET_BACKEND}"`);
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  if (backend === "aws") return { backend, region };
  const host = env.EMULATOR_HOST || "127.0.0.1";
  const port = env.EMULATOR_HTTP_PORT || "4566";
  if (!/^\d{1,5}$/.test(port)) throw new Error(`EMULATOR_HTTP_PORT must be a port number, got "${port}"`);
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

import "server-only";
import { DescribeEndpointCommand, IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { S3Client } from "@aws-sdk/client-s3";
import { connection } from "next/server";
import { fleetConfig } from "@/lib/config";
import type { AppError } from "@/lib/errors";
import { read, readWithMeta, type ReadSpec } from "./call-policy";
import { toAppError } from "./errors";

/**
 * One IoT client per server process. Kept on globalThis because Next can evaluate this
 * module more than once (route handlers and pages, dev reloads), and each client holds
 * its own connection pool.
 */
const KEY = Symbol.for("fleet-console.iot-client");
type Holder = { [KEY]?: IoTClient };

export function iotClient(): IoTClient {
  const holder = globalThis as Holder;
  holder[KEY] ??= createClient();
  return holder[KEY];
}

function createClient(): IoTClient {
  const cfg = fleetConfig();
  // Fail fast when the backend is down: an operator should see "unreachable" in
  // seconds, not after the SDK's default of waiting indefinitely.
  const requestHandler = { connectionTimeout: 3_000, requestTimeout: 15_000 };
  if (cfg.backend === "local") {
    return new IoTClient({
      region: cfg.region,
      endpoint: cfg.endpoint,
      // The emulator checks the SigV4 scope, not the secret.
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 2,
      requestHandler,
    });
  }
  // Standard credential chain (env, shared config/SSO, instance or container role).
  return new IoTClient({ region: cfg.region, maxAttempts: 3, requestHandler });
}

/**
 * The device-shadow data plane (`iot-data`). Locally it is the emulator's one endpoint;
 * on AWS it is the account's own `iot:Data-ATS` endpoint, asked once from DescribeEndpoint
 * and kept for the life of the process (a failed lookup is asked again next time).
 */
const DATA_KEY = Symbol.for("fleet-console.iot-data-client");
type DataHolder = { [DATA_KEY]?: Promise<IoTDataPlaneClient> };

export function iotDataClient(): Promise<IoTDataPlaneClient> {
  const holder = globalThis as DataHolder;
  if (!holder[DATA_KEY]) {
    const created = createDataClient();
    holder[DATA_KEY] = created;
    created.catch(() => {
      if (holder[DATA_KEY] === created) delete holder[DATA_KEY];
    });
  }
  return holder[DATA_KEY];
}

async function createDataClient(): Promise<IoTDataPlaneClient> {
  const cfg = fleetConfig();
  const requestHandler = { connectionTimeout: 3_000, requestTimeout: 15_000 };
  if (cfg.backend === "local") {
    return new IoTDataPlaneClient({
      region: cfg.region,
      endpoint: cfg.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 2,
      requestHandler,
    });
  }
  const { endpointAddress } = await readIot({ operation: "DescribeEndpoint", budget: "registry", key: { endpointType: "iot:Data-ATS" }, cacheMs: 0 }, (c) =>
    c.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" })),
  );
  if (!endpointAddress) throw new Error("DescribeEndpoint returned no iot:Data-ATS address");
  return new IoTDataPlaneClient({ region: cfg.region, endpoint: `https://${endpointAddress}`, maxAttempts: 3, requestHandler });
}

/**
 * S3, for rollout artifacts (lib/aws/s3.ts). Path-style against the emulator (it serves
 * no virtual hosts). Checksums only where an operation requires one, so a streamed part
 * goes out as a plain body with its length instead of aws-chunked with a trailer.
 * Parts are up to tens of MB, hence the longer request timeout.
 */
const S3_KEY = Symbol.for("fleet-console.s3-client");
type S3Holder = { [S3_KEY]?: S3Client };

export function s3Client(): S3Client {
  const holder = globalThis as S3Holder;
  if (!holder[S3_KEY]) {
    const cfg = fleetConfig();
    const common = {
      region: cfg.region,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 120_000 },
    } as const;
    holder[S3_KEY] =
      cfg.backend === "local"
        ? new S3Client({
            ...common,
            endpoint: cfg.endpoint,
            forcePathStyle: true,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
            maxAttempts: 2,
          })
        : new S3Client({ ...common, maxAttempts: 3 });
  }
  return holder[S3_KEY];
}

export interface AwsCallOptions {
  /**
   * The call is made while a route handler's streamed body is being written, after the
   * handler returned (an export paging through results): there is no request scope left
   * to mark dynamic, and nothing that could be prerendered.
   */
  afterResponse?: boolean;
  /** What the operator named, for error messages that repeat it (lib/aws/errors.ts). */
  subject?: string;
}

/**
 * Runs one AWS call and maps any failure into an AppError. `operation` names the call
 * in the server log, where the original SDK error is kept for debugging.
 */
export async function aws<T>(operation: string, call: (client: IoTClient) => Promise<T>, opts: AwsCallOptions = {}): Promise<T> {
  // A live fleet is never prerendered: this keeps `next build` from calling AWS and
  // baking its answer (or its outage) into a static page.
  if (!opts.afterResponse) await connection();
  try {
    return await call(iotClient());
  } catch (err) {
    throw failure(operation, err, opts.subject);
  }
}

/** `aws()` for the device-shadow data plane (`iot-data`). */
export async function awsData<T>(operation: string, call: (client: IoTDataPlaneClient) => Promise<T>, opts: AwsCallOptions = {}): Promise<T> {
  if (!opts.afterResponse) await connection();
  try {
    return await call(await iotDataClient());
  } catch (err) {
    throw failure(operation, err, opts.subject);
  }
}

/** `aws()` for S3. */
export async function awsS3<T>(operation: string, call: (client: S3Client) => Promise<T>, opts: AwsCallOptions = {}): Promise<T> {
  if (!opts.afterResponse) await connection();
  try {
    return await call(s3Client());
  } catch (err) {
    throw failure(operation, err, opts.subject);
  }
}

type IotSend<T> = (client: IoTClient, signal?: AbortSignal) => Promise<T>;
type DataSend<T> = (client: IoTDataPlaneClient, signal?: AbortSignal) => Promise<T>;

/** A read of the IoT control plane through its budget (lib/aws/call-policy.ts). */
export function readIot<T>(spec: ReadSpec, send: IotSend<T>, opts: AwsCallOptions = {}): Promise<T> {
  return read(spec, (signal) => aws(spec.operation, (c) => send(c, signal), opts));
}

/** `readIot`, also saying whether the answer was shared (cache or a call in flight). */
export function readIotWithMeta<T>(spec: ReadSpec, send: IotSend<T>, opts: AwsCallOptions = {}): Promise<{ value: T; cached: boolean }> {
  return readWithMeta(spec, (signal) => aws(spec.operation, (c) => send(c, signal), opts));
}

/** A read of the device-shadow data plane through its budget. */
export function readData<T>(spec: ReadSpec, send: DataSend<T>, opts: AwsCallOptions = {}): Promise<T> {
  return read(spec, (signal) => awsData(spec.operation, (c) => send(c, signal), opts));
}

/** The AppError for a failed call; the SDK's own error stays in the server log (and as the cause). */
function failure(operation: string, err: unknown, subject?: string): AppError {
  const appError = toAppError(err, { operation, subject });
  if (appError.code !== "not_found") {
    const e = err as { name?: string; message?: string; code?: string };
    console.error(`[aws] ${operation} failed: ${e?.name ?? "Error"}${e?.code ? ` (${e.code})` : ""}: ${e?.message ?? String(err)} → ${appError.code}`);
  }
  return appError;
}

/** Safety net for "page to the end" loops: a backend that keeps returning a token must not spin forever. */
export const MAX_PAGES = 10_000;

/** Calls `page` with each token until AWS stops returning one. */
export async function collectPages<T>(page: (token: string | undefined) => Promise<{ items: T[]; next: string | null | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const { items, next } = await page(token);
    out.push(...items);
    if (!next || next === token) return out;
    token = next;
  }
  return out;
}

export function isoOrNull(d: Date | string | number | undefined | null): string | null {
  if (d === undefined || d === null) return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

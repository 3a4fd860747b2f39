import "reflect-metadata";
import { expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator, type StartOptions } from "../../emulator/emulator";

/** Dummy credentials for the emulator's endpoint: what every test client is built from. */
export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The AWS SDK client class a test file works with (e.g. `IoTClient`). The test passes it
 * in, so this shared module imports no AWS SDK package (those belong in lib/aws/ and in tests).
 */
export type ClientClass<C extends { destroy(): void }> = new (config: ClientConfig & { maxAttempts: number }) => C;

export interface Harness<C extends { destroy(): void } = { destroy(): void }> {
  emulator: RunningEmulator;
  /** The test's SDK client (no retries), pointed at the emulator. */
  iot: C;
  dataDir: string;
  /** Clients for the same endpoint with the same dummy credentials. */
  clientConfig: ClientConfig;
  stop(): Promise<void>;
}

/**
 * A fresh emulator on free ports with its own temporary data directory, and a real SDK
 * client of the given class pointed at it (in the emulator's configured region, us-east-1
 * unless `region` says otherwise). Each test file gets its own.
 */
export async function startHarness<C extends { destroy(): void }>(
  Client: ClientClass<C>,
  opts: { dataDir?: string; region?: string } & StartOptions = {},
): Promise<Harness<C>> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "emu-test-"));
  const region = opts.region ?? "us-east-1";
  const emulator = await startEmulator(
    {
      host: "127.0.0.1",
      httpPort: 0,
      mqttPort: 0,
      dataDir,
      region,
      accountId: "000000000000",
    },
    { extraServices: opts.extraServices, logRequests: opts.logRequests },
  );
  const clientConfig: ClientConfig = {
    endpoint: emulator.endpoint,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const iot = new Client({ ...clientConfig, maxAttempts: 1 });
  return {
    emulator,
    iot,
    dataDir,
    clientConfig,
    async stop() {
      iot.destroy();
      await emulator.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Awaits a call that must fail and checks it the way a console would see it: the SDK's
 * typed exception class and the HTTP status. Returns the error for further checks.
 */
export async function expectAwsError<E extends Error>(
  call: Promise<unknown>,
  type: abstract new (...args: any[]) => E,
  status: number,
): Promise<E & { $metadata: { httpStatusCode?: number } }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "the call should have failed").toBeInstanceOf(type);
  expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(status);
  return err as E & { $metadata: { httpStatusCode?: number } };
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
export async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(fn));
}

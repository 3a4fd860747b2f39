import "reflect-metadata";
import { expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IoTClient } from "@aws-sdk/client-iot";
import { startEmulator, type RunningEmulator } from "../../emulator/emulator";

export interface Harness {
  emulator: RunningEmulator;
  iot: IoTClient;
  dataDir: string;
  /** Clients for the same endpoint with the same dummy credentials. */
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

/**
 * A fresh emulator on free ports with its own temporary data directory, and a real
 * `@aws-sdk/client-iot` client pointed at it. Each test file gets its own.
 */
export async function startHarness(opts: { dataDir?: string } = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "emu-test-"));
  const emulator = await startEmulator({
    host: "127.0.0.1",
    httpPort: 0,
    mqttPort: 0,
    dataDir,
    region: "us-east-1",
    accountId: "000000000000",
  });
  const clientConfig = {
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const iot = new IoTClient({ ...clientConfig, maxAttempts: 1 });
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

import { describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CreateKeysAndCertificateCommand, IoTClient } from "@aws-sdk/client-iot";
import { Store } from "../../emulator/store/store";
import { startHarness } from "./harness";

/** The account's CA is loaded on first use; a load that failed is tried again by the next call. */
describe("the emulator CA", () => {
  it("is loaded again after a failed load, not the failure remembered", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "emu-ca-retry-"));
    const file = join(dataDir, "emulator.sqlite");
    // A damaged CA in the store: its key cannot be imported.
    const seed = new Store(file);
    seed.setMeta("iot.ca.privateKeyPem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    seed.setMeta("iot.ca.certificatePem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    seed.close();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const h = await startHarness(IoTClient, { dataDir });
    try {
      const failed = (await h.iot.send(new CreateKeysAndCertificateCommand({})).catch((e: unknown) => e)) as { $metadata?: { httpStatusCode?: number } };
      expect(failed.$metadata?.httpStatusCode).toBe(500);
      // Repaired meanwhile (here: removed, so a new CA is made).
      const db = new Database(file);
      db.prepare("DELETE FROM meta WHERE key LIKE 'iot.ca.%'").run();
      db.close();
      const made = await h.iot.send(new CreateKeysAndCertificateCommand({}));
      expect(made.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    } finally {
      quiet.mockRestore();
      await h.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

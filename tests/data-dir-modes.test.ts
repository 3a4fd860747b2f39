import "reflect-metadata";
import { afterAll, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateThingCommand, IoTClient } from "@aws-sdk/client-iot";
import { startEmulator } from "../emulator/emulator";
import { openConsoleDb } from "@/lib/db/console-db";
import { writeMarker, writeSeededThings } from "../simulator/marker";
import { loadOrCreateDeviceCa } from "../simulator/certs";

/**
 * DATA_DIR holds the emulator CA's private key, device keys, password hashes and the
 * audit trail. A directory left world-readable by an earlier version, with its files
 * 0644, is fixed at start; everything the programs create there afterwards is owner-only,
 * SQLite's -wal and -shm files included, even under the usual umask 022.
 */
const dir = mkdtempSync(join(tmpdir(), "data-modes-"));
const oldUmask = process.umask(0o022);
afterAll(() => {
  process.umask(oldUmask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe("the data directory", () => {
  it("is 0700 with every file 0600 after the emulator, the console store and the simulator have written to it", async () => {
    chmodSync(dir, 0o755);
    for (const f of ["simulator.json", "emulator-ca.pem", "stale.sqlite-wal"]) {
      writeFileSync(join(dir, f), "{}");
      chmodSync(join(dir, f), 0o644);
    }

    const emulator = await startEmulator({ host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir: dir, region: "us-east-1", accountId: "000000000000" });
    const iot = new IoTClient({ endpoint: emulator.endpoint, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    await iot.send(new CreateThingCommand({ thingName: "moded" })); // the WAL now exists
    const consoleDb = openConsoleDb(join(dir, "console.sqlite"));
    consoleDb.prepare("INSERT INTO query_history (owner, query, at) VALUES (?, ?, ?)").run("a", "q", Date.now());
    writeMarker(dir, { seed: 1, fleetSize: 1 });
    writeSeededThings(dir, [{ name: "moded", index: 0, connects: true }]);
    await loadOrCreateDeviceCa(dir);

    const files = readdirSync(dir);
    expect(files).toEqual(
      expect.arrayContaining(["emulator.sqlite", "emulator.sqlite-wal", "console.sqlite", "console.sqlite-wal", "simulator.json", "simulator-things.json"]),
    );
    expect(mode(dir)).toBe(0o700);
    const loose = files.filter((f) => mode(join(dir, f)) !== 0o600).map((f) => `${f} ${mode(join(dir, f)).toString(8)}`);
    expect(loose).toEqual([]);

    iot.destroy();
    consoleDb.close();
    await emulator.close();
  });
});

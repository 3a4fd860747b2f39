import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateThingCommand, DescribeThingCommand, IoTClient, ListThingsCommand, ServiceUnavailableException } from "@aws-sdk/client-iot";
import {
  IoTDataPlaneClient,
  ServiceUnavailableException as DataUnavailable,
  UpdateThingShadowCommand,
  GetThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * A full disk (SQLITE_FULL, simulated with SQLite's page limit through the admin route)
 * must not kill the emulator: the write that could not be committed is answered with
 * 503 ServiceUnavailableException, reads go on, and once there is room again the queued
 * change is committed; everything acknowledged survives a restart.
 */
const dataDir = mkdtempSync(join(tmpdir(), "emu-full-"));
let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
beforeAll(async () => {
  h = await startHarness(IoTClient, { dataDir });
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  data.destroy();
  await h.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// A thing without a type holds at most 3 attributes (of up to 800 characters).
const big = (i: number) => Object.fromEntries(Array.from({ length: 3 }, (_, k) => [`a${k}`, `${i}-${k}-`.padEnd(800, "x")]));
const admin = (method: string, path: string) => fetch(`${h.emulator.endpoint}/_emulator${path}`, { method });

describe("a full disk", () => {
  const acknowledged: string[] = [];
  let refused: string | undefined;

  it("answers the write it cannot commit with 503 ServiceUnavailableException", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "before-full" }));
    acknowledged.push("before-full");
    expect((await admin("POST", "/store/full")).status).toBe(204);
    // Pages with free room still take a row or two; the disk is full once a new page is needed.
    for (let i = 0; i < 200 && !refused; i++) {
      const name = `full-${i}`;
      try {
        await h.iot.send(new CreateThingCommand({ thingName: name, attributePayload: { attributes: big(i) } }));
        acknowledged.push(name);
      } catch (err) {
        expect(err).toBeInstanceOf(ServiceUnavailableException);
        expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(503);
        refused = name;
      }
    }
    expect(refused, "some write should have hit the full disk").toBeDefined();
  });

  it("answers the SDK's identical retry with 503 too, not with the success of an uncommitted create", async () => {
    const i = Number(refused!.split("-")[1]);
    await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: refused!, attributePayload: { attributes: big(i) } })),
      ServiceUnavailableException,
      503,
    );
  });

  it("keeps running: reads answer, and shadow writes fail the same way", async () => {
    expect((await admin("GET", "/health")).status).toBe(200);
    const out = await h.iot.send(new DescribeThingCommand({ thingName: "before-full" }));
    expect(out.thingName).toBe("before-full");
    await expectAwsError(
      data.send(
        new UpdateThingShadowCommand({
          thingName: "before-full",
          payload: new TextEncoder().encode(JSON.stringify({ state: { reported: { big: "y".repeat(6000) } } })),
        }),
      ),
      DataUnavailable,
      503,
    );
    const status = (await (await admin("GET", "/store")).json()) as { pendingChanges: number; failure: string | null };
    expect(status.failure).toMatch(/SQLITE_FULL/);
    expect(status.pendingChanges).toBeGreaterThan(0);
  });

  it("commits what was queued once there is room, and answers writes again", async () => {
    expect((await admin("DELETE", "/store/full")).status).toBe(204);
    await h.iot.send(new CreateThingCommand({ thingName: "after-full" }));
    acknowledged.push("after-full");
    const status = (await (await admin("GET", "/store")).json()) as { pendingChanges: number; failure: string | null };
    expect(status).toEqual({ pendingChanges: 0, failure: null });
  });

  it("has every acknowledged write after a restart", async () => {
    await h.emulator.close();
    const again = await startHarness(IoTClient, { dataDir });
    try {
      const names = new Set<string>();
      let token: string | undefined;
      do {
        const page = await again.iot.send(new ListThingsCommand({ maxResults: 250, nextToken: token }));
        for (const t of page.things ?? []) names.add(t.thingName!);
        token = page.nextToken;
      } while (token);
      for (const name of acknowledged) expect(names.has(name), name).toBe(true);
      // The refused change was kept and committed when the disk had room again.
      expect(names.has(refused!)).toBe(true);
      const shadow = new IoTDataPlaneClient({ ...again.clientConfig, maxAttempts: 1 });
      const doc = JSON.parse(new TextDecoder().decode((await shadow.send(new GetThingShadowCommand({ thingName: "before-full" }))).payload));
      expect(doc.state.reported.big).toHaveLength(6000);
      shadow.destroy();
    } finally {
      again.iot.destroy();
      await again.emulator.close();
    }
    // h.stop() in afterAll closes an already closed emulator: make it a fresh one.
    h = await startHarness(IoTClient, { dataDir });
  });
});

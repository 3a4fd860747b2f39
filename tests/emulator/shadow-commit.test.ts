import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { CreateThingCommand, IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, ServiceUnavailableException, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * A device hears "accepted" (and its delta) only for a change that is on disk: while the
 * store cannot commit, a REST update is answered 503 and nothing reaches the device; once
 * the store can write again, the kept change is committed and announced exactly once.
 * Ordering marker: a message the device publishes to itself, echoed by the same broker.
 */
let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
let device: MqttClient;
const received: string[] = [];

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  await h.iot.send(new CreateThingCommand({ thingName: "committed-dev" }));
  device = await mqtt.connectAsync(h.emulator.mqttUrl, { clientId: "committed-dev", reconnectPeriod: 0, protocolVersion: 4 });
  device.on("message", (topic) => received.push(topic));
  await device.subscribeAsync(["$aws/things/committed-dev/shadow/update/accepted", "$aws/things/committed-dev/shadow/update/delta", "echo/committed-dev"], {
    qos: 1,
  });
});
afterAll(async () => {
  await device.endAsync(true);
  data.destroy();
  await h.stop();
});

const admin = (method: string, path: string) => fetch(`${h.emulator.endpoint}/_emulator${path}`, { method });
const count = (stub: string) => received.filter((t) => t === `$aws/things/committed-dev/shadow/${stub}`).length;

/** Resolves once the broker has delivered everything published before it to the device. */
async function roundTrip(): Promise<void> {
  const before = received.filter((t) => t === "echo/committed-dev").length;
  await device.publishAsync("echo/committed-dev", "x", { qos: 1 });
  while (received.filter((t) => t === "echo/committed-dev").length === before) await new Promise((r) => setImmediate(r));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe("shadow notifications wait for the commit", () => {
  it("sends nothing for an update the store could not commit, then exactly one accepted and delta once it could", async () => {
    expect((await admin("POST", "/store/full")).status).toBe(204);
    // A large desired document needs new pages: the commit fails.
    const payload = new TextEncoder().encode(JSON.stringify({ state: { desired: { blob: "z".repeat(7000) } } }));
    await expectAwsError(data.send(new UpdateThingShadowCommand({ thingName: "committed-dev", payload })), ServiceUnavailableException, 503);
    await roundTrip();
    expect(count("update/accepted")).toBe(0);
    expect(count("update/delta")).toBe(0);

    expect((await admin("DELETE", "/store/full")).status).toBe(204);
    await until(() => count("update/accepted") === 1 && count("update/delta") === 1);
    await roundTrip();
    expect(count("update/accepted")).toBe(1);
    expect(count("update/delta")).toBe(1);
  });
});

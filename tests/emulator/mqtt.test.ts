import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect as netConnect, type Socket } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { IoTClient, CreateThingCommand, GetThingConnectivityDataCommand } from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "./harness";
import { Store } from "../../emulator/store/store";
import { ConnectivityTracker } from "../../emulator/mqtt/connectivity";
import { startBroker } from "../../emulator/mqtt/broker";

let h: Harness<IoTClient>;
let port: number;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  port = h.emulator.mqttPort;
});
afterAll(() => h.stop());

let seq = 0;
/** A registered thing with a fresh name; its name is the MQTT client id. */
async function thing(): Promise<string> {
  const name = `mqtt-test-${process.pid}-${++seq}`;
  await h.iot.send(new CreateThingCommand({ thingName: name }));
  return name;
}

const connectivity = (thingName: string) => h.iot.send(new GetThingConnectivityDataCommand({ thingName }));

describe("connectivity tracking", () => {
  it("reports a connected client with the connect time", async () => {
    const name = await thing();
    const before = Date.now();
    const c = await connectClient(port, name);
    const out = await waitFor(async () => {
      const o = await connectivity(name);
      return o.connected ? o : undefined;
    });
    expect(out.timestamp!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(out.timestamp!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(out.disconnectReason).toBeUndefined();
    await c.endAsync();
  });

  it("records CLIENT_INITIATED_DISCONNECT after an MQTT DISCONNECT", async () => {
    const name = await thing();
    const c = await connectClient(port, name);
    await c.endAsync();
    const out = await waitFor(async () => {
      const o = await connectivity(name);
      return o.connected ? undefined : o;
    });
    expect(out.disconnectReason).toBe("CLIENT_INITIATED_DISCONNECT");
  });

  it("records CONNECTION_LOST when the socket drops without DISCONNECT", async () => {
    const name = await thing();
    const c = await connectClient(port, name);
    await waitFor(async () => (await connectivity(name)).connected);
    c.stream.destroy();
    const out = await waitFor(async () => {
      const o = await connectivity(name);
      return o.connected ? undefined : o;
    });
    expect(out.disconnectReason).toBe("CONNECTION_LOST");
    c.end(true);
  });

  it("records MQTT_KEEP_ALIVE_TIMEOUT after 1.5 keepalive periods of silence", async () => {
    const name = await thing();
    const { returnCode, socket } = await rawConnect(port, name, 1);
    expect(returnCode).toBe(0);
    await waitFor(async () => (await connectivity(name)).connected);
    const out = await waitFor(
      async () => {
        const o = await connectivity(name);
        return o.connected ? undefined : o;
      },
      4000,
      "keepalive timeout",
    );
    expect(out.disconnectReason).toBe("MQTT_KEEP_ALIVE_TIMEOUT");
    socket.destroy();
  });

  it("disconnects the older session with DUPLICATE_CLIENTID and keeps the newer one connected", async () => {
    const name = await thing();
    const obs = await collect(port, [`$aws/events/presence/+/${name}`]);
    const first = await connectClient(port, name);
    const firstClosed = new Promise<void>((r) => first.once("close", () => r()));
    await waitFor(() => obs.messages.find((m) => m.body.eventType === "connected"));
    const second = await connectClient(port, name);
    await firstClosed;

    const events = await waitFor(() => (obs.messages.length >= 3 ? obs.messages.map((m) => m.body) : undefined));
    const [c1, d1, c2] = events;
    expect([c1.eventType, d1.eventType, c2.eventType]).toEqual(["connected", "disconnected", "connected"]);
    expect(d1.sessionIdentifier).toBe(c1.sessionIdentifier);
    expect(d1.disconnectReason).toBe("DUPLICATE_CLIENTID");
    expect(d1.clientInitiatedDisconnect).toBe(false);
    expect(c2.sessionIdentifier).not.toBe(c1.sessionIdentifier);
    expect(c2.versionNumber).toBeGreaterThan(c1.versionNumber);

    // The old socket's late close must not mark the new session disconnected.
    await new Promise((r) => setTimeout(r, 200));
    expect((await connectivity(name)).connected).toBe(true);
    await second.endAsync();
    await obs.client.endAsync();
  });
});

describe("lifecycle (presence) events", () => {
  it("publishes connected and disconnected events in AWS's shape", async () => {
    const name = await thing();
    const obs = await collect(port, [`$aws/events/presence/connected/${name}`, `$aws/events/presence/disconnected/${name}`]);
    const before = Date.now();
    const c = await connectClient(port, name);
    await c.endAsync();
    await waitFor(() => obs.messages.length >= 2);

    const [conn, disc] = obs.messages;
    expect(conn.topic).toBe(`$aws/events/presence/connected/${name}`);
    expect(conn.body).toEqual({
      clientId: name,
      timestamp: expect.any(Number),
      eventType: "connected",
      sessionIdentifier: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
      principalIdentifier: expect.any(String),
      ipAddress: "127.0.0.1",
      versionNumber: expect.any(Number),
    });
    expect(conn.body.timestamp).toBeGreaterThanOrEqual(before);
    expect(disc.topic).toBe(`$aws/events/presence/disconnected/${name}`);
    expect(disc.body).toEqual({
      clientId: name,
      timestamp: expect.any(Number),
      eventType: "disconnected",
      sessionIdentifier: conn.body.sessionIdentifier,
      principalIdentifier: conn.body.principalIdentifier,
      clientInitiatedDisconnect: true,
      disconnectReason: "CLIENT_INITIATED_DISCONNECT",
      versionNumber: conn.body.versionNumber,
    });
    expect(disc.body.timestamp).toBeGreaterThanOrEqual(conn.body.timestamp);
    await obs.client.endAsync();
  });

  it("does not deliver lifecycle events to a plain # subscription ($ topics need explicit filters)", async () => {
    const obs = await collect(port, ["#"]);
    const c = await connectClient(port, `hash-check-${process.pid}`);
    await c.endAsync();
    await new Promise((r) => setTimeout(r, 200));
    expect(obs.messages.filter((m) => m.topic.startsWith("$aws/"))).toEqual([]);
    await obs.client.endAsync();
  });

  it("refuses client publishes on $aws/events and disconnects the client", async () => {
    const c = await connectClient(port, `spoofer-${process.pid}`);
    const closed = new Promise<void>((r) => c.once("close", () => r()));
    c.publish("$aws/events/presence/connected/someone", "{}", { qos: 1 });
    await closed;
    c.end(true);
  });
});

describe("client id rules", () => {
  it("rejects client ids starting with $ (CONNACK 2, identifier rejected)", async () => {
    const { returnCode, socket } = await rawConnect(port, "$reserved", 30);
    expect(returnCode).toBe(2);
    socket.destroy();
  });

  it("rejects client ids longer than 128 bytes", async () => {
    const { returnCode, socket } = await rawConnect(port, "x".repeat(129), 30);
    expect(returnCode).toBe(2);
    socket.destroy();
  });
});

describe("broker API", () => {
  it("lets emulator parts publish and observe messages, and marks clients SERVER_INITIATED_DISCONNECT on close", async () => {
    const store = new Store(":memory:");
    const tracker = new ConnectivityTracker(store);
    const broker = await startBroker({ host: "127.0.0.1", port: 0, connectivity: tracker, principalOf: (id) => `cert-of-${id}` });
    try {
      const seen: Array<[string, string, string | undefined]> = [];
      const unsubscribe = await broker.subscribe("$aws/things/+/shadow/update", (topic, payload, clientId) => seen.push([topic, payload.toString(), clientId]));
      const device = await connectClient(broker.port, "dev-1");
      const got = new Promise<string>((r) => device.once("message", (_t, p) => r(p.toString())));
      await device.subscribeAsync("$aws/things/dev-1/shadow/update/accepted", { qos: 1 });
      await device.publishAsync("$aws/things/dev-1/shadow/update", '{"state":{}}', { qos: 1 });
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toEqual(["$aws/things/dev-1/shadow/update", '{"state":{}}', "dev-1"]);
      await broker.publish("$aws/things/dev-1/shadow/update/accepted", '{"version":1}', { qos: 1 });
      expect(await got).toBe('{"version":1}');
      await unsubscribe();
      expect(broker.connectedCount).toBe(1);
      expect(tracker.get("dev-1")).toMatchObject({ connected: true, keepAliveSeconds: 60, cleanSession: true, ipAddress: "127.0.0.1" });

      const closed = new Promise<void>((r) => device.once("close", () => r()));
      await broker.close();
      await closed;
      device.end(true);
      expect(tracker.get("dev-1")).toMatchObject({ connected: false, disconnectReason: "SERVER_INITIATED_DISCONNECT" });
    } finally {
      await broker.close();
      store.close();
    }
  });
});

// ---- helpers ----

/** An MQTT.js client that does not reconnect on its own (the tests decide what happens). */
async function connectClient(p: number, clientId: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${p}`, { clientId, reconnectPeriod: 0, protocolVersion: 4, ...opts });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  return client;
}

async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects JSON messages on topic filters. */
async function collect(p: number, filters: string[]): Promise<{ messages: Array<{ topic: string; body: any }>; client: MqttClient }> {
  const client = await connectClient(p, `observer-${process.pid}-${++seq}`);
  const messages: Array<{ topic: string; body: any }> = [];
  client.on("message", (topic, payload) => {
    let body: unknown = payload.toString();
    try {
      body = JSON.parse(body as string);
    } catch {
      /* not JSON */
    }
    messages.push({ topic, body });
  });
  await client.subscribeAsync(filters, { qos: 1 });
  return { messages, client };
}

/**
 * A bare MQTT 3.1.1 CONNECT over a raw socket: MQTT.js always answers the keepalive and
 * validates ids, so a silent client or an odd id needs this. Resolves with the CONNACK
 * return code and the open socket.
 */
async function rawConnect(p: number, clientId: string, keepaliveSeconds: number): Promise<{ returnCode: number; socket: Socket }> {
  const id = Buffer.from(clientId, "utf8");
  const body = Buffer.concat([
    Buffer.from([0x00, 0x04]),
    Buffer.from("MQTT"),
    Buffer.from([0x04, 0x02, keepaliveSeconds >> 8, keepaliveSeconds & 0xff, id.length >> 8, id.length & 0xff]),
    id,
  ]);
  const socket = netConnect(p, "127.0.0.1");
  socket.on("error", () => undefined);
  const returnCode = await new Promise<number>((resolve, reject) => {
    socket.once("connect", () => socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body])));
    socket.once("data", (d) => (d[0] === 0x20 ? resolve(d[3]) : reject(new Error("no CONNACK"))));
    socket.once("close", () => reject(new Error("closed before CONNACK")));
  });
  return { returnCode, socket };
}

/** MQTT's variable-length "remaining length" encoding. */
function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

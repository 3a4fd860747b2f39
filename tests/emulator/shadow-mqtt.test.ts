import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import {
  ConflictException,
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  PublishCommand,
  ResourceNotFoundException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";
import { IoTClient } from "@aws-sdk/client-iot";

/**
 * The Device Shadow MQTT topics through a real MQTT client, against the REST API through
 * the real iot-data-plane client: requests on get/update/delete, answers on
 * accepted/rejected, and the delta and documents notifications of every change.
 */

let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
const clients: MqttClient[] = [];
beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  data.destroy();
  await h.stop();
});

let seq = 0;
const thing = () => `smq-${process.pid}-${++seq}`;
const nowSec = () => Math.floor(Date.now() / 1000);
const prefixOf = (t: string, shadowName?: string) => (shadowName ? `$aws/things/${t}/shadow/name/${shadowName}` : `$aws/things/${t}/shadow`);
const RESPONSES = [
  "get/accepted",
  "get/rejected",
  "update/accepted",
  "update/rejected",
  "update/delta",
  "update/documents",
  "delete/accepted",
  "delete/rejected",
];

// ---- REST helpers ---------------------------------------------------------------------------

const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));
async function restUpdate(thingName: string, doc: unknown, shadowName?: string): Promise<any> {
  const out = await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));
  return decode(out.payload);
}
async function restGet(thingName: string, shadowName?: string): Promise<any> {
  return decode((await data.send(new GetThingShadowCommand({ thingName, shadowName }))).payload);
}

// ---- MQTT helpers ---------------------------------------------------------------------------

interface Msg {
  topic: string;
  body: any;
  raw: string;
}

/** An MQTT client that keeps every message it receives, in order, to be taken one by one. */
class Device {
  readonly received: Msg[] = [];
  private taken = new Set<Msg>();
  private wake: (() => void) | undefined;
  closed = false;

  constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload) => {
      const raw = payload.toString();
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* not JSON */
      }
      this.received.push({ topic, body, raw });
      this.wake?.();
    });
    client.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** Subscribes (QoS 1) to the response topics of a shadow, or to the given filters. */
  async watch(filtersOrThing: string[] | { thing: string; shadow?: string }): Promise<void> {
    const filters = Array.isArray(filtersOrThing) ? filtersOrThing : RESPONSES.map((r) => `${prefixOf(filtersOrThing.thing, filtersOrThing.shadow)}/${r}`);
    await this.client.subscribeAsync(filters, { qos: 1 });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.client.publishAsync(topic, typeof payload === "string" ? payload : JSON.stringify(payload), { qos: 1 });
  }

  /** The next not yet taken message on `topic`. */
  async next(topic: string, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.received.find((x) => x.topic === topic && !this.taken.has(x));
      if (m) {
        this.taken.add(m);
        return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message on ${topic}; got: ${this.received.map((x) => x.topic).join(", ") || "nothing"}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  }

  /** Messages on `topic` received so far and not taken. */
  pending(topic: string): Msg[] {
    return this.received.filter((x) => x.topic === topic && !this.taken.has(x));
  }

  /** Topics of every message received so far. */
  topics(): string[] {
    return this.received.map((x) => x.topic);
  }
}

async function device(clientId = `smq-client-${process.pid}-${++seq}`): Promise<Device> {
  const client = mqtt.connect(h.emulator.mqttUrl, { clientId, reconnectPeriod: 0, protocolVersion: 4 });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  return new Device(client);
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function expectSeconds(ts: unknown, before: number): void {
  expect(typeof ts).toBe("number");
  expect(Number.isInteger(ts)).toBe(true);
  expect(ts as number).toBeGreaterThanOrEqual(before);
  expect(ts as number).toBeLessThanOrEqual(nowSec());
}

// ---- tests ------------------------------------------------------------------------------------

describe.each([
  ["classic", undefined],
  ["named", "cfg-1"],
])("%s shadow over MQTT", (_kind, shadowName) => {
  it("answers update on update/accepted and publishes update/delta and update/documents", async () => {
    const t = thing();
    const p = prefixOf(t, shadowName);
    const d = await device();
    await d.watch({ thing: t, shadow: shadowName });
    const before = nowSec();

    await d.publish(`${p}/update`, { state: { desired: { color: "red", lamp: { on: true, level: 3 } } }, clientToken: "u-1" });
    const accepted = (await d.next(`${p}/update/accepted`)).body;
    const ts = accepted.timestamp;
    expectSeconds(ts, before);
    expect(accepted).toEqual({
      state: { desired: { color: "red", lamp: { on: true, level: 3 } } },
      metadata: { desired: { color: { timestamp: ts }, lamp: { on: { timestamp: ts }, level: { timestamp: ts } } } },
      version: 1,
      timestamp: ts,
      clientToken: "u-1",
    });
    const delta = (await d.next(`${p}/update/delta`)).body;
    expect(delta).toEqual({
      state: { color: "red", lamp: { on: true, level: 3 } },
      metadata: { color: { timestamp: ts }, lamp: { on: { timestamp: ts }, level: { timestamp: ts } } },
      version: 1,
      timestamp: ts,
      clientToken: "u-1",
    });
    const docs = (await d.next(`${p}/update/documents`)).body;
    // A new shadow has no previous document.
    expect(docs).toEqual({
      current: {
        state: { desired: { color: "red", lamp: { on: true, level: 3 } } },
        metadata: { desired: { color: { timestamp: ts }, lamp: { on: { timestamp: ts }, level: { timestamp: ts } } } },
        version: 1,
      },
      timestamp: ts,
      clientToken: "u-1",
    });

    // The REST API sees what MQTT wrote.
    const got = await restGet(t, shadowName);
    expect(got.state).toEqual({ desired: { color: "red", lamp: { on: true, level: 3 } }, delta: { color: "red", lamp: { on: true, level: 3 } } });
    expect(got.version).toBe(1);
    expect(d.pending(`${p}/update/rejected`)).toEqual([]);
  });

  it("carries every outstanding difference in the delta, and none when reported catches up", async () => {
    const t = thing();
    const p = prefixOf(t, shadowName);
    const d = await device();
    await d.watch({ thing: t, shadow: shadowName });
    await d.publish(`${p}/update`, { state: { desired: { a: 1, b: { c: 2, d: 3 }, list: [1, 2] }, reported: { a: 0 } } });
    const first = (await d.next(`${p}/update/documents`)).body;
    await d.next(`${p}/update/accepted`);
    await d.next(`${p}/update/delta`);

    // The device reports part of the desired state: the delta still lists the rest,
    // including fields this update did not mention.
    await d.publish(`${p}/update`, { state: { reported: { a: 1, b: { c: 2 } } }, clientToken: "r-1" });
    const accepted = (await d.next(`${p}/update/accepted`)).body;
    expect(accepted.state).toEqual({ reported: { a: 1, b: { c: 2 } } });
    expect(accepted.version).toBe(2);
    const delta = (await d.next(`${p}/update/delta`)).body;
    expect(delta.state).toEqual({ b: { d: 3 }, list: [1, 2] });
    expect(delta.metadata).toEqual({ b: { d: { timestamp: first.timestamp } }, list: [{ timestamp: first.timestamp }, { timestamp: first.timestamp }] });
    expect(delta).toMatchObject({ version: 2, clientToken: "r-1" });
    const docs = (await d.next(`${p}/update/documents`)).body;
    expect(docs.previous).toEqual(first.current);
    expect(docs.current.state).toEqual({ desired: { a: 1, b: { c: 2, d: 3 }, list: [1, 2] }, reported: { a: 1, b: { c: 2 } } });
    expect(docs.current.version).toBe(2);
    expect(docs.clientToken).toBe("r-1");

    // A field removed from reported but still desired comes back into the delta.
    await d.publish(`${p}/update`, { state: { reported: { a: null } } });
    expect((await d.next(`${p}/update/delta`)).body.state).toEqual({ a: 1, b: { d: 3 }, list: [1, 2] });
    await d.next(`${p}/update/documents`);
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(3);

    // In sync: accepted and documents, no delta (responses arrive in publish order, so
    // documents after accepted proves no delta was sent in between).
    await d.publish(`${p}/update`, { state: { reported: { a: 1, b: { d: 3 }, list: [1, 2] } } });
    const synced = (await d.next(`${p}/update/documents`)).body;
    expect(synced.current.version).toBe(4);
    expect(synced.current.state.desired).toEqual(synced.current.state.reported);
    expect(d.received.filter((m) => m.topic === `${p}/update/delta`)).toHaveLength(3);
    expect(d.pending(`${p}/update/delta`)).toEqual([]);
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(4);
  });

  it("answers get on get/accepted with the GET document and the client token", async () => {
    const t = thing();
    const p = prefixOf(t, shadowName);
    const d = await device();
    await d.watch({ thing: t, shadow: shadowName });
    await restUpdate(t, { state: { desired: { temp: 20, mode: "eco" }, reported: { temp: 18, mode: "eco" } } }, shadowName);

    await d.publish(`${p}/get`, { clientToken: "g-1" });
    const got = (await d.next(`${p}/get/accepted`)).body;
    const rest = await restGet(t, shadowName);
    expect(got).toEqual({ ...rest, timestamp: got.timestamp, clientToken: "g-1" });
    expect(got.state).toEqual({ desired: { temp: 20, mode: "eco" }, reported: { temp: 18, mode: "eco" }, delta: { temp: 20 } });
    expect(got.metadata.reported.temp.timestamp).toBeGreaterThan(0);
    expect(got.version).toBe(1);

    // An empty message (the documented form) gets the document without a token.
    await d.publish(`${p}/get`, "");
    const plain = (await d.next(`${p}/get/accepted`)).body;
    expect(plain).not.toHaveProperty("clientToken");
    expect(plain.state).toEqual(got.state);
  });

  it("deletes on delete: delete/accepted with version, timestamp and client token", async () => {
    const t = thing();
    const p = prefixOf(t, shadowName);
    const d = await device();
    await d.watch({ thing: t, shadow: shadowName });
    await restUpdate(t, { state: { reported: { x: 1 } } }, shadowName);
    await restUpdate(t, { state: { reported: { x: 2 } } }, shadowName);
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(1);
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(2);
    const before = nowSec();

    await d.publish(`${p}/delete`, { clientToken: "d-1" });
    const del = (await d.next(`${p}/delete/accepted`)).body;
    expect(del).toEqual({ version: 2, timestamp: del.timestamp, clientToken: "d-1" });
    expectSeconds(del.timestamp, before);
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName })), ResourceNotFoundException, 404);

    // Nothing left to delete or get: 404 on the rejected topics, with the token.
    const missing = `No shadow exists with name: '${shadowName ? `${t}~${shadowName}` : t}'`;
    await d.publish(`${p}/delete`, { clientToken: "d-2" });
    expect((await d.next(`${p}/delete/rejected`)).body).toEqual({ code: 404, message: missing, timestamp: expect.any(Number), clientToken: "d-2" });
    await d.publish(`${p}/get`, { clientToken: "g-2" });
    expect((await d.next(`${p}/get/rejected`)).body).toEqual({ code: 404, message: missing, timestamp: expect.any(Number), clientToken: "g-2" });
    // An empty delete message (the documented form) is answered without a token.
    await d.publish(`${p}/delete`, "");
    expect((await d.next(`${p}/delete/rejected`)).body).toEqual({ code: 404, message: missing, timestamp: expect.any(Number) });

    // The version continues after a delete.
    await d.publish(`${p}/update`, { state: { reported: { x: 3 } } });
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(3);
    expect(d.pending(`${p}/delete/accepted`)).toEqual([]);
  });
});

describe("rejected updates", () => {
  const cases: Array<[string, string, number, string, string | undefined]> = [
    ["invalid JSON", '{"state":{"desired":{"a":1}}, "clientToken":"t-1"', 400, "Invalid JSON", undefined],
    ["an empty message", "", 400, "Invalid JSON", undefined],
    ["no state", '{"clientToken":"t-2"}', 400, "Missing required node: state", "t-2"],
    ["a state that is no object", '{"state":[1],"clientToken":"t-3"}', 400, "State node must be an object", "t-3"],
    ["a desired that is no object", '{"state":{"desired":5},"clientToken":"t-4"}', 400, "Desired node must be an object", "t-4"],
    ["a reported that is no object", '{"state":{"reported":"x"},"clientToken":"t-5"}', 400, "Reported node must be an object", "t-5"],
    ["an unknown node in state", '{"state":{"delta":{"a":1}},"clientToken":"t-6"}', 400, "State contains an invalid node", "t-6"],
    [
      "7 levels of nesting",
      '{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}},"clientToken":"t-7"}',
      400,
      "JSON contains too many levels of nesting; maximum is 6",
      "t-7",
    ],
    ["a client token over 64 bytes", JSON.stringify({ state: { desired: { a: 1 } }, clientToken: "x".repeat(65) }), 400, "Invalid clientToken", undefined],
    ["a client token that is no string", '{"state":{"desired":{"a":1}},"clientToken":42}', 400, "Invalid clientToken", undefined],
    ["an invalid version", '{"state":{"desired":{"a":1}},"version":"one","clientToken":"t-8"}', 400, "Invalid version", "t-8"],
    ["a stale version", '{"state":{"desired":{"a":1}},"version":0,"clientToken":"t-9"}', 409, "Version conflict", "t-9"],
    [
      "more than 8 KB of state",
      JSON.stringify({ state: { desired: { big: "x".repeat(8200) } }, clientToken: "t-10" }),
      413,
      "The payload exceeds the maximum size allowed",
      "t-10",
    ],
  ];

  it.each(cases)("rejects %s on update/rejected and changes nothing", async (_what, payload, code, message, token) => {
    const t = thing();
    const p = prefixOf(t);
    await restUpdate(t, { state: { reported: { a: 0 } } });
    const d = await device();
    await d.watch({ thing: t });
    const before = nowSec();

    await d.publish(`${p}/update`, payload);
    const rejected = (await d.next(`${p}/update/rejected`)).body;
    expect(rejected).toEqual({ code, message, timestamp: rejected.timestamp, ...(token !== undefined ? { clientToken: token } : {}) });
    expectSeconds(rejected.timestamp, before);
    expect(d.pending(`${p}/update/accepted`)).toEqual([]);
    expect((await restGet(t)).version).toBe(1);
    // The client stays connected and can go on.
    await d.publish(`${p}/update`, { state: { reported: { a: 1 } } });
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(2);
    expect(d.received.filter((m) => m.topic.endsWith("/rejected"))).toHaveLength(1);
  });

  it.each([
    [10_000, undefined],
    [100_000, undefined],
    [10_000, "cfg-deep"],
    [100_000, "cfg-deep"],
  ])("rejects a document nested %i levels deep (shadow %s) with 400, and goes on serving", async (levels, shadowName) => {
    const t = thing();
    const p = prefixOf(t, shadowName);
    await restUpdate(t, { state: { reported: { a: 0 } } }, shadowName);
    const d = await device();
    await d.watch({ thing: t, shadow: shadowName });

    const deepObjects = `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    const deepArrays = `${"[".repeat(levels)}1${"]".repeat(levels)}`;
    await d.publish(`${p}/update`, `{"state":{"desired":${deepObjects}},"clientToken":"deep-1"}`);
    await d.publish(`${p}/update`, `{"state":{"reported":{"list":${deepArrays}}},"clientToken":"deep-2"}`);
    for (const token of ["deep-1", "deep-2"]) {
      const rejected = (await d.next(`${p}/update/rejected`)).body;
      expect(rejected).toEqual({
        code: 400,
        message: "JSON contains too many levels of nesting; maximum is 6",
        timestamp: expect.any(Number),
        clientToken: token,
      });
    }
    expect(d.pending(`${p}/update/accepted`)).toEqual([]);
    expect((await restGet(t, shadowName)).version).toBe(1);
    // The same connection, and the REST API, go on working.
    await d.publish(`${p}/update`, { state: { reported: { a: 1 } } });
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(2);
    expect((await restGet(t, shadowName)).state.reported).toEqual({ a: 1 });
  });

  it("rejects non-UTF-8 with 415", async () => {
    const t = thing();
    const d = await device();
    await d.watch({ thing: t });
    await d.client.publishAsync(`${prefixOf(t)}/update`, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { qos: 1 });
    expect((await d.next(`${prefixOf(t)}/update/rejected`)).body).toMatchObject({
      code: 415,
      message: "Unsupported documented encoding; supported encoding is UTF-8",
    });
  });

  it("rejects a get or delete with an invalid client token", async () => {
    const t = thing();
    await restUpdate(t, { state: { reported: { a: 1 } } });
    const d = await device();
    await d.watch({ thing: t });
    await d.publish(`${prefixOf(t)}/get`, { clientToken: "y".repeat(65) });
    expect((await d.next(`${prefixOf(t)}/get/rejected`)).body).toEqual({ code: 400, message: "Invalid clientToken", timestamp: expect.any(Number) });
    await d.publish(`${prefixOf(t)}/delete`, { clientToken: 7 });
    expect((await d.next(`${prefixOf(t)}/delete/rejected`)).body).toEqual({ code: 400, message: "Invalid clientToken", timestamp: expect.any(Number) });
    expect((await restGet(t)).version).toBe(1);
  });
});

describe("REST and MQTT share one shadow", () => {
  it("a REST update publishes update/accepted, update/delta and update/documents with its client token", async () => {
    const t = thing();
    const p = prefixOf(t, "ops");
    const d = await device();
    await d.watch({ thing: t, shadow: "ops" });

    const accepted = await restUpdate(t, { state: { desired: { fw: "2.0", blocklist: ["a", "b"] } }, clientToken: "rest-1" }, "ops");
    expect((await d.next(`${p}/update/accepted`)).body).toEqual(accepted);
    const delta = (await d.next(`${p}/update/delta`)).body;
    expect(delta).toEqual({
      state: { fw: "2.0", blocklist: ["a", "b"] },
      metadata: { fw: { timestamp: accepted.timestamp }, blocklist: [{ timestamp: accepted.timestamp }, { timestamp: accepted.timestamp }] },
      version: 1,
      timestamp: accepted.timestamp,
      clientToken: "rest-1",
    });
    const docs = (await d.next(`${p}/update/documents`)).body;
    expect(docs).toEqual({
      current: { state: { desired: { fw: "2.0", blocklist: ["a", "b"] } }, metadata: accepted.metadata, version: 1 },
      timestamp: accepted.timestamp,
      clientToken: "rest-1",
    });

    // The device answers over MQTT; REST sees it, and the delta is gone.
    await d.publish(`${p}/update`, { state: { reported: { fw: "2.0", blocklist: ["a", "b"] } } });
    await d.next(`${p}/update/documents`);
    const got = await restGet(t, "ops");
    expect(got.state).toEqual({ desired: { fw: "2.0", blocklist: ["a", "b"] }, reported: { fw: "2.0", blocklist: ["a", "b"] } });
    expect(got.version).toBe(2);
    expect(d.pending(`${p}/update/delta`)).toEqual([]);

    // A REST update without a token publishes messages without one.
    await restUpdate(t, { state: { desired: { fw: "2.1" } } }, "ops");
    expect((await d.next(`${p}/update/delta`)).body).not.toHaveProperty("clientToken");
    expect((await d.next(`${p}/update/documents`)).body).not.toHaveProperty("clientToken");
  });

  it("a REST delete publishes delete/accepted", async () => {
    const t = thing();
    const d = await device();
    await d.watch({ thing: t });
    await restUpdate(t, { state: { reported: { on: true } } });
    await data.send(new DeleteThingShadowCommand({ thingName: t }));
    expect((await d.next(`${prefixOf(t)}/delete/accepted`)).body).toEqual({ version: 1, timestamp: expect.any(Number) });
  });

  it("REST errors stay HTTP errors: no rejected message", async () => {
    const t = thing();
    const p = prefixOf(t);
    const d = await device();
    await d.watch({ thing: t });
    await restUpdate(t, { state: { reported: { a: 1 } } });
    await d.next(`${p}/update/documents`);
    await d.next(`${p}/update/accepted`);
    await expectAwsError(restUpdate(t, { state: { reported: { a: 2 } }, version: 7, clientToken: "c" }), ConflictException, 409);
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName: "none" })), ResourceNotFoundException, 404);
    await expectAwsError(data.send(new DeleteThingShadowCommand({ thingName: t, shadowName: "none" })), ResourceNotFoundException, 404);
    // A later accepted change arrives; nothing was rejected before it.
    await restUpdate(t, { state: { reported: { a: 3 } } });
    expect((await d.next(`${p}/update/accepted`)).body.version).toBe(2);
    expect(d.received.filter((m) => m.topic.endsWith("/rejected"))).toEqual([]);
  });

  it("iot-data Publish on a request topic is a request like any other", async () => {
    const t = thing();
    const p = prefixOf(t);
    const d = await device();
    await d.watch({ thing: t });
    await data.send(
      new PublishCommand({ topic: `${p}/update`, qos: 1, payload: new TextEncoder().encode('{"state":{"desired":{"k":1}},"clientToken":"pub"}') }),
    );
    expect((await d.next(`${p}/update/accepted`)).body).toMatchObject({ state: { desired: { k: 1 } }, version: 1, clientToken: "pub" });
    expect((await restGet(t)).state.desired).toEqual({ k: 1 });
  });
});

describe("topic scoping", () => {
  it("answers only on the requesting thing's and shadow's topics", async () => {
    const a = thing();
    const b = thing();
    const observer = await device();
    await observer.watch([`$aws/things/${a}/shadow/#`, `$aws/things/${b}/shadow/#`]);
    const d = await device();
    await d.watch({ thing: a });

    // One request at a time, so the order of the answers is known.
    await d.publish(`${prefixOf(a)}/update`, { state: { desired: { x: 1 } } });
    await d.next(`${prefixOf(a)}/update/documents`);
    await d.publish(`${prefixOf(a)}/get`, "");
    await d.next(`${prefixOf(a)}/get/accepted`);
    await d.publish(`${prefixOf(a)}/update`, { state: {}, version: 99 });
    expect((await d.next(`${prefixOf(a)}/update/rejected`)).body).toMatchObject({ code: 409 });
    await d.publish(`${prefixOf(a)}/delete`, "");
    await d.next(`${prefixOf(a)}/delete/accepted`);
    await observer.next(`${prefixOf(a)}/delete/accepted`);
    // The observer sees A's classic answers (and the requests themselves, which clients may
    // also subscribe to); nothing of B, nor of any named shadow of A.
    const answers = () => observer.topics().filter((x) => RESPONSES.some((r) => x.endsWith(`/${r}`)));
    expect(answers()).toEqual([
      `${prefixOf(a)}/update/accepted`,
      `${prefixOf(a)}/update/delta`,
      `${prefixOf(a)}/update/documents`,
      `${prefixOf(a)}/get/accepted`,
      `${prefixOf(a)}/update/rejected`,
      `${prefixOf(a)}/delete/accepted`,
    ]);
    expect(observer.topics().filter((x) => !x.startsWith(`${prefixOf(a)}/`))).toEqual([]);

    // A named shadow's answers stay on the named shadow's topics.
    await d.publish(`${prefixOf(a, "n1")}/get`, "");
    await observer.next(`${prefixOf(a, "n1")}/get/rejected`);
    expect(answers().slice(6)).toEqual([`${prefixOf(a, "n1")}/get/rejected`]);
    expect(d.topics().filter((x) => x.includes("/name/"))).toEqual([]);
    expect(observer.topics().filter((x) => x.includes(b))).toEqual([]);
  });

  it("rejects names a thing or shadow cannot have with a 400", async () => {
    const d = await device();
    await d.watch(["$aws/things/bad.name/shadow/update/rejected", "$aws/things/ok/shadow/name/bad.shadow/get/rejected"]);
    await d.publish("$aws/things/bad.name/shadow/update", { state: { desired: { a: 1 } }, clientToken: "n" });
    expect((await d.next("$aws/things/bad.name/shadow/update/rejected")).body).toMatchObject({ code: 400, message: "Invalid thing name", clientToken: "n" });
    await d.publish("$aws/things/ok/shadow/name/bad.shadow/get", "");
    expect((await d.next("$aws/things/ok/shadow/name/bad.shadow/get/rejected")).body).toMatchObject({ code: 400, message: "Invalid shadow name" });
  });
});

describe("response topics are the service's", () => {
  it.each(["update/accepted", "update/delta", "update/documents", "update/rejected", "get/accepted", "delete/accepted", "name/cfg/update/accepted"])(
    "refuses a client publish on %s: the client is disconnected and nobody receives it",
    async (stub) => {
      const t = thing();
      const topic = `${prefixOf(t)}/${stub}`;
      const named = stub.startsWith("name/");
      // update/documents follows every accepted update: a marker that the broker has moved on.
      const marker = `${prefixOf(t, named ? "cfg" : undefined)}/update/documents`;
      const observer = await device();
      await observer.watch([...new Set([topic, marker])]);
      const spoofer = await device();
      const closed = new Promise<void>((r) => spoofer.client.once("close", () => r()));
      spoofer.client.publish(topic, JSON.stringify({ state: { fake: true }, version: 1 }), { qos: 1 });
      await within(closed, 3000, "the spoofer's disconnection");

      await restUpdate(t, { state: { desired: { real: 1 } } }, named ? "cfg" : undefined);
      await observer.next(marker);
      expect(observer.received.filter((m) => m.raw.includes("fake"))).toEqual([]);
      if (/update\/(accepted|delta|documents)$/.test(stub)) {
        // Only the service's own message arrived there.
        expect(observer.received.filter((m) => m.topic === topic).map((m) => m.body.version ?? m.body.current?.version)).toEqual([1]);
      }
    },
  );

  it("lets the same client go on publishing requests", async () => {
    const t = thing();
    const d = await device();
    await d.watch({ thing: t });
    for (let i = 1; i <= 3; i++) {
      await d.publish(`${prefixOf(t)}/update`, { state: { reported: { n: i } } });
      expect((await d.next(`${prefixOf(t)}/update/accepted`)).body.version).toBe(i);
    }
    expect(d.closed).toBe(false);
  });
});

describe("a fleet at once", () => {
  it("answers 2,000 agents updating and reading their shadows in the same instant", { timeout: 90_000 }, async () => {
    // A burst like this once overflowed the stack in the broker's emitter (queued messages
    // with only synchronous listeners were started one inside the other).
    const N = 2000;
    const ROUNDS = 2;
    const names = Array.from({ length: N }, () => thing());
    const agents: MqttClient[] = [];
    for (let i = 0; i < N; i += 200) {
      agents.push(
        ...(await Promise.all(
          names.slice(i, i + 200).map(
            (name) =>
              new Promise<MqttClient>((resolve, reject) => {
                const c = mqtt.connect(h.emulator.mqttUrl, { clientId: name, reconnectPeriod: 0, protocolVersion: 4 });
                clients.push(c);
                c.once("connect", () => resolve(c));
                c.once("error", reject);
              }),
          ),
        )),
      );
    }
    const versions = new Map<string, number[]>();
    const gets = new Map<string, number>();
    agents.forEach((c, i) =>
      c.on("message", (topic, payload) => {
        const body = JSON.parse(payload.toString());
        expect(topic.startsWith(`${prefixOf(names[i])}/`)).toBe(true);
        if (topic.endsWith("/update/accepted")) versions.set(names[i], [...(versions.get(names[i]) ?? []), body.version]);
        if (topic.endsWith("/get/accepted")) gets.set(names[i], (gets.get(names[i]) ?? 0) + 1);
      }),
    );
    await Promise.all(agents.map((c, i) => c.subscribeAsync([`${prefixOf(names[i])}/update/accepted`, `${prefixOf(names[i])}/get/accepted`], { qos: 1 })));

    for (let r = 1; r <= ROUNDS; r++) {
      await Promise.all(
        agents.map((c, i) =>
          c.publishAsync(`${prefixOf(names[i])}/update`, JSON.stringify({ state: { reported: { round: r }, desired: { round: r + 1 } } }), { qos: 1 }),
        ),
      );
      await Promise.all(agents.map((c, i) => c.publishAsync(`${prefixOf(names[i])}/get`, "", { qos: 1 })));
    }
    const answers = () => [...gets.values()].reduce((a, b) => a + b, 0) + [...versions.values()].reduce((a, v) => a + v.length, 0);
    const deadline = Date.now() + 30_000;
    while (answers() < 2 * N * ROUNDS) {
      if (Date.now() > deadline) throw new Error(`${answers()} of ${2 * N * ROUNDS} answers arrived`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const name of names) expect(versions.get(name)).toEqual([1, 2]);
    expect((await restGet(names[N - 1])).state.reported).toEqual({ round: ROUNDS });
    await Promise.all(agents.map((c) => c.endAsync()));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import {
  ConflictException,
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  InvalidRequestException,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  PublishCommand,
  RequestEntityTooLargeException,
  ResourceNotFoundException,
  UnsupportedDocumentEncodingException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { IoTClient, CreateThingCommand } from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";
import { createIotDataService, iotDataService } from "../../emulator/services/iotdata";
import { createHttpServer } from "../../emulator/server/http";
import { FaultInjector } from "../../emulator/server/faults";
import { Router } from "../../emulator/server/router";
import { Store } from "../../emulator/store/store";
import type { ShadowChange } from "../../emulator/services/iotdata/shadow-types";

/** The Device Shadow REST API and Publish, through the real iot-data-plane client. */

let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  data.destroy();
  await h.stop();
});

let seq = 0;
const thing = () => `shadow-test-${++seq}`;
const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));
const nowSec = () => Math.floor(Date.now() / 1000);

async function update(thingName: string, doc: unknown, shadowName?: string): Promise<any> {
  const out = await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));
  return decode(out.payload);
}
async function get(thingName: string, shadowName?: string): Promise<any> {
  return decode((await data.send(new GetThingShadowCommand({ thingName, shadowName }))).payload);
}
const updateCall = (thingName: string, doc: unknown, shadowName?: string) =>
  data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(typeof doc === "string" ? doc : JSON.stringify(doc)) }));

describe("UpdateThingShadow and GetThingShadow", () => {
  it("creates a shadow (thing not in the registry) and answers the accepted document", async () => {
    const t = thing();
    const before = nowSec();
    const accepted = await update(t, { state: { desired: { color: "red", lamp: { on: true } } }, clientToken: "tok-1" });
    expect(accepted).toEqual({
      state: { desired: { color: "red", lamp: { on: true } } },
      metadata: { desired: { color: { timestamp: accepted.timestamp }, lamp: { on: { timestamp: accepted.timestamp } } } },
      version: 1,
      timestamp: accepted.timestamp,
      clientToken: "tok-1",
    });
    // Epoch seconds, not milliseconds.
    expect(accepted.timestamp).toBeGreaterThanOrEqual(before);
    expect(accepted.timestamp).toBeLessThanOrEqual(nowSec());

    const doc = await get(t);
    expect(doc.state).toEqual({ desired: { color: "red", lamp: { on: true } }, delta: { color: "red", lamp: { on: true } } });
    expect(doc.version).toBe(1);
    expect(doc.clientToken).toBeUndefined();
  });

  it("works for registered things too", async () => {
    const t = thing();
    await h.iot.send(new CreateThingCommand({ thingName: t }));
    await update(t, { state: { reported: { ok: true } } });
    expect((await get(t)).state).toEqual({ reported: { ok: true } });
  });

  it("merges partial updates, increments the version and keeps untouched timestamps", async () => {
    const t = thing();
    const first = await update(t, { state: { desired: { a: 1, nested: { x: 1 } } } });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await update(t, { state: { desired: { nested: { y: 2 } }, reported: { a: 1 } } });
    expect(second.version).toBe(2);
    expect(second.state).toEqual({ desired: { nested: { y: 2 } }, reported: { a: 1 } });
    expect(second.timestamp).toBeGreaterThan(first.timestamp);

    const doc = await get(t);
    expect(doc.state.desired).toEqual({ a: 1, nested: { x: 1, y: 2 } });
    expect(doc.state.reported).toEqual({ a: 1 });
    expect(doc.metadata).toEqual({
      desired: { a: { timestamp: first.timestamp }, nested: { x: { timestamp: first.timestamp }, y: { timestamp: second.timestamp } } },
      reported: { a: { timestamp: second.timestamp } },
    });
    expect(doc.version).toBe(2);
    expect((await update(t, { state: { reported: { b: 1 } } })).version).toBe(3);
  });

  it('deletes a key with null and a whole section with "desired": null', async () => {
    const t = thing();
    await update(t, { state: { desired: { a: 1, b: 2, deep: { c: 3 } }, reported: { a: 1 } } });
    const accepted = await update(t, { state: { desired: { a: null, deep: { c: null } } } });
    expect(accepted.state).toEqual({ desired: { a: null, deep: { c: null } } });
    expect(accepted.metadata.desired.a).toEqual({ timestamp: accepted.timestamp });
    let doc = await get(t);
    expect(doc.state.desired).toEqual({ b: 2 });
    expect(doc.metadata.desired).toEqual({ b: expect.any(Object) });

    await update(t, { state: { desired: null } });
    doc = await get(t);
    expect(doc.state).toEqual({ reported: { a: 1 } });
    expect(doc.metadata.desired).toBeUndefined();
    expect(doc.version).toBe(3);
  });

  it("replaces arrays whole and rejects null inside an array", async () => {
    const t = thing();
    await update(t, { state: { desired: { colors: ["RED", "GREEN", "BLUE"] } } });
    await update(t, { state: { desired: { colors: ["RED"] } } });
    const doc = await get(t);
    expect(doc.state.desired.colors).toEqual(["RED"]);
    expect(doc.metadata.desired.colors).toEqual([{ timestamp: expect.any(Number) }]);

    const err = await expectAwsError(updateCall(t, { state: { desired: { colors: [null, "RED"] } } }), InvalidRequestException, 400);
    expect(err.message).toMatch(/null/);
    expect((await get(t)).version).toBe(2);
  });

  it("checks an optional version: 409 ConflictException when stale", async () => {
    const t = thing();
    await update(t, { state: { desired: { a: 1 } } });
    await update(t, { state: { desired: { a: 2 } } });
    const err = await expectAwsError(updateCall(t, { state: { desired: { a: 3 } }, version: 1 }), ConflictException, 409);
    expect(err.message).toBe("Version conflict");
    expect((await get(t)).state.desired).toEqual({ a: 2 });
    expect((await update(t, { state: { desired: { a: 3 } }, version: 2 })).version).toBe(3);
  });

  it("limits desired + reported to 8 KB (413), metadata not counted", async () => {
    const t = thing();
    const big = "x".repeat(4500);
    await update(t, { state: { desired: { v: big } } });
    const err = await expectAwsError(updateCall(t, { state: { reported: { v: big } } }), RequestEntityTooLargeException, 413);
    expect(err.message).toBe("The payload exceeds the maximum size allowed");
    expect((await get(t)).state.reported).toBeUndefined();

    // Many short leaves: under 8 KB of state, but with metadata the document is far larger.
    const many: Record<string, number> = {};
    for (let i = 0; i < 600; i++) many[`k${i}`] = i;
    const u = thing();
    await update(u, { state: { reported: many } });
    const raw = (await data.send(new GetThingShadowCommand({ thingName: u }))).payload!;
    expect(raw.byteLength).toBeGreaterThan(8192);
  });

  it("allows 6 levels of nesting and rejects 7 (400)", async () => {
    const t = thing();
    await update(t, { state: { desired: { l1: { l2: { l3: { l4: { l5: { leaf: 1 } } } } } } } });
    const err = await expectAwsError(
      updateCall(t, { state: { desired: { l1: { l2: { l3: { l4: { l5: { l6: { leaf: 1 } } } } } } } } }),
      InvalidRequestException,
      400,
    );
    expect(err.message).toBe("JSON contains too many levels of nesting; maximum is 6");
  });

  it("answers the documented 400s and 415", async () => {
    const t = thing();
    const cases: Array<[unknown, string]> = [
      ["{not json", "Invalid JSON"],
      [{ desired: { a: 1 } }, "Missing required node: state"],
      [{ state: [1] }, "State node must be an object"],
      [{ state: { desired: "on" } }, "Desired node must be an object"],
      [{ state: { reported: [1] } }, "Reported node must be an object"],
      [{ state: { delta: { a: 1 } } }, "State contains an invalid node"],
      [{ state: { desired: { a: 1 } }, version: "x" }, "Invalid version"],
      [{ state: { desired: { a: 1 } }, clientToken: "c".repeat(65) }, "Invalid clientToken"],
    ];
    for (const [doc, message] of cases) {
      const err = await expectAwsError(updateCall(t, doc), InvalidRequestException, 400);
      expect(err.message).toBe(message);
    }
    await expectAwsError(
      data.send(new UpdateThingShadowCommand({ thingName: t, payload: Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]) })),
      UnsupportedDocumentEncodingException,
      415,
    );
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t })), ResourceNotFoundException, 404);
    // 64 bytes is fine.
    expect((await update(t, { state: { desired: { a: 1 } }, clientToken: "c".repeat(64) })).clientToken).toHaveLength(64);
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName: "bad/name" })), InvalidRequestException, 400);
  });
});

describe("hostile documents", () => {
  const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
  const nestedArrays = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
  const NESTING = "JSON contains too many levels of nesting; maximum is 6";

  it.each([10_000, 100_000])("refuses a document nested %i levels deep with 400, and goes on serving", async (levels) => {
    const t = thing();
    await update(t, { state: { desired: { keep: 1 } } });
    const bodies = [
      `{"state":{"desired":${nestedObjects(levels)}}}`,
      `{"state":{"reported":{"list":${nestedArrays(levels)}}}}`,
      `{"state":{"desired":{"ok":1},"reported":${nestedObjects(levels)}},"clientToken":"deep"}`,
    ];
    for (const body of bodies) {
      const err = await expectAwsError(updateCall(t, body), InvalidRequestException, 400);
      expect(err.message).toBe(NESTING);
      const named = await expectAwsError(updateCall(t, body, "cfg"), InvalidRequestException, 400);
      expect(named.message).toBe(NESTING);
    }
    // Nothing was written, and the emulator answers the next requests as before.
    const doc = await get(t);
    expect(doc.version).toBe(1);
    expect(doc.state.desired).toEqual({ keep: 1 });
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName: "cfg" })), ResourceNotFoundException, 404);
    expect((await update(t, { state: { reported: { keep: 1 } } })).version).toBe(2);
  });

  it("stores and returns keys named __proto__, constructor and prototype, with metadata and delta", async () => {
    const t = thing();
    const body = '{"state":{"desired":{"__proto__":{"x":1},"constructor":"c","prototype":[1]},"reported":{"__proto__":{"x":2,"y":3}}}}';
    const accepted = await update(t, JSON.parse(body));
    const ts = accepted.timestamp;
    // JSON.parse keeps `__proto__` as an own key; an object literal would not, so the
    // expected documents are parsed from text too.
    expect(accepted.state).toEqual(JSON.parse(body).state);
    expect(Object.keys(accepted.metadata.desired)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(accepted.metadata.desired.__proto__).toEqual({ x: { timestamp: ts } });
    expect(accepted.metadata.reported.__proto__).toEqual({ x: { timestamp: ts }, y: { timestamp: ts } });

    const doc = await get(t);
    expect(Object.keys(doc.state.desired)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(Object.keys(doc.state.reported)).toEqual(["__proto__"]);
    expect(doc.state.reported.__proto__).toEqual({ x: 2, y: 3 });
    expect(doc.state.delta).toEqual(JSON.parse('{"__proto__":{"x":1},"constructor":"c","prototype":[1]}'));
    expect(Object.keys(doc.state.delta)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(Object.getPrototypeOf(doc.state.delta)).toBe(Object.prototype);

    // A merge into the key, and removing it with null, work as for any other key.
    await update(t, JSON.parse('{"state":{"desired":{"__proto__":{"z":true}},"reported":{"__proto__":{"x":1}}}}'));
    const merged = await get(t);
    expect(merged.state.desired.__proto__).toEqual({ x: 1, z: true });
    expect(merged.state.reported.__proto__).toEqual({ x: 1, y: 3 });
    expect(merged.state.delta).toEqual(JSON.parse('{"__proto__":{"z":true},"constructor":"c","prototype":[1]}'));
    await update(t, JSON.parse('{"state":{"desired":{"__proto__":null}}}'));
    expect(Object.keys((await get(t)).state.desired)).toEqual(["constructor", "prototype"]);
  });
});

describe("delta", () => {
  it("carries every outstanding difference, nested paths kept, arrays compared whole", async () => {
    const t = thing();
    await update(t, { state: { reported: { fw: "1.0", cfg: { level: 1, mode: "a" }, list: [1, 2], extra: true } } });
    const d1 = await update(t, { state: { desired: { fw: "2.0" } } });
    const d2 = await update(t, { state: { desired: { cfg: { level: 2, mode: "a" }, list: [1, 2, 3], sameList: [1] } } });
    await update(t, { state: { reported: { sameList: [1] } } });

    let doc = await get(t);
    expect(doc.state.delta).toEqual({ fw: "2.0", cfg: { level: 2 }, list: [1, 2, 3] });
    expect(doc.metadata.delta).toBeUndefined();
    expect(doc.metadata.desired.fw).toEqual({ timestamp: d1.timestamp });
    expect(doc.metadata.desired.cfg.level).toEqual({ timestamp: d2.timestamp });

    // Reporting one of them leaves the others outstanding; a key removed from reported comes back.
    await update(t, { state: { reported: { fw: "2.0", list: [1, 2, 3] } } });
    doc = await get(t);
    expect(doc.state.delta).toEqual({ cfg: { level: 2 } });
    await update(t, { state: { reported: { cfg: { level: 2 } } } });
    expect((await get(t)).state.delta).toBeUndefined();
    await update(t, { state: { reported: { fw: null } } });
    expect((await get(t)).state.delta).toEqual({ fw: "2.0" });
  });

  it("copies a desired object whole when reported has another type", async () => {
    const t = thing();
    await update(t, { state: { desired: { net: { ssid: "a", dhcp: true } }, reported: { net: "down" } } });
    expect((await get(t)).state.delta).toEqual({ net: { ssid: "a", dhcp: true } });
  });
});

describe("classic and named shadows", () => {
  it("keeps ?name= shadows apart from the classic one", async () => {
    const t = thing();
    await update(t, { state: { desired: { which: "classic" } } });
    await update(t, { state: { desired: { which: "config" } } }, "config");
    await update(t, { state: { desired: { which: "config2" } } }, "config");
    expect((await get(t)).state.desired.which).toBe("classic");
    expect((await get(t)).version).toBe(1);
    const named = await get(t, "config");
    expect(named.state.desired.which).toBe("config2");
    expect(named.version).toBe(2);
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName: "other" })), ResourceNotFoundException, 404);
  });

  it("answers 404 with AWS's message for an unknown shadow", async () => {
    const t = thing();
    const classic = await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t })), ResourceNotFoundException, 404);
    expect(classic.message).toBe(`No shadow exists with name: '${t}'`);
    const named = await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t, shadowName: "cfg" })), ResourceNotFoundException, 404);
    expect(named.message).toBe(`No shadow exists with name: '${t}~cfg'`);
    await expectAwsError(data.send(new DeleteThingShadowCommand({ thingName: t, shadowName: "cfg" })), ResourceNotFoundException, 404);
  });

  it("lists named shadows only, in pages, and [] for an unknown thing", async () => {
    const t = thing();
    await update(t, { state: { reported: { a: 1 } } });
    for (const n of ["zeta", "alpha", "beta", "$meta", "gamma"]) await update(t, { state: { reported: { a: 1 } } }, n);
    await data.send(new DeleteThingShadowCommand({ thingName: t, shadowName: "gamma" }));

    const all = await data.send(new ListNamedShadowsForThingCommand({ thingName: t }));
    expect(all.results).toEqual(["$meta", "alpha", "beta", "zeta"]);
    expect(all.nextToken).toBeUndefined();
    expect(all.timestamp).toBeGreaterThanOrEqual(nowSec() - 5);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await data.send(new ListNamedShadowsForThingCommand({ thingName: t, pageSize: 3, nextToken }));
      seen.push(...(page.results ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(seen).toEqual(["$meta", "alpha", "beta", "zeta"]);
    expect(pages).toBe(2);

    expect((await data.send(new ListNamedShadowsForThingCommand({ thingName: "no-such-thing" }))).results).toEqual([]);
    await expectAwsError(data.send(new ListNamedShadowsForThingCommand({ thingName: t, pageSize: 101 })), InvalidRequestException, 400);
  });
});

describe("DeleteThingShadow", () => {
  it("deletes, answers {version, timestamp}, then 404; the version continues on re-create", async () => {
    const t = thing();
    for (let i = 0; i < 3; i++) await update(t, { state: { reported: { i } } });
    const out = decode((await data.send(new DeleteThingShadowCommand({ thingName: t }))).payload);
    expect(out).toEqual({ version: 3, timestamp: expect.any(Number) });
    expect(Math.abs(out.timestamp - nowSec())).toBeLessThanOrEqual(2);
    await expectAwsError(data.send(new GetThingShadowCommand({ thingName: t })), ResourceNotFoundException, 404);
    await expectAwsError(data.send(new DeleteThingShadowCommand({ thingName: t })), ResourceNotFoundException, 404);

    const again = await update(t, { state: { reported: { i: 0 } } });
    expect(again.version).toBe(4);
    expect((await get(t)).state).toEqual({ reported: { i: 0 } });
  });

  it("answers 405 MethodNotAllowedException for a verb the shadow path does not take", async () => {
    // The SDK has no command for this; a request signed for iotdata shows what any client gets.
    const res = await fetch(`${h.emulator.endpoint}/things/x/shadow`, {
      method: "PUT",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iotdata/aws4_request, SignedHeaders=host, Signature=0" },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("x-amzn-errortype")).toBe("MethodNotAllowedException");
    expect((await res.json()).message).toMatch(/PUT/);
  });
});

describe("Publish", () => {
  it("hands the payload to the MQTT broker (topic slashes, qos 1, retain)", async () => {
    const client = await connectClient(h.emulator.mqttPort, `shadow-test-observer-${process.pid}`);
    const got = new Promise<{ topic: string; payload: Buffer; qos: number }>((resolve) =>
      client.on("message", (topic, payload, packet) => resolve({ topic, payload, qos: packet.qos })),
    );
    await client.subscribeAsync("fleet/+/alerts", { qos: 1 });
    await data.send(new PublishCommand({ topic: "fleet/site-1/alerts", qos: 1, payload: new TextEncoder().encode('{"level":"high"}') }));
    const msg = await withTimeout(got, 3000);
    expect(msg.topic).toBe("fleet/site-1/alerts");
    expect(JSON.parse(msg.payload.toString())).toEqual({ level: "high" });
    expect(msg.qos).toBe(1);

    // A retained message reaches a later subscriber.
    await data.send(new PublishCommand({ topic: "fleet/retained", retain: true, payload: new TextEncoder().encode("kept") }));
    const late = await connectClient(h.emulator.mqttPort, `shadow-test-late-${process.pid}`);
    const retained = new Promise<string>((resolve) => late.on("message", (_t, p) => resolve(p.toString())));
    await late.subscribeAsync("fleet/retained");
    expect(await withTimeout(retained, 3000)).toBe("kept");

    await expectAwsError(data.send(new PublishCommand({ topic: "fleet/#", payload: new Uint8Array() })), InvalidRequestException, 400);
    await expectAwsError(data.send(new PublishCommand({ topic: "fleet/x", qos: 2, payload: new Uint8Array() })), InvalidRequestException, 400);
    await client.endAsync();
    await late.endAsync();
  });
});

describe("persistence", () => {
  it("finds shadows and deleted versions again after a restart on the same data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "emu-shadows-"));
    try {
      let p = await startHarness(IoTClient, { dataDir });
      let c = new IoTDataPlaneClient({ ...p.clientConfig, maxAttempts: 1 });
      const send = (thingName: string, doc: unknown, shadowName?: string) =>
        c.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));
      await send("p1", { state: { desired: { a: 1 }, reported: { a: 0 } } });
      await send("p1", { state: { desired: { b: [1, 2] } } }, "cfg");
      await send("p2", { state: { reported: { x: 1 } } });
      await send("p2", { state: { reported: { x: 2 } } });
      await c.send(new DeleteThingShadowCommand({ thingName: "p2" }));
      const before = decode((await c.send(new GetThingShadowCommand({ thingName: "p1" }))).payload);
      c.destroy();
      await p.stop();

      p = await startHarness(IoTClient, { dataDir });
      c = new IoTDataPlaneClient({ ...p.clientConfig, maxAttempts: 1 });
      const after = decode((await c.send(new GetThingShadowCommand({ thingName: "p1" }))).payload);
      expect({ ...after, timestamp: 0 }).toEqual({ ...before, timestamp: 0 });
      expect(decode((await c.send(new GetThingShadowCommand({ thingName: "p1", shadowName: "cfg" }))).payload).state.desired).toEqual({ b: [1, 2] });
      expect((await c.send(new ListNamedShadowsForThingCommand({ thingName: "p1" }))).results).toEqual(["cfg"]);
      await expectAwsError(c.send(new GetThingShadowCommand({ thingName: "p2" })), ResourceNotFoundException, 404);
      expect(decode((await send("p2", { state: { reported: { x: 3 } } })).payload).version).toBe(3);
      c.destroy();
      await p.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("onChange (what the fleet index follows)", () => {
  it("fires after each REST update and delete with the stored document", async () => {
    const svc = createIotDataService({ store: new Store(":memory:") });
    const server = createHttpServer({
      services: [{ ...iotDataService, routes: svc.router, router: () => svc.router }],
      faults: new FaultInjector(),
      admin: new Router(),
      region: "us-east-1",
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const c = new IoTDataPlaneClient({ ...h.clientConfig, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxAttempts: 1 });
    const changes: ShadowChange[] = [];
    svc.shadows.onChange((ch) => changes.push(ch));
    try {
      await c.send(
        new UpdateThingShadowCommand({
          thingName: "w",
          shadowName: "cfg",
          payload: new TextEncoder().encode('{"state":{"desired":{"a":1}},"clientToken":"k"}'),
        }),
      );
      await c.send(new UpdateThingShadowCommand({ thingName: "w", shadowName: "cfg", payload: new TextEncoder().encode('{"state":{"reported":{"a":1}}}') }));
      const got = decode((await c.send(new GetThingShadowCommand({ thingName: "w", shadowName: "cfg" }))).payload);
      await c.send(new DeleteThingShadowCommand({ thingName: "w", shadowName: "cfg" }));

      expect(changes).toHaveLength(3);
      expect(changes[0]).toMatchObject({ thingName: "w", shadowName: "cfg", clientToken: "k", shadow: { version: 1, state: { desired: { a: 1 } } } });
      expect(changes[1].previous).toBe(changes[0].shadow);
      // In sync, so GET has no delta: the change carries exactly what GET shows.
      expect(got.state).toEqual({ desired: { a: 1 }, reported: { a: 1 } });
      expect(changes[1].shadow).toEqual({
        thingName: "w",
        shadowName: "cfg",
        state: got.state,
        metadata: got.metadata,
        version: 2,
        timestamp: expect.any(Number),
      });
      expect(changes[2]).toMatchObject({ thingName: "w", shadowName: "cfg", shadow: null, previous: { version: 2 } });
      expect(svc.shadows.get("w", "cfg")).toBeUndefined();
    } finally {
      c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

async function connectClient(port: number, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId, reconnectPeriod: 0, protocolVersion: 4 });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  return client;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}

describe("registry fidelity (issue 11)", () => {
  it("keeps empty objects as written, with {} as their metadata, and lists them in the delta", async () => {
    const t = thing();
    const accepted = await update(t, { state: { reported: { b: { c: {} } }, desired: { a: {} } } });
    expect(accepted.state).toEqual({ reported: { b: { c: {} } }, desired: { a: {} } });
    const doc = await get(t);
    expect(doc.state.reported).toEqual({ b: { c: {} } });
    expect(doc.state.desired).toEqual({ a: {} });
    expect(doc.metadata.reported).toEqual({ b: { c: {} } });
    // desired {} where reported lacks the key is outstanding; reported {"a":5} keeps it so.
    expect(doc.state.delta).toEqual({ a: {} });
    await update(t, { state: { reported: { a: 5 } } });
    expect((await get(t)).state.delta).toEqual({ a: {} });
    await update(t, { state: { reported: { a: { x: 1 } } } });
    expect((await get(t)).state.delta).toBeUndefined();
  });

  it('answers {"state": null} with state: null and only a timestamp in metadata, and clears both sections', async () => {
    const t = thing();
    await update(t, { state: { desired: { a: 1 }, reported: { b: 2 } } });
    const accepted = await update(t, { state: null, clientToken: "tok" });
    expect(accepted.state).toBeNull();
    expect(accepted.metadata).toEqual({ timestamp: accepted.timestamp });
    expect(accepted.version).toBe(2);
    expect(accepted.clientToken).toBe("tok");
    const doc = await get(t);
    expect(doc.state.desired).toBeUndefined();
    expect(doc.state.reported).toBeUndefined();
    expect(doc.version).toBe(2);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { startEmulator, type RunningEmulator } from "../emulator/emulator";
import { AgentShadows, mqttLink, newShadowStats, type AgentTimers, type ShadowLink, type ShadowSettings } from "./agent-shadow";
import { AGENT_FAILURES, type AgentBehaviour, type JsonObject } from "./shadow-apply";
import { Rng } from "./rng";

/**
 * The agent's side of the Device Shadow MQTT protocol against the real in-process emulator:
 * the agent's /get and /update go over a real MQTT connection, desired changes are made
 * through the real REST API (UpdateThingShadow), and what the agent sent and what the
 * service holds are read back from the wire and from GetThingShadow.
 *
 * Only the agent's time is stepped by the test (its apply, lag, health and retry delays);
 * the emulator, MQTT and HTTP run in real time. After each step the test waits until every
 * request the agent made has had its last answer (`update/documents`, `…/rejected` or
 * `get/accepted`, matched by client token), so "nothing was sent" means nothing, not
 * "nothing yet". Expected values are written out by hand.
 */

const settings: ShadowSettings = { applyDelayMs: 1000, lagDelayMs: 60_000, lagPercent: 0, failPercent: 0, ignorePercent: 0, healthIntervalMs: 0 };
const normal: AgentBehaviour = { kind: "normal", ignores: { classic: [], config: [] } };
const initial = {
  policy: { mode: "prevent", cloudLookup: true },
  blocklist: { version: 1, entries: 15_003 },
  health: { status: "healthy", cpuPercent: 5, memoryMb: 100 },
  os: { uptimeHours: 3 },
};
const initialConfig = { logLevel: "info", telemetryIntervalSeconds: 300 };
const OPS = ["get/accepted", "get/rejected", "update/delta", "update/accepted", "update/rejected"];
/** A request's last message: after it the service sends nothing more for that request. */
const LAST = /\/(get\/accepted|get\/rejected|update\/rejected|update\/documents)$/;

let emulator: RunningEmulator;
let data: IoTDataPlaneClient;
beforeAll(async () => {
  emulator = await startEmulator({ host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir: ":memory:", region: "us-east-1", accountId: "000000000000" });
  data = new IoTDataPlaneClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  data?.destroy();
  await emulator?.close();
});

/** The agent's clock and timers, stepped by the test. */
class AgentClock implements AgentTimers {
  now = Date.now();
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.due.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => void this.due.delete(handle as number);
  /** Takes the earliest timer due by `until` (of equal ones, the first set). */
  take(until: number): { at: number; fn: () => void } | undefined {
    let best: [number, { at: number; fn: () => void }] | undefined;
    for (const [id, t] of this.due) if (t.at <= until && (!best || t.at < best[1].at)) best = [id, t];
    if (best) this.due.delete(best[0]);
    return best?.[1];
  }
}

interface Msg {
  topic: string;
  body: JsonObject;
}

interface LinkOptions {
  /** Nothing the agent publishes gets through. */
  drop?: boolean;
  /** Hides `update/accepted` of updates the agent did not make (a service that publishes it only to the requester). */
  onlyOwnAccepted?: boolean;
  /** Replaces what goes on the wire for a publish (undefined: as the agent wrote it). */
  rewrite?: (doc: JsonObject) => JsonObject | undefined;
}

type TestLink = ShadowLink & { inject(topic: string, doc: JsonObject): void };

/** One MQTT connection of the agent, recording what arrives on it. */
class Wire {
  readonly received: Msg[] = [];
  /** Client tokens whose last message has not arrived. */
  readonly waiting = new Set<string>();
  readonly subscribing = new Set<Promise<void>>();
  private wake?: () => void;

  constructor(
    readonly client: MqttClient,
    private readonly t: Trace,
  ) {
    client.on("message", (topic, payload) => {
      const body = JSON.parse(payload.toString("utf8")) as JsonObject;
      this.received.push({ topic, body });
      if (LAST.test(topic) && typeof body.clientToken === "string") this.waiting.delete(body.clientToken);
      this.wake?.();
    });
  }

  on(topic: string): JsonObject[] {
    return this.received.filter((m) => m.topic === topic).map((m) => m.body);
  }

  link(opts: LinkOptions = {}): TestLink {
    const real = mqttLink(this.client);
    const t = this.t;
    let handler: ((topic: string, payload: Buffer) => void) | undefined;
    return {
      subscribe: (topics) => {
        t.subscribed.push(...topics);
        const p = real.subscribe(topics);
        const tracked = p.catch(() => undefined).finally(() => this.subscribing.delete(tracked));
        this.subscribing.add(tracked);
        return p;
      },
      publish: (topic, payload) => {
        const doc = JSON.parse(payload) as JsonObject;
        if (opts.drop) return void t.dropped.push({ topic, body: doc });
        t.sent.push({ topic, body: doc });
        if (typeof doc.clientToken === "string") this.waiting.add(doc.clientToken);
        const wire = opts.rewrite?.(doc);
        real.publish(topic, wire ? JSON.stringify(wire) : payload);
      },
      onMessage: (h) => {
        handler = h;
        const stop = real.onMessage((topic, payload) => {
          if (opts.onlyOwnAccepted && topic.endsWith("/update/accepted")) {
            const token = (JSON.parse(payload.toString("utf8")) as JsonObject).clientToken;
            if (!t.sent.some((s) => s.body.clientToken === token)) return;
          }
          h(topic, payload);
        });
        return () => {
          handler = undefined;
          stop();
        };
      },
      inject: (topic, doc) => handler?.(topic, Buffer.from(JSON.stringify(doc))),
    };
  }

  /** Until every request on this connection has had its last answer. */
  async settle(): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await Promise.all([...this.subscribing]);
      await new Promise((r) => setImmediate(r));
      if (this.waiting.size === 0 && this.subscribing.size === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no last answer for ${[...this.waiting].join(", ")}; got: ${this.received.map((m) => m.topic).join(", ")}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, Math.min(left, 50));
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  }
}

let seq = 0;

/** One test's thing, its agent's clock, and everything the agent sent. */
class Trace {
  readonly thing = `agent-proto-${process.pid}-${++seq}`;
  readonly classic = `$aws/things/${this.thing}/shadow`;
  readonly config = `${this.classic}/name/config`;
  readonly clock = new AgentClock();
  /** What the agent published that went on the wire, in order. */
  readonly sent: Msg[] = [];
  readonly dropped: Msg[] = [];
  readonly subscribed: string[] = [];
  wire?: Wire;
  private connections = 0;
  private restSeq = 0;

  /** A new MQTT connection (the last one is closed first). */
  async connect(): Promise<Wire> {
    this.disconnect();
    const client = await mqtt.connectAsync(emulator.mqttUrl, { clientId: `${this.thing}-${++this.connections}`, reconnectPeriod: 0, protocolVersion: 4 });
    const wire = new Wire(client, this);
    // The test's own subscription: the last message of every accepted update.
    await client.subscribeAsync([`${this.classic}/update/documents`, `${this.config}/update/documents`], { qos: 1 });
    this.wire = wire;
    return wire;
  }

  disconnect(): void {
    this.wire?.client.end(true);
    this.wire = undefined;
  }

  async attach(a: AgentShadows, opts: LinkOptions = {}): Promise<TestLink> {
    const wire = this.wire ?? (await this.connect());
    const link = wire.link(opts);
    a.attach(link);
    return link;
  }

  /** Steps the agent's time by `ms`, letting the network answer after every timer. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.now + ms;
    await this.wire?.settle();
    for (let t = this.clock.take(until); t; t = this.clock.take(until)) {
      this.clock.now = t.at;
      t.fn();
      await this.wire?.settle();
    }
    this.clock.now = until;
  }

  prefix(shadow: "classic" | "config"): string {
    return shadow === "classic" ? this.classic : this.config;
  }

  /** UpdateThingShadow through the REST API; its notifications reach the agent's connection before this returns. */
  async rest(shadow: "classic" | "config", state: { desired?: JsonObject | null; reported?: JsonObject }): Promise<JsonObject> {
    const clientToken = `rest-${++this.restSeq}`;
    this.wire?.waiting.add(clientToken);
    const payload = new TextEncoder().encode(JSON.stringify({ state, clientToken }));
    const out = await data.send(new UpdateThingShadowCommand({ thingName: this.thing, shadowName: shadow === "config" ? "config" : undefined, payload }));
    await this.wire?.settle();
    return JSON.parse(new TextDecoder().decode(out.payload)) as JsonObject;
  }

  /** GetThingShadow through the REST API. */
  async shadow(
    shadow: "classic" | "config" = "classic",
  ): Promise<{ state: { desired?: JsonObject; reported?: JsonObject; delta?: JsonObject }; version: number }> {
    const out = await data.send(new GetThingShadowCommand({ thingName: this.thing, shadowName: shadow === "config" ? "config" : undefined }));
    return JSON.parse(new TextDecoder().decode(out.payload));
  }

  updates(): Msg[] {
    return this.sent.filter((s) => s.topic.endsWith("/update"));
  }

  reportsTo(shadow: "classic" | "config"): JsonObject[] {
    return this.sent.filter((s) => s.topic === `${this.prefix(shadow)}/update`).map((s) => (s.body.state as JsonObject).reported as JsonObject);
  }
}

let t: Trace;
const agents: AgentShadows[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.detach();
  t?.disconnect();
});

function agent(behaviour: AgentBehaviour = normal, extra: Partial<ShadowSettings> = {}, config = false) {
  t = new Trace();
  const stats = newShadowStats();
  const a = new AgentShadows(t.thing, {
    behaviour,
    settings: { ...settings, ...extra },
    rng: new Rng(1),
    initial: { classic: initial, config: config ? initialConfig : undefined },
    config,
    stats,
    now: () => t.clock.now,
    timers: t.clock,
  });
  agents.push(a);
  return { a, stats };
}

/** 4,200 characters: alone in desired it fits, copied to reported desired + reported pass 8 KB. */
const TOO_BIG_TO_REPORT = "x".repeat(4_200);
/** The service finds no report built from accepted desired state malformed; this stands in for one (its `version` is invalid). */
const malformedWhen = (mode: string) => (doc: JsonObject) => {
  const reported = (doc.state as JsonObject | undefined)?.reported as JsonObject | undefined;
  return (reported?.policy as JsonObject | undefined)?.mode === mode ? { ...doc, version: -1 } : undefined;
};

describe("AgentShadows against the emulator", () => {
  it("subscribes to its shadow topics (classic and config), then asks for its shadows with a client token", async () => {
    const { a } = agent(normal, {}, true);
    await t.rest("classic", { reported: initial });
    await t.rest("config", { reported: { logLevel: "info" } });
    await t.attach(a);
    await t.advance(0);
    expect([...t.subscribed].sort()).toEqual([...OPS.map((op) => `${t.classic}/${op}`), ...OPS.map((op) => `${t.config}/${op}`)].sort());
    expect(t.sent.map((s) => s.topic)).toEqual([`${t.classic}/get`, `${t.config}/get`]);
    for (const s of t.sent) expect(Object.keys(s.body)).toEqual(["clientToken"]);
    // Each answer came on get/accepted of its shadow, with the token of its request.
    expect(t.wire!.on(`${t.classic}/get/accepted`).map((b) => b.clientToken)).toEqual([t.sent[0].body.clientToken]);
    expect(t.wire!.on(`${t.config}/get/accepted`).map((b) => b.clientToken)).toEqual([t.sent[1].body.clientToken]);
    expect(a.reported()).toEqual(initial);
    expect(a.reported("config")).toEqual({ logLevel: "info" });
    expect(t.updates()).toEqual([]);
  });

  it("applies a delta after its delay and reports only the keys applied, with unique client tokens and no version", async () => {
    const { a, stats } = agent();
    await t.rest("classic", { reported: initial, desired: { policy: { mode: "prevent" } } });
    await t.attach(a);
    await t.advance(0);
    await t.rest("classic", { desired: { policy: { mode: "detect" } } });
    await t.advance(400);
    expect(t.updates()).toEqual([]); // not before the delay (1000 ms ± 50%)
    await t.advance(1200);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" } }]);
    expect((await t.shadow()).state.delta).toBeUndefined();
    expect(stats.applied).toBe(1);

    await t.rest("classic", { desired: { blocklist: { version: 2 } } });
    await t.advance(2000);
    expect(t.reportsTo("classic")[1]).toEqual({ blocklist: { version: 2, entries: 15_006 } });
    const doc = await t.shadow();
    expect(doc.state.reported).toEqual({ ...initial, policy: { mode: "detect", cloudLookup: true }, blocklist: { version: 2, entries: 15_006 } });
    expect(doc.state.delta).toBeUndefined();

    // An update is `{state: {reported}, clientToken}`: no version (the agent does not lock).
    for (const u of t.updates()) expect(Object.keys(u.body).sort()).toEqual(["clientToken", "state"]);
    const tokens = t.sent.map((u) => u.body.clientToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((tok) => typeof tok === "string" && tok.length <= 64)).toBe(true);
    // Both reports were accepted, each answered with its own token.
    const own = new Set(t.updates().map((u) => u.body.clientToken));
    expect(
      t
        .wire!.on(`${t.classic}/update/accepted`)
        .filter((b) => own.has(b.clientToken))
        .map((b) => b.clientToken),
    ).toEqual([...own]);
    expect(t.wire!.on(`${t.classic}/update/rejected`)).toEqual([]);
  });

  it("applies an outstanding delta from the /get answer (catching up after being offline)", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial, desired: { policy: { mode: "detect" }, blocklist: { version: 1 } } });
    await t.attach(a);
    await t.advance(2000);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" } }]);
  });

  it("lets a newer delta supersede a pending one, and does not report a value no longer desired", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial });
    await t.attach(a);
    await t.advance(0);
    await t.rest("classic", { desired: { blocklist: { version: 5 } } });
    await t.advance(100);
    await t.rest("classic", { desired: { blocklist: { version: 6 }, policy: { cloudLookup: false } } });
    await t.advance(100);
    await t.rest("classic", { desired: { policy: { cloudLookup: true } } }); // back to what is reported: no delta for it
    await t.advance(3000);
    expect(t.reportsTo("classic")).toEqual([{ blocklist: { version: 6, entries: 15_018 } }]);
    expect((await t.shadow()).state.delta).toBeUndefined();
  });

  it("does not report a value no longer desired when only deltas tell it (no update/accepted for others' updates)", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial });
    await t.attach(a, { onlyOwnAccepted: true });
    await t.advance(0);
    await t.rest("classic", { desired: { blocklist: { version: 6 }, policy: { cloudLookup: false, mode: "detect" } } });
    await t.advance(100);
    await t.rest("classic", { desired: { policy: { cloudLookup: true, mode: null } } });
    await t.advance(3000);
    expect(t.reportsTo("classic")).toEqual([{ blocklist: { version: 6, entries: 15_018 } }]);
    expect((await t.shadow()).state.delta).toBeUndefined();
  });

  it("ignores a delta older than what it knows", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial });
    await t.rest("classic", { desired: { policy: { mode: "prevent" } } }); // agrees with reported: no delta
    const link = await t.attach(a);
    await t.advance(0);
    expect((await t.shadow()).version).toBe(2);
    link.inject(`${t.classic}/update/delta`, { state: { policy: { mode: "detect" } }, version: 1 });
    await t.advance(3000);
    expect(t.updates()).toEqual([]);
  });

  it("lags: a lagging agent applies only after its lag delay", async () => {
    const { a } = agent({ kind: "lagging", ignores: { classic: [], config: [] } });
    await t.rest("classic", { reported: initial, desired: { policy: { mode: "detect" } } });
    await t.attach(a);
    await t.advance(29_000);
    expect(t.updates()).toEqual([]);
    await t.advance(62_000);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" } }]);
  });

  it("fails: reports a lastError once and does not apply, even when the service resends the delta", async () => {
    const behaviour: AgentBehaviour = { kind: "failing", ignores: { classic: [], config: [] }, failure: AGENT_FAILURES[0] };
    const { a, stats } = agent(behaviour, { healthIntervalMs: 5_000 });
    await t.rest("classic", { reported: initial, desired: { blocklist: { version: 9 } } });
    await t.attach(a);
    await t.advance(30_000); // each health report makes the service send the delta again
    expect(t.wire!.on(`${t.classic}/update/delta`).length).toBeGreaterThan(2);
    const reports = t.reportsTo("classic");
    const errors = reports.filter((r) => r.lastError);
    expect(errors).toHaveLength(1);
    expect(errors[0].lastError).toMatchObject({ code: "DISK_FULL", message: "not enough disk space to stage the change", keys: ["blocklist.version"] });
    expect(typeof (errors[0].lastError as JsonObject).at).toBe("number");
    expect(reports.some((r) => r.blocklist)).toBe(false);
    expect((await t.shadow()).state.delta).toEqual({ blocklist: { version: 9 } });
    expect(stats.failed).toBe(1);
    expect(stats.healthReports).toBeGreaterThan(1);
  });

  it.each([
    { code: 413, mode: TOO_BIG_TO_REPORT, rewrite: undefined },
    { code: 400, mode: "detect", rewrite: malformedWhen("detect") },
  ])("takes back a report rejected with $code, says so once in lastError and does not send it again", async ({ code, mode, rewrite }) => {
    const { a, stats } = agent(normal, { healthIntervalMs: 5_000 });
    await t.rest("classic", { reported: initial });
    await t.attach(a, { rewrite });
    await t.advance(0);
    const start = Math.floor(t.clock.now / 1000);
    await t.rest("classic", { desired: { policy: { mode } } });
    await t.advance(60_000); // each health report makes the service send the delta again
    const reports = t.reportsTo("classic");
    expect(reports.filter((r) => r.policy)).toEqual([{ policy: { mode } }]);
    const rejected = t.wire!.on(`${t.classic}/update/rejected`);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      code,
      clientToken: t.updates().find((u) => ((u.body.state as JsonObject).reported as JsonObject).policy)!.body.clientToken,
    });
    const errors = reports.filter((r) => r.lastError);
    expect(errors).toHaveLength(1);
    const lastError = errors[0].lastError as JsonObject;
    expect(lastError).toMatchObject({ code: "REPORT_REJECTED", keys: ["policy.mode"] });
    expect(lastError.message).toContain(String(code));
    expect(lastError.message).toContain(rejected[0].message as string);
    expect(lastError.at).toBeGreaterThanOrEqual(start);
    expect(lastError.at).toBeLessThanOrEqual(Math.floor(t.clock.now / 1000));
    // The agent's reported state is what the service holds: the old mode, the error, the key still pending.
    const doc = await t.shadow();
    expect((a.reported()!.policy as JsonObject).mode).toBe("prevent");
    expect(a.reported()).toEqual(doc.state.reported);
    expect(doc.state.delta).toEqual({ policy: { mode } });
    expect(stats.rejected).toBe(1);
    expect(stats.healthReports).toBeGreaterThan(3);
  });

  it("tries a later delta with other desired values after a rejected report", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial });
    await t.attach(a, { rewrite: malformedWhen("detect") });
    await t.advance(0);
    await t.rest("classic", { desired: { policy: { mode: "detect" } } });
    await t.advance(5_000);
    expect(a.reported()!.lastError).toBeDefined();
    await t.rest("classic", { desired: { policy: { mode: "learn" } } });
    await t.advance(5_000);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" } }, { lastError: expect.any(Object) }, { policy: { mode: "learn" }, lastError: null }]);
    const doc = await t.shadow();
    expect(doc.state.reported).toEqual({ ...initial, policy: { mode: "learn", cloudLookup: true } });
    expect(doc.state.delta).toBeUndefined();
    expect(a.reported()).toEqual(doc.state.reported);
  });

  it("ignores settings it does not know: the rest is applied, the key stays pending", async () => {
    const { a } = agent({ kind: "ignoring", ignores: { classic: ["policy.cloudLookup"], config: ["telemetryIntervalSeconds"] } }, {}, true);
    await t.rest("classic", { reported: initial });
    await t.rest("config", { reported: initialConfig });
    await t.attach(a);
    await t.advance(0);
    await t.rest("classic", { desired: { policy: { cloudLookup: false, mode: "detect" } } });
    await t.rest("config", { desired: { telemetryIntervalSeconds: 60, logLevel: "debug" } });
    await t.advance(5000);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" } }]);
    expect(t.reportsTo("config")).toEqual([{ logLevel: "debug" }]);
    expect((await t.shadow()).state.delta).toEqual({ policy: { cloudLookup: false } });
    expect((await t.shadow("config")).state.delta).toEqual({ telemetryIntervalSeconds: 60 });
  });

  it("writes its state when its shadow does not exist", async () => {
    const { a } = agent(normal, {}, true);
    await t.attach(a);
    await t.advance(0);
    const [getClassic, getConfig] = t.sent.filter((s) => s.topic.endsWith("/get"));
    expect(t.wire!.on(`${t.classic}/get/rejected`)).toMatchObject([{ code: 404, clientToken: getClassic.body.clientToken }]);
    expect(t.wire!.on(`${t.config}/get/rejected`)).toMatchObject([{ code: 404, clientToken: getConfig.body.clientToken }]);
    expect((await t.shadow()).state.reported).toEqual(initial);
    expect((await t.shadow("config")).state.reported).toEqual(initialConfig);
  });

  it("does nothing while detached, and catches up on the next attach", async () => {
    const { a } = agent();
    await t.rest("classic", { reported: initial });
    await t.attach(a);
    await t.advance(0);
    await t.rest("classic", { desired: { policy: { mode: "detect" } } });
    await t.advance(10);
    a.detach(); // offline before the delay is up
    t.disconnect();
    await t.advance(5000);
    expect(t.updates()).toEqual([]);
    await t.rest("classic", { desired: { blocklist: { version: 3 } } });
    await t.attach(a); // a new connection
    await t.advance(2000);
    expect(t.reportsTo("classic")).toEqual([{ policy: { mode: "detect" }, blocklist: { version: 3, entries: 15_009 } }]);
  });

  it("asks again when /get is not answered", async () => {
    const { a } = agent();
    await t.attach(a, { drop: true }); // nothing gets through
    await t.advance(0);
    a.detach();
    t.dropped.length = 0;
    await t.attach(a, { drop: true });
    await t.advance(100_000);
    const gets = t.dropped.filter((m) => m.topic === `${t.classic}/get`).length;
    expect(gets).toBeGreaterThanOrEqual(2);
    expect(gets).toBeLessThanOrEqual(3);
  });

  it("reports health now and then, only after it knows its state", async () => {
    const { a, stats } = agent(normal, { healthIntervalMs: 60_000 });
    await t.rest("classic", { reported: initial });
    await t.attach(a);
    await t.advance(10 * 60_000);
    expect(stats.healthReports).toBeGreaterThanOrEqual(7);
    expect(stats.healthReports).toBeLessThanOrEqual(20);
    const reports = t.reportsTo("classic");
    expect(reports.length).toBe(stats.healthReports);
    for (const r of reports) expect(Object.keys(r).every((k) => k === "health" || k === "os")).toBe(true);
    expect(t.wire!.on(`${t.classic}/update/rejected`)).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentShadows, newShadowStats, type ShadowLink, type ShadowSettings } from "./agent-shadow";
import { AGENT_FAILURES, getPath, isObject, mergeState, shadowDelta, type AgentBehaviour, type JsonObject } from "./shadow-apply";
import { Rng } from "./rng";

/**
 * The agent's side of the shadow protocol against a small stand-in for the AWS Device
 * Shadow service (developer guide, "Device Shadow service MQTT topics" and "documents"):
 * /get answered on get/accepted (with the delta) or get/rejected 404, /update answered on
 * update/accepted and, while desired and reported differ, update/delta with all the
 * differences. Messages are delivered asynchronously, as over a connection.
 */
class FakeShadowService {
  shadows = new Map<string, { desired: JsonObject; reported: JsonObject; version: number }>();
  updates: Array<{ prefix: string; doc: JsonObject }> = [];
  gets: string[] = [];
  private subscribers = new Set<(topic: string, payload: Buffer) => void>();
  subscribed: string[] = [];

  link(): ShadowLink {
    return {
      subscribe: async (topics) => {
        this.subscribed.push(...topics);
      },
      publish: (topic, payload) => queueMicrotask(() => this.receive(topic, JSON.parse(payload) as JsonObject)),
      onMessage: (handler) => {
        this.subscribers.add(handler);
        return () => this.subscribers.delete(handler);
      },
    };
  }

  /** Refuses a device's /update (e.g. 400 or 413) when it returns an error: the shadow stays as it was. */
  reject?: (doc: JsonObject) => { code: number; message: string } | undefined;

  /** Whether updates from outside are published on update/accepted too (AWS does). */
  acceptedForRest = true;

  /** An update from outside (the REST API): accepted + delta to the device's topics. */
  restUpdate(prefix: string, state: { desired?: JsonObject | null; reported?: JsonObject }): void {
    this.update(prefix, { state }, this.acceptedForRest);
  }

  state(prefix: string) {
    return this.shadows.get(prefix);
  }

  private emit(topic: string, doc: JsonObject): void {
    const payload = Buffer.from(JSON.stringify(doc));
    queueMicrotask(() => {
      for (const s of this.subscribers) s(topic, payload);
    });
  }

  private receive(topic: string, doc: JsonObject): void {
    const prefix = topic.replace(/\/(get|update)$/, "");
    if (topic.endsWith("/get")) {
      this.gets.push(prefix);
      const s = this.shadows.get(prefix);
      if (!s) return this.emit(`${prefix}/get/rejected`, { code: 404, message: "No shadow exists", clientToken: doc.clientToken });
      const delta = shadowDelta(s.desired, s.reported);
      this.emit(`${prefix}/get/accepted`, {
        state: { desired: s.desired, reported: s.reported, ...(delta ? { delta } : {}) },
        version: s.version,
        timestamp: 1,
        clientToken: doc.clientToken,
      });
    } else {
      this.updates.push({ prefix, doc });
      const error = this.reject?.(doc);
      if (error) return this.emit(`${prefix}/update/rejected`, { ...error, timestamp: 1, clientToken: doc.clientToken });
      this.update(prefix, doc);
    }
  }

  private update(prefix: string, doc: JsonObject, accepted = true): void {
    const state = doc.state as { desired?: JsonObject | null; reported?: JsonObject };
    const s = this.shadows.get(prefix) ?? { desired: {}, reported: {}, version: 0 };
    if (state.desired === null) s.desired = {};
    else if (isObject(state.desired)) s.desired = mergeState(s.desired, state.desired);
    if (isObject(state.reported)) s.reported = mergeState(s.reported, state.reported);
    s.version++;
    this.shadows.set(prefix, s);
    if (accepted) this.emit(`${prefix}/update/accepted`, { state, version: s.version, timestamp: 1, clientToken: doc.clientToken });
    const delta = shadowDelta(s.desired, s.reported);
    if (delta) this.emit(`${prefix}/update/delta`, { state: delta, version: s.version, timestamp: 1 });
  }
}

const THING = "agent-test-0001";
const CLASSIC = `$aws/things/${THING}/shadow`;
const CONFIG = `${CLASSIC}/name/config`;
const settings: ShadowSettings = { applyDelayMs: 1000, lagDelayMs: 60_000, lagPercent: 0, failPercent: 0, ignorePercent: 0, healthIntervalMs: 0 };
const normal: AgentBehaviour = { kind: "normal", ignores: { classic: [], config: [] } };
const initial = { policy: { mode: "prevent", cloudLookup: true }, blocklist: { version: 1, entries: 15_003 }, health: { status: "healthy", cpuPercent: 5, memoryMb: 100 }, os: { uptimeHours: 3 } };

let svc: FakeShadowService;
beforeEach(() => {
  vi.useFakeTimers();
  svc = new FakeShadowService();
});
afterEach(() => {
  vi.useRealTimers();
});

function agent(behaviour: AgentBehaviour = normal, extra: Partial<ShadowSettings> = {}, config = false) {
  const stats = newShadowStats();
  const a = new AgentShadows(THING, {
    behaviour,
    settings: { ...settings, ...extra },
    rng: new Rng(1),
    initial: { classic: initial, config: config ? { logLevel: "info", telemetryIntervalSeconds: 300 } : undefined },
    config,
    stats,
    now: () => Date.now(),
  });
  return { a, stats };
}

const reportsTo = (prefix: string) => svc.updates.filter((u) => u.prefix === prefix).map((u) => (u.doc.state as JsonObject).reported);

describe("AgentShadows", () => {
  it("subscribes to its shadow topics (classic and config), then asks for its shadows", async () => {
    const { a } = agent(normal, {}, true);
    svc.restUpdate(CLASSIC, { reported: initial });
    svc.restUpdate(CONFIG, { reported: { logLevel: "info" } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    for (const p of [CLASSIC, CONFIG]) {
      for (const op of ["get/accepted", "get/rejected", "update/delta", "update/accepted", "update/rejected"]) expect(svc.subscribed).toContain(`${p}/${op}`);
    }
    expect(svc.subscribed).not.toContain(`${CLASSIC}/update/documents`);
    expect(svc.gets).toEqual([CLASSIC, CONFIG]);
    expect(a.reported()).toEqual(initial);
    expect(svc.updates).toEqual([]);
  });

  it("applies a delta after its delay and reports only the keys applied, with unique client tokens", async () => {
    const { a, stats } = agent();
    svc.restUpdate(CLASSIC, { reported: initial, desired: { policy: { mode: "prevent" } } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { policy: { mode: "detect" } } });
    await vi.advanceTimersByTimeAsync(400);
    expect(svc.updates).toEqual([]); // not before the delay (1000 ms ± 50%)
    await vi.advanceTimersByTimeAsync(1200);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" } }]);
    expect(shadowDelta(svc.state(CLASSIC)!.desired, svc.state(CLASSIC)!.reported)).toBeUndefined();
    expect(stats.applied).toBe(1);

    svc.restUpdate(CLASSIC, { desired: { blocklist: { version: 2 } } });
    await vi.advanceTimersByTimeAsync(2000);
    expect(reportsTo(CLASSIC)[1]).toEqual({ blocklist: { version: 2, entries: 15_006 } });
    const tokens = svc.updates.map((u) => u.doc.clientToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((t) => typeof t === "string" && t.length <= 64)).toBe(true);
  });

  it("applies an outstanding delta from the /get answer (catching up after being offline)", async () => {
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial, desired: { policy: { mode: "detect" }, blocklist: { version: 1 } } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(2000);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" } }]);
  });

  it("lets a newer delta supersede a pending one, and does not report a value no longer desired", async () => {
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { blocklist: { version: 5 } } });
    await vi.advanceTimersByTimeAsync(100);
    svc.restUpdate(CLASSIC, { desired: { blocklist: { version: 6 }, policy: { cloudLookup: false } } });
    await vi.advanceTimersByTimeAsync(100);
    svc.restUpdate(CLASSIC, { desired: { policy: { cloudLookup: true } } }); // back to what is reported: no delta for it
    await vi.advanceTimersByTimeAsync(3000);
    expect(reportsTo(CLASSIC)).toEqual([{ blocklist: { version: 6, entries: 15_018 } }]);
    expect(shadowDelta(svc.state(CLASSIC)!.desired, svc.state(CLASSIC)!.reported)).toBeUndefined();
  });

  it("does not report a value no longer desired when only deltas tell it (no update/accepted for others' updates)", async () => {
    svc.acceptedForRest = false;
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { blocklist: { version: 6 }, policy: { cloudLookup: false, mode: "detect" } } });
    await vi.advanceTimersByTimeAsync(100);
    svc.restUpdate(CLASSIC, { desired: { policy: { cloudLookup: true, mode: null } } });
    await vi.advanceTimersByTimeAsync(3000);
    expect(reportsTo(CLASSIC)).toEqual([{ blocklist: { version: 6, entries: 15_018 } }]);
  });

  it("ignores a delta older than what it knows", async () => {
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial });
    const link = svc.link();
    let deliver!: (topic: string, payload: Buffer) => void;
    const spy = { ...link, onMessage: (h: (t: string, p: Buffer) => void) => ((deliver = h), link.onMessage(h)) };
    a.attach(spy);
    await vi.advanceTimersByTimeAsync(0);
    const v = svc.state(CLASSIC)!.version;
    deliver(`${CLASSIC}/update/delta`, Buffer.from(JSON.stringify({ state: { policy: { mode: "detect" } }, version: v - 1 })));
    await vi.advanceTimersByTimeAsync(3000);
    expect(svc.updates).toEqual([]);
  });

  it("lags: a lagging agent applies only after its lag delay", async () => {
    const { a } = agent({ kind: "lagging", ignores: { classic: [], config: [] } });
    svc.restUpdate(CLASSIC, { reported: initial, desired: { policy: { mode: "detect" } } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(29_000);
    expect(svc.updates).toEqual([]);
    await vi.advanceTimersByTimeAsync(62_000);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" } }]);
  });

  it("fails: reports a lastError once and does not apply, even when AWS resends the delta", async () => {
    const behaviour: AgentBehaviour = { kind: "failing", ignores: { classic: [], config: [] }, failure: AGENT_FAILURES[0] };
    const { a, stats } = agent(behaviour, { healthIntervalMs: 5_000 });
    svc.restUpdate(CLASSIC, { reported: initial, desired: { blocklist: { version: 9 } } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(30_000); // health reports in between make AWS resend the delta
    const reports = reportsTo(CLASSIC) as JsonObject[];
    const errors = reports.filter((r) => r.lastError);
    expect(errors).toHaveLength(1);
    expect(errors[0].lastError).toMatchObject({ code: AGENT_FAILURES[0].code, message: AGENT_FAILURES[0].message, keys: ["blocklist.version"] });
    expect(typeof (errors[0].lastError as JsonObject).at).toBe("number");
    expect(reports.some((r) => r.blocklist)).toBe(false);
    expect(stats.failed).toBe(1);
    expect(stats.healthReports).toBeGreaterThan(1);
  });

  const refusesDetect = (code: number) => (doc: JsonObject) => {
    const reported = (doc.state as JsonObject).reported;
    return isObject(reported) && isObject(reported.policy) && reported.policy.mode === "detect" ? { code, message: "Payload contains invalid json" } : undefined;
  };

  it.each([400, 413])("takes back a report rejected with %i, says so once in lastError and does not send it again", async (code) => {
    const { a, stats } = agent(normal, { healthIntervalMs: 5_000 });
    svc.restUpdate(CLASSIC, { reported: initial });
    svc.reject = refusesDetect(code);
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    const start = Math.floor(Date.now() / 1000);
    svc.restUpdate(CLASSIC, { desired: { policy: { mode: "detect" } } });
    await vi.advanceTimersByTimeAsync(60_000); // health reports in between make AWS resend the delta
    const reports = reportsTo(CLASSIC) as JsonObject[];
    expect(reports.filter((r) => r.policy)).toEqual([{ policy: { mode: "detect" } }]);
    const errors = reports.filter((r) => r.lastError);
    expect(errors).toHaveLength(1);
    const lastError = errors[0].lastError as JsonObject;
    expect(lastError).toMatchObject({ code: "REPORT_REJECTED", keys: ["policy.mode"] });
    expect(lastError.message).toContain(String(code));
    expect(lastError.at).toBeGreaterThanOrEqual(start);
    expect(lastError.at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    // The agent's reported state is what AWS holds: the old mode, the error, the key still pending.
    expect(getPath(a.reported()!, "policy.mode")).toBe("prevent");
    expect(a.reported()).toEqual(svc.state(CLASSIC)!.reported);
    expect(shadowDelta(svc.state(CLASSIC)!.desired, svc.state(CLASSIC)!.reported)).toEqual({ policy: { mode: "detect" } });
    expect(stats.rejected).toBe(1);
    expect(stats.healthReports).toBeGreaterThan(3);
    a.detach();
  });

  it("tries a later delta with other desired values after a rejected report", async () => {
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial });
    svc.reject = refusesDetect(400);
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { policy: { mode: "detect" } } });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.reported()!.lastError).toBeDefined();
    svc.restUpdate(CLASSIC, { desired: { policy: { mode: "learn" } } });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" } }, { lastError: expect.any(Object) }, { policy: { mode: "learn" }, lastError: null }]);
    expect(getPath(a.reported()!, "policy.mode")).toBe("learn");
    expect(a.reported()!.lastError).toBeUndefined();
    expect(a.reported()).toEqual(svc.state(CLASSIC)!.reported);
  });

  it("ignores settings it does not know: the rest is applied, the key stays pending", async () => {
    const { a } = agent({ kind: "ignoring", ignores: { classic: ["policy.cloudLookup"], config: ["telemetryIntervalSeconds"] } }, {}, true);
    svc.restUpdate(CLASSIC, { reported: initial });
    svc.restUpdate(CONFIG, { reported: { logLevel: "info", telemetryIntervalSeconds: 300 } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { policy: { cloudLookup: false, mode: "detect" } } });
    svc.restUpdate(CONFIG, { desired: { telemetryIntervalSeconds: 60, logLevel: "debug" } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" } }]);
    expect(reportsTo(CONFIG)).toEqual([{ logLevel: "debug" }]);
    expect(shadowDelta(svc.state(CLASSIC)!.desired, svc.state(CLASSIC)!.reported)).toEqual({ policy: { cloudLookup: false } });
    expect(shadowDelta(svc.state(CONFIG)!.desired, svc.state(CONFIG)!.reported)).toEqual({ telemetryIntervalSeconds: 60 });
  });

  it("writes its state when its shadow does not exist", async () => {
    const { a } = agent(normal, {}, true);
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    expect(svc.state(CLASSIC)!.reported).toEqual(initial);
    expect(svc.state(CONFIG)!.reported).toEqual({ logLevel: "info", telemetryIntervalSeconds: 300 });
  });

  it("does nothing while detached, and catches up on the next attach", async () => {
    const { a } = agent();
    svc.restUpdate(CLASSIC, { reported: initial });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(0);
    svc.restUpdate(CLASSIC, { desired: { policy: { mode: "detect" } } });
    await vi.advanceTimersByTimeAsync(10);
    a.detach(); // offline before the delay is up
    await vi.advanceTimersByTimeAsync(5000);
    expect(svc.updates).toEqual([]);
    svc.restUpdate(CLASSIC, { desired: { blocklist: { version: 3 } } });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(2000);
    expect(reportsTo(CLASSIC)).toEqual([{ policy: { mode: "detect" }, blocklist: { version: 3, entries: 15_009 } }]);
  });

  it("asks again when /get is not answered", async () => {
    const { a } = agent();
    const link = svc.link();
    a.attach({ ...link, publish: () => undefined }); // nothing gets through
    await vi.advanceTimersByTimeAsync(0);
    a.detach();
    let gets = 0;
    a.attach({ ...link, publish: (t) => void (t.endsWith("/get") && gets++) });
    await vi.advanceTimersByTimeAsync(100_000);
    expect(gets).toBeGreaterThanOrEqual(2);
    expect(gets).toBeLessThanOrEqual(3);
    a.detach();
  });

  it("reports health now and then, only after it knows its state", async () => {
    const { a, stats } = agent(normal, { healthIntervalMs: 60_000 });
    svc.restUpdate(CLASSIC, { reported: initial });
    a.attach(svc.link());
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(stats.healthReports).toBeGreaterThanOrEqual(7);
    expect(stats.healthReports).toBeLessThanOrEqual(20);
    for (const r of reportsTo(CLASSIC) as JsonObject[]) expect(Object.keys(r).every((k) => k === "health" || k === "os")).toBe(true);
    a.detach();
  });
});

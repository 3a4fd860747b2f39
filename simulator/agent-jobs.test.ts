import { describe, expect, it } from "vitest";
import type { AgentTimers, ShadowLink } from "./agent-shadow";
import { AgentJobs, newJobStats } from "./agent-jobs";
import { DEFAULT_JOB_SETTINGS, type JsonObject } from "./agent-jobs-ops";
import { Rng } from "./rng";

/**
 * The agent's side of the Jobs MQTT protocol against a scripted service: the test reads
 * what the agent publishes and answers by hand as AWS documents it (reference §5d), so
 * each state transition of the agent is checked on its own. The end-to-end run against
 * the emulator's Jobs service is agent-jobs-emulator.test.ts.
 */

const THING = "proto-thing";
const P = `$aws/things/${THING}/jobs`;
const settings = { ...DEFAULT_JOB_SETTINGS, downloadFailPercent: 0, installFailPercent: 0, hangPercent: 0, installMs: 0 };

class Timers implements AgentTimers {
  private seq = 0;
  readonly due = new Map<number, { ms: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    this.due.set(++this.seq, { ms, fn });
    return this.seq;
  };
  clearTimeout = (h: unknown): void => void this.due.delete(h as number);
  /** Fires the timers set for at least `minMs` (the agent's request timeouts, not its short operation delays). */
  fire(minMs: number): number {
    const hits = [...this.due].filter(([, t]) => t.ms >= minMs);
    for (const [id, t] of hits) {
      this.due.delete(id);
      t.fn();
    }
    return hits.length;
  }
  /** Runs the short delays of the operations (sleep) until none is left. */
  async drain(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      const short = [...this.due].filter(([, t]) => t.ms < 30_000);
      for (const [id, t] of short) {
        this.due.delete(id);
        t.fn();
      }
    }
  }
}

class Link implements ShadowLink {
  readonly sent: Array<{ topic: string; body: JsonObject }> = [];
  readonly subscribed: string[] = [];
  private handler?: (topic: string, payload: Buffer) => void;
  subscribe = (topics: string[]) => {
    this.subscribed.push(...topics);
    return Promise.resolve();
  };
  publish = (topic: string, payload: string) => void this.sent.push({ topic, body: JSON.parse(payload) as JsonObject });
  onMessage = (h: (topic: string, payload: Buffer) => void) => {
    this.handler = h;
    return () => (this.handler = undefined);
  };
  answer(topic: string, body: JsonObject): void {
    this.handler?.(`${P}/${topic}`, Buffer.from(JSON.stringify(body)));
  }
  last(topic?: string): { topic: string; body: JsonObject } {
    const m = topic ? this.sent.filter((s) => s.topic === `${P}/${topic}`) : this.sent;
    if (m.length === 0) throw new Error(`nothing sent${topic ? ` on ${topic}` : ""}: ${this.sent.map((s) => s.topic).join(", ")}`);
    return m[m.length - 1];
  }
  topics(): string[] {
    return this.sent.map((s) => s.topic.slice(P.length + 1));
  }
}

const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup() {
  const timers = new Timers();
  const stats = newJobStats();
  const reports: JsonObject[] = [];
  const restarts: Array<{ ms: number; kind: string }> = [];
  const jobs = new AgentJobs(THING, {
    settings,
    facts: { agentVersion: () => "7.2.0", blocklistVersion: () => 10, report: (p) => reports.push(p) },
    rngFor: (jobId, n) => Rng.for(1, "job", jobId, n),
    timers,
    stats,
  });
  jobs.bind({ restart: (ms, kind) => restarts.push({ ms, kind }) });
  return { jobs, timers, stats, reports, restarts };
}

const exec = (jobId: string, jobDocument: unknown, extra: JsonObject = {}) => ({
  jobId,
  thingName: THING,
  status: "IN_PROGRESS",
  queuedAt: 1,
  startedAt: 2,
  lastUpdatedAt: 2,
  versionNumber: 2,
  executionNumber: 1,
  jobDocument,
  ...extra,
});

async function connect(s: ReturnType<typeof setup>): Promise<Link> {
  const link = new Link();
  s.jobs.attach(link);
  await tick();
  return link;
}

describe("agent jobs protocol", () => {
  it("subscribes to its answers and notify-next, asks for work on connecting, and waits when there is none", async () => {
    const s = setup();
    const link = await connect(s);
    expect(link.subscribed).toEqual([
      `${P}/notify-next`,
      `${P}/start-next/accepted`,
      `${P}/start-next/rejected`,
      `${P}/+/update/accepted`,
      `${P}/+/update/rejected`,
      `${P}/+/get/accepted`,
      `${P}/+/get/rejected`,
    ]);
    expect(link.topics()).toEqual(["start-next"]);
    const token = link.last().body.clientToken;
    expect(typeof token).toBe("string");
    link.answer("start-next/accepted", { timestamp: 5, clientToken: token });
    await tick();
    expect(link.topics()).toEqual(["start-next"]);
    expect(s.jobs.running).toBeUndefined();
    // Someone else's answer (another token) is not the agent's.
    link.answer("notify-next", { timestamp: 6 });
    await tick();
    expect(link.topics()).toEqual(["start-next"]);
  });

  it("starts work when notify-next announces some, runs it and reports the result, then asks for more", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken });
    link.answer("notify-next", { timestamp: 6, execution: { ...exec("bl-1", {}), status: "QUEUED" } });
    await tick();
    expect(link.topics()).toEqual(["start-next", "start-next"]);
    link.answer("start-next/accepted", {
      timestamp: 7,
      clientToken: link.last().body.clientToken,
      execution: exec("bl-1", { operation: "blocklist-update", version: 11, entries: { md5: ["0123456789abcdef0123456789abcdef"] } }),
    });
    await s.timers.drain();
    const updates = link.sent.filter((m) => m.topic === `${P}/bl-1/update`).map((m) => ({ ...m.body, clientToken: undefined }));
    expect(updates).toEqual([
      { status: "IN_PROGRESS", statusDetails: { step: "validating", version: "11" }, executionNumber: 1, clientToken: undefined },
      { status: "IN_PROGRESS", statusDetails: { step: "applying", version: "11" }, executionNumber: 1, clientToken: undefined },
      { status: "SUCCEEDED", statusDetails: { step: "done", version: "11", entries: "1" }, executionNumber: 1, clientToken: undefined },
    ]);
    expect(s.reports).toEqual([{ blocklist: { version: 11, entries: 1 } }]);
    expect(link.topics().filter((t) => t === "start-next")).toHaveLength(2);
    link.answer("bl-1/update/accepted", { timestamp: 8, clientToken: link.last("bl-1/update").body.clientToken });
    await tick();
    expect(link.topics().filter((t) => t === "start-next")).toHaveLength(3);
    expect(s.stats).toMatchObject({ started: 1, succeeded: 1 });
  });

  it("rejects an operation it does not know, with the reason in statusDetails", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("j-x", { operation: "format-disk" }) });
    await tick();
    expect(link.last("j-x/update").body).toMatchObject({
      status: "REJECTED",
      statusDetails: { reason: "UNKNOWN_OPERATION", message: 'the agent does not know the operation "format-disk"' },
    });
  });

  it("stores where it is before a reboot, goes offline only once that is accepted, and finishes after coming back", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("rb", { operation: "reboot" }) });
    await tick();
    expect(link.last("rb/update").body).toMatchObject({ status: "IN_PROGRESS", statusDetails: { step: "rebooting", execution: "1" } });
    expect(s.restarts).toEqual([]);
    link.answer("rb/update/accepted", { timestamp: 6, clientToken: link.last("rb/update").body.clientToken });
    await tick();
    expect(s.restarts).toEqual([{ ms: expect.any(Number), kind: "reboot" }]);
    expect(s.jobs.running).toBeUndefined();

    // Back from the reboot: start-next hands back the same execution with the stored details.
    s.jobs.detach();
    const again = await connect(s);
    expect(again.topics()).toEqual(["start-next"]);
    again.answer("start-next/accepted", {
      timestamp: 9,
      clientToken: again.last().body.clientToken,
      execution: exec("rb", { operation: "reboot" }, { statusDetails: { step: "rebooting", execution: "1" } }),
    });
    await tick();
    expect(again.last("rb/update").body).toMatchObject({ status: "SUCCEEDED", statusDetails: { step: "done" } });
    expect(s.restarts).toHaveLength(1);
  });

  it("lets go of an execution canceled under it: notify-next moves on, the agent checks, and takes the next", async () => {
    const s = setup();
    const hanging = new AgentJobs(THING, {
      settings: { ...settings, hangPercent: 100 },
      facts: { agentVersion: () => "1", blocklistVersion: () => 1, report: () => undefined },
      rngFor: () => new Rng(1),
      timers: s.timers,
      stats: s.stats,
    });
    const link = new Link();
    hanging.attach(link);
    await tick();
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("hang", { operation: "reboot" }) });
    await tick();
    expect(link.last("hang/update").body).toMatchObject({ status: "IN_PROGRESS", statusDetails: { step: "preparing" } });
    // The next execution is still this one: nothing to check.
    link.answer("notify-next", { timestamp: 6, execution: exec("hang", {}) });
    await tick();
    expect(link.topics()).toEqual(["start-next", "hang/update"]);
    link.answer("notify-next", { timestamp: 7 });
    await tick();
    expect(link.last().topic).toBe(`${P}/hang/get`);
    expect(link.last().body).toMatchObject({ executionNumber: 1, includeJobDocument: false });
    link.answer("hang/get/accepted", { timestamp: 8, clientToken: link.last().body.clientToken, execution: exec("hang", undefined, { status: "CANCELED" }) });
    await tick();
    expect(hanging.running).toBeUndefined();
    expect(link.topics().slice(-1)).toEqual(["start-next"]);
    expect(s.stats.abandoned).toBe(1);
  });

  it("lets go of a hung execution when notify-next names a retry of it (same job, next execution number)", async () => {
    const s = setup();
    const hanging = new AgentJobs(THING, {
      settings: { ...settings, hangPercent: 100 },
      facts: { agentVersion: () => "1", blocklistVersion: () => 1, report: () => undefined },
      rngFor: () => new Rng(1),
      timers: s.timers,
      stats: s.stats,
    });
    const link = new Link();
    hanging.attach(link);
    await tick();
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("tmo", { operation: "reboot" }) });
    await tick();
    expect(hanging.running).toEqual({ jobId: "tmo", executionNumber: 1 });
    // Execution 1 timed out; the retry config queued execution 2 of the same job.
    link.answer("notify-next", { timestamp: 6, execution: { ...exec("tmo", { operation: "reboot" }), status: "QUEUED", executionNumber: 2 } });
    await tick();
    expect(link.last().topic).toBe(`${P}/tmo/get`);
    expect(link.last().body).toMatchObject({ executionNumber: 1 });
    link.answer("tmo/get/accepted", { timestamp: 7, clientToken: link.last().body.clientToken, execution: exec("tmo", undefined, { status: "TIMED_OUT" }) });
    await tick();
    expect(hanging.running).toBeUndefined();
    expect(link.topics().slice(-1)).toEqual(["start-next"]);
    link.answer("start-next/accepted", {
      timestamp: 8,
      clientToken: link.last().body.clientToken,
      execution: exec("tmo", { operation: "reboot" }, { executionNumber: 2 }),
    });
    await tick();
    expect(hanging.running).toEqual({ jobId: "tmo", executionNumber: 2 });
    expect(link.last("tmo/update").body).toMatchObject({ status: "IN_PROGRESS", executionNumber: 2 });
  });

  it("sends only statusDetails the service takes, and when it still refuses a final update, sends the reason alone once, then lets go", async () => {
    const s = setup();
    const link = await connect(s);
    const entries = { domains: ["exa\u200bmple.com"] };
    link.answer("start-next/accepted", {
      timestamp: 5,
      clientToken: link.last().body.clientToken,
      execution: exec("bl", { operation: "blocklist-update", version: 11, entries }),
    });
    await tick();
    const first = link.last("bl/update").body;
    expect(first).toMatchObject({ status: "REJECTED", statusDetails: { reason: "INVALID_ENTRY" } });
    const message = (first.statusDetails as Record<string, string>).message;
    expect(message).toContain('"exa\\u200bmple.com" is not a host name');
    for (const m of link.sent) for (const v of Object.values((m.body.statusDetails as Record<string, string>) ?? {})) expect(v).not.toMatch(/\p{C}/u);

    link.answer("bl/update/rejected", { timestamp: 6, clientToken: first.clientToken, code: "InvalidRequest", message: "statusDetails" });
    await tick();
    const minimal = link.last("bl/update").body;
    expect(minimal.clientToken).not.toBe(first.clientToken);
    expect(minimal).toMatchObject({ status: "REJECTED", statusDetails: { reason: "INVALID_ENTRY" }, executionNumber: 1 });
    expect(Object.keys(minimal.statusDetails as object)).toEqual(["reason"]);

    link.answer("bl/update/rejected", { timestamp: 7, clientToken: minimal.clientToken, code: "InvalidRequest", message: "statusDetails" });
    await tick();
    expect(s.jobs.running).toBeUndefined();
    expect(link.topics().slice(-1)).toEqual(["start-next"]);
    expect(s.stats).toMatchObject({ abandoned: 1, rejected: 0 });
    // Nothing is owed any more: however long it waits, the agent sends that update no more.
    const updates = link.topics().filter((t) => t === "bl/update").length;
    s.timers.fire(0);
    expect(link.topics().filter((t) => t === "bl/update")).toHaveLength(updates);
  });

  it("finishes with the reason alone when the service refuses the full final update and takes that", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("j-x", { operation: "format-disk" }) });
    await tick();
    link.answer("j-x/update/rejected", { timestamp: 6, clientToken: link.last("j-x/update").body.clientToken, code: "InvalidRequest", message: "no" });
    await tick();
    expect(link.last("j-x/update").body).toMatchObject({ status: "REJECTED", statusDetails: { reason: "UNKNOWN_OPERATION" } });
    link.answer("j-x/update/accepted", { timestamp: 7, clientToken: link.last("j-x/update").body.clientToken });
    await tick();
    expect(s.jobs.running).toBeUndefined();
    expect(s.stats).toMatchObject({ rejected: 1, abandoned: 0 });
    expect(link.topics().slice(-1)).toEqual(["start-next"]);
  });

  it("lets go when an update is refused because the execution has ended (TerminalStateReached, InvalidStateTransition)", async () => {
    for (const code of ["TerminalStateReached", "InvalidStateTransition"]) {
      const s = setup();
      const link = await connect(s);
      link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("rb", { operation: "reboot" }) });
      await tick();
      link.answer("rb/update/rejected", { timestamp: 6, clientToken: link.last("rb/update").body.clientToken, code, message: "ended" });
      await tick();
      expect(s.jobs.running).toBeUndefined();
      expect(s.restarts).toEqual([]);
      expect(link.topics().slice(-1)).toEqual(["start-next"]);
    }
  });

  it("sends a final status owed from while it was offline once it is back, before asking for more", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", {
      timestamp: 5,
      clientToken: link.last().body.clientToken,
      execution: exec("bl", { operation: "blocklist-update", version: 12, entries: {} }),
    });
    await tick();
    const before = link.topics();
    s.jobs.detach();
    await s.timers.drain();
    // Progress while offline goes nowhere; the operation itself carried on.
    expect(link.topics()).toEqual(before);
    const back = await connect(s);
    expect(back.topics()).toEqual(["bl/update"]);
    expect(back.last().body).toMatchObject({ status: "SUCCEEDED", statusDetails: { step: "done", version: "12", entries: "0" } });
    back.answer("bl/update/accepted", { timestamp: 9, clientToken: back.last().body.clientToken });
    await tick();
    expect(back.topics()).toEqual(["bl/update", "start-next"]);
  });

  it("checks a running execution is still its own after reconnecting", async () => {
    const s = setup();
    const link = await connect(s);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("rb", { operation: "reboot" }) });
    await tick();
    s.jobs.detach();
    const back = await connect(s);
    // The reboot's details were never accepted: they are sent again.
    expect(back.topics()).toEqual(["rb/update"]);
    back.answer("rb/update/rejected", { timestamp: 6, clientToken: back.last().body.clientToken, code: "ResourceNotFound", message: "gone" });
    await tick();
    expect(back.topics()).toEqual(["rb/update", "start-next"]);
  });

  it("asks again when a request goes unanswered or is throttled", async () => {
    const s = setup();
    const link = await connect(s);
    expect(s.timers.fire(30_000)).toBe(1);
    expect(link.topics()).toEqual(["start-next", "start-next"]);
    link.answer("start-next/rejected", { timestamp: 5, clientToken: link.last().body.clientToken, code: "RequestThrottled", message: "slow down" });
    expect(s.timers.fire(5_000)).toBe(1);
    expect(link.topics()).toEqual(["start-next", "start-next", "start-next"]);
    link.answer("start-next/accepted", { timestamp: 5, clientToken: link.last().body.clientToken, execution: exec("j-x", "not json {") });
    await tick();
    expect(link.last("j-x/update").body).toMatchObject({ status: "REJECTED", statusDetails: { reason: "INVALID_DOCUMENT" } });
    link.answer("j-x/update/rejected", { timestamp: 6, clientToken: link.last("j-x/update").body.clientToken, code: "InternalError", message: "oops" });
    expect(s.timers.fire(5_000)).toBe(1);
    expect(link.topics().filter((t) => t === "j-x/update")).toHaveLength(2);
  });
});

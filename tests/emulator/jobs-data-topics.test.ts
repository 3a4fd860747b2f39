import { describe, expect, it } from "vitest";
import { isBrokerOnlyJobsTopic, parseJobsTopic } from "../../emulator/services/iotjobs/topics";
import { createJobsMqtt } from "../../emulator/services/iotjobs/mqtt";
import {
  JobsDataError,
  type DataPlaneExecution,
  type ExecutionStatus,
  type JobsDataPlane,
  type PendingExecutionSummary,
  type UpdateExecutionInput,
} from "../../emulator/services/jobs/data-plane-api";

/**
 * The Jobs MQTT topic layer on its own: topic parsing, which topics clients may not
 * publish on, the documents of answers, errors and notifications (shapes from the
 * developer guide's "Jobs device MQTT API operations" and "Jobs notifications"), against
 * a small stand-in engine. The real engine is exercised in jobs-data-mqtt.test.ts.
 */

const T = "$aws/things/dev-1/jobs";
const NOW = 1_700_000_000;

describe("parseJobsTopic", () => {
  it("reads the four request topics, with $next and job ids that look like operations", () => {
    expect(parseJobsTopic(`${T}/get`)).toEqual({ kind: "request", request: { op: "get", thingName: "dev-1", topic: `${T}/get` } });
    expect(parseJobsTopic(`${T}/start-next`)).toEqual({ kind: "request", request: { op: "start-next", thingName: "dev-1", topic: `${T}/start-next` } });
    expect(parseJobsTopic(`${T}/$next/get`)).toMatchObject({ kind: "request", request: { op: "describe", jobId: "$next" } });
    expect(parseJobsTopic(`${T}/job-7/update`)).toMatchObject({ kind: "request", request: { op: "update", jobId: "job-7" } });
    // A job named `get` or `start-next` is a valid job id: the number of levels decides.
    expect(parseJobsTopic(`${T}/get/get`)).toMatchObject({ kind: "request", request: { op: "describe", jobId: "get" } });
    expect(parseJobsTopic(`${T}/start-next/update`)).toMatchObject({ kind: "request", request: { op: "update", jobId: "start-next" } });
  });

  it("sees answers and notifications as the service's own, and anything else in the namespace as unknown", () => {
    for (const t of [
      `${T}/get/accepted`,
      `${T}/start-next/rejected`,
      `${T}/j1/get/accepted`,
      `${T}/j1/update/rejected`,
      `${T}/notify`,
      `${T}/notify-next`,
      `${T}/j1/notify-namespace-aws-gg-deployment/`,
    ]) {
      expect(parseJobsTopic(t), t).toEqual({ kind: "response" });
      expect(isBrokerOnlyJobsTopic(t), t).toBe(true);
    }
    for (const t of [`${T}/foo`, `${T}/j1/delete`, `${T}/a/b/c`, T]) {
      expect(parseJobsTopic(t), t).toMatchObject({ kind: "unknown", thingName: "dev-1" });
      expect(isBrokerOnlyJobsTopic(t), t).toBe(false);
    }
    for (const t of [`${T}/get`, `${T}/j1/update`, "$aws/things/dev-1/shadow/update/accepted", "factory/jobs/notify"])
      expect(isBrokerOnlyJobsTopic(t), t).toBe(false);
    expect(parseJobsTopic("$aws/things/dev-1/shadow/get")).toBeUndefined();
  });
});

// ---- a stand-in engine -------------------------------------------------------------------

interface Exec {
  jobId: string;
  status: ExecutionStatus;
  queuedAt: number;
  versionNumber: number;
  executionNumber: number;
  statusDetails?: Record<string, string>;
}

class FakePlane implements JobsDataPlane {
  execs: Exec[] = [];
  documents = new Map<string, string>();
  private listeners: Array<(t: string) => void> = [];
  nextError: Error | undefined;

  queue(jobId: string, document = `{"operation":"${jobId}"}`): void {
    this.documents.set(jobId, document);
    this.execs.push({ jobId, status: "QUEUED", queuedAt: NOW + this.execs.length, versionNumber: 1, executionNumber: 1 });
    this.changed();
  }
  set(jobId: string, status: ExecutionStatus): void {
    const e = this.execs.find((x) => x.jobId === jobId)!;
    e.status = status;
    e.versionNumber++;
    this.changed();
  }
  private changed(): void {
    for (const l of this.listeners) l("dev-1");
  }
  private summary(e: Exec): PendingExecutionSummary {
    return { jobId: e.jobId, queuedAt: e.queuedAt, lastUpdatedAt: e.queuedAt, versionNumber: e.versionNumber, executionNumber: e.executionNumber };
  }
  private full(e: Exec, doc: boolean): DataPlaneExecution {
    return { ...this.summary(e), thingName: "dev-1", status: e.status, ...(doc ? { jobDocument: this.documents.get(e.jobId) } : {}) };
  }
  getPending() {
    return {
      inProgressJobs: this.execs.filter((e) => e.status === "IN_PROGRESS").map((e) => this.summary(e)),
      queuedJobs: this.execs.filter((e) => e.status === "QUEUED").map((e) => this.summary(e)),
    };
  }
  async startNext(): Promise<DataPlaneExecution | undefined> {
    const e = this.execs.find((x) => x.status === "IN_PROGRESS") ?? this.execs.find((x) => x.status === "QUEUED");
    if (!e) return undefined;
    if (e.status === "QUEUED") this.set(e.jobId, "IN_PROGRESS");
    return this.full(e, true);
  }
  async describe(_t: string, jobId: string, opts: { includeJobDocument: boolean }): Promise<DataPlaneExecution> {
    const e =
      jobId === "$next"
        ? (this.execs.find((x) => x.status === "IN_PROGRESS") ?? this.execs.find((x) => x.status === "QUEUED"))
        : this.execs.find((x) => x.jobId === jobId);
    if (!e) throw new JobsDataError("ResourceNotFoundException", "no such execution", "ResourceNotFound");
    return this.full(e, opts.includeJobDocument);
  }
  async update(_t: string, jobId: string, input: UpdateExecutionInput) {
    if (this.nextError) throw this.nextError;
    this.set(jobId, input.status as ExecutionStatus);
    const e = this.execs.find((x) => x.jobId === jobId)!;
    return { executionState: { status: e.status, versionNumber: e.versionNumber }, jobDocument: this.documents.get(jobId) };
  }
  onPendingChange(listener: (t: string) => void) {
    this.listeners.push(listener);
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  /** While set, "the store" has not committed: after-commit work waits here. */
  uncommitted: Array<() => void> | undefined;
  afterCommit(fn: () => void) {
    if (this.uncommitted) this.uncommitted.push(fn);
    else fn();
  }
  commit(): void {
    const work = this.uncommitted ?? [];
    this.uncommitted = undefined;
    for (const fn of work) fn();
  }
}

function setup() {
  const plane = new FakePlane();
  const sent: Array<{ topic: string; doc: any }> = [];
  const mqtt = createJobsMqtt({ plane, thingExists: (t) => t === "dev-1", publish: (topic, doc) => sent.push({ topic, doc }), now: () => NOW });
  const pendingWork: Promise<void>[] = [];
  plane.onPendingChange((t) => pendingWork.push(mqtt.onPendingChange(t)));
  const request = (topic: string, payload: unknown) => mqtt.onMessage(topic, Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)));
  const settle = async () => {
    while (pendingWork.length) await pendingWork.shift();
  };
  const take = () => sent.splice(0, sent.length);
  return { plane, sent, mqtt, request, settle, take };
}

describe("request topics", () => {
  it("answers jobs/get with both lists, the timestamp in seconds and the echoed clientToken", async () => {
    const s = setup();
    s.plane.queue("j1");
    await s.settle();
    s.take();
    await s.request(`${T}/get`, { clientToken: "tok-1" });
    expect(s.take()).toEqual([
      {
        topic: `${T}/get/accepted`,
        doc: {
          inProgressJobs: [],
          queuedJobs: [{ jobId: "j1", queuedAt: NOW, lastUpdatedAt: NOW, versionNumber: 1, executionNumber: 1 }],
          timestamp: NOW,
          clientToken: "tok-1",
        },
      },
    ]);
  });

  it("gives the job document as a JSON object over MQTT (a string over HTTP)", async () => {
    const s = setup();
    s.plane.queue("j1", '{"operation":"reboot","delay":5}');
    await s.settle();
    s.take();
    await s.request(`${T}/start-next`, {});
    const answer = s.take().find((m) => m.topic === `${T}/start-next/accepted`)!;
    expect(answer.doc.execution).toMatchObject({ jobId: "j1", status: "IN_PROGRESS", jobDocument: { operation: "reboot", delay: 5 } });
    expect(answer.doc).not.toHaveProperty("clientToken");
  });

  it("publishes an accepted answer only once the change is committed; a rejection needs no commit", async () => {
    const s = setup();
    s.plane.queue("j1");
    await s.settle();
    s.take();
    s.plane.uncommitted = [];
    await s.request(`${T}/j1/update`, { status: "SUCCEEDED", clientToken: "u" });
    await s.request(`${T}/j1/update`, { status: "NOT_A_STATUS", clientToken: "r" });
    // (The fake plane announces its changes at once; the engine's wait for the commit too.)
    const answers = () => s.take().filter((m) => m.topic.startsWith(`${T}/j1/update/`));
    expect(answers().map((m) => m.topic)).toEqual([`${T}/j1/update/rejected`]);
    s.plane.commit();
    expect(answers()).toEqual([{ topic: `${T}/j1/update/accepted`, doc: { timestamp: NOW, clientToken: "u" } }]);
  });

  it("answers start-next and $next/get with no execution when nothing is pending", async () => {
    const s = setup();
    await s.request(`${T}/start-next`, { clientToken: "a" });
    await s.request(`${T}/$next/get`, { clientToken: "b" });
    expect(s.take()).toEqual([
      { topic: `${T}/start-next/accepted`, doc: { timestamp: NOW, clientToken: "a" } },
      { topic: `${T}/$next/get/accepted`, doc: { timestamp: NOW, clientToken: "b" } },
    ]);
  });

  it("rejects a payload that is not JSON with InvalidJson, and an empty payload is an empty request", async () => {
    const s = setup();
    await s.request(`${T}/get`, "{not json");
    await s.request(`${T}/get`, "");
    const [bad, empty] = s.take();
    expect(bad).toEqual({ topic: `${T}/get/rejected`, doc: { code: "InvalidJson", message: expect.any(String), timestamp: NOW } });
    expect(empty.topic).toBe(`${T}/get/accepted`);
  });

  it("answers a topic in the jobs namespace that maps to no API with InvalidTopic on its /rejected", async () => {
    const s = setup();
    await s.request(`${T}/j1/delete`, { clientToken: "c" });
    expect(s.take()).toEqual([
      { topic: `${T}/j1/delete/rejected`, doc: { code: "InvalidTopic", message: expect.any(String), timestamp: NOW, clientToken: "c" } },
    ]);
    // Its own answer is never answered again.
    await s.request(`${T}/j1/delete/rejected`, {});
    expect(s.take()).toEqual([]);
  });

  it("validates before the engine: statusDetails, step timeout, job id, thing name — InvalidRequest with the token", async () => {
    const s = setup();
    s.plane.queue("j1");
    await s.settle();
    s.take();
    const cases: Array<[string, unknown]> = [
      [`${T}/j1/update`, { status: "IN_PROGRESS", statusDetails: { "bad key": "x" }, clientToken: "t" }],
      [`${T}/j1/update`, { status: "IN_PROGRESS", statusDetails: { k: "x".repeat(1025) }, clientToken: "t" }],
      [`${T}/j1/update`, { status: "IN_PROGRESS", statusDetails: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])), clientToken: "t" }],
      [`${T}/j1/update`, { status: "IN_PROGRESS", statusDetails: { k: "" }, clientToken: "t" }],
      [`${T}/j1/update`, { status: "IN_PROGRESS", stepTimeoutInMinutes: 10081, clientToken: "t" }],
      [`${T}/j1/update`, { status: "IN_PROGRESS", stepTimeoutInMinutes: 0, clientToken: "t" }],
      [`${T}/j1/update`, { status: "DONE", clientToken: "t" }],
      [`${T}/j1/update`, { clientToken: "t" }],
      [`${T}/$next/update`, { status: "IN_PROGRESS", clientToken: "t" }],
      ["$aws/things/bad!name/jobs/get", { clientToken: "t" }],
      [`${T}/start-next`, { stepTimeoutInMinutes: "5", clientToken: "t" }],
    ];
    for (const [topic, payload] of cases) {
      await s.request(topic, payload);
      const [m] = s.take();
      expect(m, JSON.stringify(payload)).toEqual({
        topic: `${topic}/rejected`,
        doc: { code: "InvalidRequest", message: expect.any(String), timestamp: NOW, clientToken: "t" },
      });
    }
    // What the limits allow passes: 10 pairs, 1024 characters, -1 cancels the step timer.
    const ok = {
      status: "IN_PROGRESS",
      stepTimeoutInMinutes: -1,
      statusDetails: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k:${i}_-`, "é".repeat(1024)])),
    };
    await s.request(`${T}/j1/update`, ok);
    expect(s.take().map((m) => m.topic)).toContain(`${T}/j1/update/accepted`);
  });

  it("puts executionState in the error document for VersionMismatch and InvalidStateTransition only", async () => {
    const s = setup();
    s.plane.queue("j1");
    await s.settle();
    s.take();
    const state = { status: "IN_PROGRESS" as const, versionNumber: 3 };
    for (const [code, mqttCode] of [
      ["ConflictException", "VersionMismatch"],
      ["InvalidStateTransitionException", "InvalidStateTransition"],
      ["ResourceNotFoundException", "ResourceNotFound"],
    ]) {
      s.plane.nextError = new JobsDataError(code, "refused", mqttCode, state);
      await s.request(`${T}/j1/update`, { status: "SUCCEEDED", expectedVersion: 1, clientToken: "v" });
      const [m] = s.take();
      const expected: Record<string, unknown> = { code: mqttCode, message: "refused", timestamp: NOW, clientToken: "v" };
      if (mqttCode !== "ResourceNotFound") expected.executionState = state;
      expect(m).toEqual({ topic: `${T}/j1/update/rejected`, doc: expected });
    }
    s.plane.nextError = new Error("boom");
    const quiet = createJobsMqtt({
      plane: s.plane,
      thingExists: () => true,
      publish: (topic, doc) => s.sent.push({ topic, doc }),
      now: () => NOW,
      log: () => {},
    });
    await quiet.onMessage(`${T}/j1/update`, Buffer.from('{"status":"SUCCEEDED"}'));
    expect(s.take()[0].doc).toEqual({ code: "InternalError", message: "Internal service failure", timestamp: NOW });
  });

  it("includes executionState and jobDocument in update/accepted only when asked", async () => {
    const s = setup();
    s.plane.queue("j1");
    s.plane.queue("j2");
    await s.settle();
    s.take();
    await s.request(`${T}/j1/update`, { status: "IN_PROGRESS" });
    await s.request(`${T}/j2/update`, { status: "IN_PROGRESS", includeJobExecutionState: true, includeJobDocument: true });
    const answers = s.take().filter((m) => m.topic.endsWith("/accepted"));
    expect(answers[0].doc).toEqual({ timestamp: NOW });
    expect(answers[1].doc).toEqual({ executionState: { status: "IN_PROGRESS", versionNumber: 2 }, jobDocument: { operation: "j2" }, timestamp: NOW });
  });
});

describe("notifications", () => {
  it("publishes notify on every change and notify-next only when the next execution changes", async () => {
    const s = setup();
    s.plane.queue("j1");
    await s.settle();
    expect(s.take()).toEqual([
      { topic: `${T}/notify`, doc: { timestamp: NOW, jobs: { QUEUED: [expect.objectContaining({ jobId: "j1" })] } } },
      {
        topic: `${T}/notify-next`,
        doc: { timestamp: NOW, execution: expect.objectContaining({ jobId: "j1", status: "QUEUED", jobDocument: { operation: "j1" } }) },
      },
    ]);

    s.plane.queue("j2");
    await s.settle();
    expect(s.take().map((m) => m.topic)).toEqual([`${T}/notify`]);

    // j1 starts: still the next one, so no notify-next.
    s.plane.set("j1", "IN_PROGRESS");
    await s.settle();
    const started = s.take();
    expect(started.map((m) => m.topic)).toEqual([`${T}/notify`]);
    expect(started[0].doc.jobs).toEqual({ IN_PROGRESS: [expect.objectContaining({ jobId: "j1" })], QUEUED: [expect.objectContaining({ jobId: "j2" })] });

    // A progress update that leaves the list as it was: neither.
    s.plane.set("j1", "IN_PROGRESS");
    await s.settle();
    expect(s.take()).toEqual([]);

    s.plane.set("j1", "SUCCEEDED");
    await s.settle();
    const finished = s.take();
    expect(finished.map((m) => m.topic)).toEqual([`${T}/notify`, `${T}/notify-next`]);
    expect(finished[1].doc.execution).toMatchObject({ jobId: "j2", status: "QUEUED" });

    s.plane.set("j2", "CANCELED");
    await s.settle();
    expect(s.take()).toEqual([
      { topic: `${T}/notify`, doc: { timestamp: NOW, jobs: {} } },
      { topic: `${T}/notify-next`, doc: { timestamp: NOW } },
    ]);
  });

  it("answers jobs/get with at most 10 pending executions, IN_PROGRESS first", async () => {
    const s = setup();
    for (let i = 0; i < 12; i++) s.plane.queue(`j${i}`);
    s.plane.set("j11", "IN_PROGRESS");
    await s.settle();
    s.take();
    await s.request(`${T}/get`, {});
    const [answer] = s.take().filter((m) => m.topic === `${T}/get/accepted`);
    expect(answer.doc.inProgressJobs.map((e: { jobId: string }) => e.jobId)).toEqual(["j11"]);
    expect(answer.doc.queuedJobs.map((e: { jobId: string }) => e.jobId)).toEqual(["j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"]);
  });

  it("lists at most 10 pending executions in notify, IN_PROGRESS first", async () => {
    const s = setup();
    for (let i = 0; i < 12; i++) s.plane.queue(`j${i}`);
    s.plane.set("j11", "IN_PROGRESS");
    await s.settle();
    const last = s
      .take()
      .filter((m) => m.topic === `${T}/notify`)
      .pop()!;
    expect(last.doc.jobs.IN_PROGRESS.map((e: { jobId: string }) => e.jobId)).toEqual(["j11"]);
    expect(last.doc.jobs.QUEUED.map((e: { jobId: string }) => e.jobId)).toEqual(["j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"]);
  });
});

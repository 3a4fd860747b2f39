import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import {
  AddThingToThingGroupCommand,
  CancelJobCommand,
  CreateJobCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteJobCommand,
  IoTClient,
} from "@aws-sdk/client-iot";
import { IoTJobsDataPlaneClient, UpdateJobExecutionCommand } from "@aws-sdk/client-iot-jobs-data-plane";
import { inBatches, startHarness, type Harness } from "./harness";

/**
 * The Jobs MQTT API through a real MQTT client against the real engine: every request
 * topic with its accepted/rejected answer, and notify / notify-next after changes made
 * over MQTT, over HTTP (iot-jobs-data) and by the control plane (CreateJob, CancelJob).
 * Shapes: developer guide "Jobs device MQTT API operations" and "Jobs notifications".
 */

let h: Harness<IoTClient>;
let data: IoTJobsDataPlaneClient;
const clients: MqttClient[] = [];
beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTJobsDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  data?.destroy();
  await h?.stop();
});

let seq = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++seq}`;
const nowSec = () => Date.now() / 1000;

interface Msg {
  topic: string;
  body: any;
}

/** An MQTT client that keeps what it receives, to be taken in order per topic. */
class Device {
  readonly received: Msg[] = [];
  private taken = new Set<Msg>();
  private wake: (() => void) | undefined;
  closed = false;

  constructor(
    readonly client: MqttClient,
    readonly thing: string,
  ) {
    client.on("message", (topic, payload) => {
      const raw = payload.toString();
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* kept as text */
      }
      this.received.push({ topic, body });
      this.wake?.();
    });
    client.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
  }

  t(suffix: string): string {
    return `$aws/things/${this.thing}/jobs/${suffix}`;
  }

  async publish(suffix: string, payload: unknown): Promise<void> {
    await this.client.publishAsync(this.t(suffix), typeof payload === "string" ? payload : JSON.stringify(payload), { qos: 1 });
  }

  /** The next message not yet taken on `suffix` (a topic under this thing's jobs). */
  async next(suffix: string, timeoutMs = 3000): Promise<any> {
    const topic = this.t(suffix);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.received.find((x) => x.topic === topic && !this.taken.has(x));
      if (m) {
        this.taken.add(m);
        return m.body;
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

  /** Messages on `suffix` not yet taken. */
  pending(suffix: string): Msg[] {
    return this.received.filter((x) => x.topic === this.t(suffix) && !this.taken.has(x));
  }

  /** Publishes a request and waits for its answer on /accepted or /rejected. */
  async call(suffix: string, payload: unknown): Promise<{ outcome: "accepted" | "rejected"; body: any }> {
    const before = new Set(this.received);
    await this.publish(suffix, payload);
    const deadline = Date.now() + 3000;
    for (;;) {
      const m = this.received.find(
        (x) => !before.has(x) && (x.topic === this.t(`${suffix}/accepted`) || x.topic === this.t(`${suffix}/rejected`)) && !this.taken.has(x),
      );
      if (m) {
        this.taken.add(m);
        return { outcome: m.topic.endsWith("/accepted") ? "accepted" : "rejected", body: m.body };
      }
      if (Date.now() > deadline) throw new Error(`no answer to ${suffix}; got: ${this.received.map((x) => x.topic).join(", ")}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 50);
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
    }
  }
}

/** A registered thing with a connected client subscribed to its whole jobs namespace. */
async function device(): Promise<Device> {
  const thing = uniq("jm-thing");
  const { thingArn } = await h.iot.send(new CreateThingCommand({ thingName: thing }));
  const client = mqtt.connect(h.emulator.mqttUrl, { clientId: thing, reconnectPeriod: 0, protocolVersion: 4 });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  const d = new Device(client, thing);
  (d as Device & { arn: string }).arn = thingArn!;
  await client.subscribeAsync(`$aws/things/${thing}/jobs/#`, { qos: 1 });
  return d;
}
const arnOf = (d: Device) => (d as Device & { arn: string }).arn;

async function createJob(targets: string[], document: unknown = { operation: "reboot" }): Promise<string> {
  const jobId = uniq("jm-job");
  await h.iot.send(new CreateJobCommand({ jobId, targets, document: JSON.stringify(document) }));
  return jobId;
}

describe("notify-next and notify", () => {
  it("follow a job from CreateJob through start-next, progress and SUCCEEDED", async () => {
    const d = await device();
    const jobId = await createJob([arnOf(d)], { operation: "agent-update", version: "7.3.0" });

    const next = await d.next("notify-next");
    expect(next.execution).toMatchObject({ jobId, status: "QUEUED", versionNumber: 1, executionNumber: 1 });
    // Over MQTT the document is the JSON object itself.
    expect(next.execution.jobDocument).toEqual({ operation: "agent-update", version: "7.3.0" });
    expect(Math.abs(next.timestamp - nowSec())).toBeLessThan(120);
    const listed = await d.next("notify");
    expect(listed.jobs).toEqual({ QUEUED: [expect.objectContaining({ jobId, versionNumber: 1, executionNumber: 1 })] });

    const started = await d.call("start-next", { clientToken: "s-1", statusDetails: { step: "download", percent: "0" } });
    expect(started).toEqual({
      outcome: "accepted",
      body: {
        clientToken: "s-1",
        timestamp: expect.any(Number),
        execution: expect.objectContaining({
          jobId,
          thingName: d.thing,
          status: "IN_PROGRESS",
          statusDetails: { step: "download", percent: "0" },
          versionNumber: 2,
        }),
      },
    });
    expect(started.body.execution.jobDocument).toEqual({ operation: "agent-update", version: "7.3.0" });
    expect((await d.next("notify")).jobs).toEqual({ IN_PROGRESS: [expect.objectContaining({ jobId, versionNumber: 2 })] });

    const progress = await d.call(`${jobId}/update`, {
      status: "IN_PROGRESS",
      statusDetails: { step: "install", percent: "60" },
      expectedVersion: 2,
      includeJobExecutionState: true,
      clientToken: "u-1",
    });
    expect(progress).toEqual({
      outcome: "accepted",
      body: {
        clientToken: "u-1",
        timestamp: expect.any(Number),
        executionState: { status: "IN_PROGRESS", statusDetails: { step: "install", percent: "60" }, versionNumber: 3 },
      },
    });

    const done = await d.call(`${jobId}/update`, { status: "SUCCEEDED", includeJobDocument: true });
    expect(done.outcome).toBe("accepted");
    expect(done.body.jobDocument).toEqual({ operation: "agent-update", version: "7.3.0" });
    // Nothing pending any more: notify-next without an execution, notify with no jobs.
    expect(await d.next("notify-next")).toEqual({ timestamp: expect.any(Number) });
    expect(await d.next("notify")).toEqual({ timestamp: expect.any(Number), jobs: {} });
    // Starting the only job did not change which execution is next: one notify-next for it, then the empty one.
    expect(d.pending("notify-next")).toEqual([]);
  });

  it("announce the next job when the first one is canceled by the control plane", async () => {
    const d = await device();
    const j1 = await createJob([arnOf(d)]);
    expect((await d.next("notify-next")).execution.jobId).toBe(j1);
    const j2 = await createJob([arnOf(d)]);
    expect((await d.next("notify")).jobs.QUEUED.map((e: { jobId: string }) => e.jobId)).toEqual([j1]);
    expect((await d.next("notify")).jobs.QUEUED.map((e: { jobId: string }) => e.jobId)).toEqual([j1, j2]);
    await h.iot.send(new CancelJobCommand({ jobId: j1 }));
    expect((await d.next("notify-next")).execution).toMatchObject({ jobId: j2, status: "QUEUED" });
    expect((await d.next("notify")).jobs).toEqual({ QUEUED: [expect.objectContaining({ jobId: j2 })] });
  });

  it("follow changes made over HTTP too", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    await d.next("notify-next");
    await d.next("notify");
    await data.send(new UpdateJobExecutionCommand({ thingName: d.thing, jobId: j, status: "REJECTED", statusDetails: { reason: "unknown operation" } }));
    expect(await d.next("notify-next")).toEqual({ timestamp: expect.any(Number) });
    expect((await d.next("notify")).jobs).toEqual({});
  });

  it("keep coming after a job with a pending execution is force-deleted", async () => {
    const d = await device();
    const j1 = await createJob([arnOf(d)]);
    expect((await d.next("notify-next")).execution.jobId).toBe(j1);
    await d.next("notify");
    await h.iot.send(new DeleteJobCommand({ jobId: j1, force: true }));
    // The deleted job's execution is pending no more: nothing is next.
    expect(await d.next("notify-next")).toEqual({ timestamp: expect.any(Number) });
    expect((await d.next("notify")).jobs).toEqual({});
    const j2 = await createJob([arnOf(d)]);
    expect((await d.next("notify-next")).execution).toMatchObject({ jobId: j2, status: "QUEUED" });
    expect((await d.next("notify")).jobs).toEqual({ QUEUED: [expect.objectContaining({ jobId: j2 })] });
  });
});

describe("answers wait for the commit", () => {
  const admin = (method: string, path: string) => fetch(`${h.emulator.endpoint}/_emulator${path}`, { method });

  it("publishes update/accepted only once the change is on disk, and then exactly once", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    await d.next("notify-next");
    await d.next("notify");
    expect((await admin("POST", "/store/full")).status).toBe(204);
    try {
      // Ten 1 KB values need new pages: the commit fails while the disk is "full".
      const statusDetails = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "z".repeat(1024)]));
      await d.publish(`${j}/update`, { status: "IN_PROGRESS", statusDetails, clientToken: "full" });
      // A request after it that needs no commit: its rejection shows the update was handled.
      expect((await d.call("get", "{not json")).outcome).toBe("rejected");
      expect(d.pending(`${j}/update/accepted`)).toEqual([]);
      expect(d.pending(`${j}/update/rejected`)).toEqual([]);
    } finally {
      expect((await admin("DELETE", "/store/full")).status).toBe(204);
    }
    expect(await d.next(`${j}/update/accepted`)).toEqual({ timestamp: expect.any(Number), clientToken: "full" });
    expect((await d.call("get", "{not json")).outcome).toBe("rejected");
    expect(d.pending(`${j}/update/accepted`)).toEqual([]);
    const state = await d.call(`${j}/get`, { includeJobDocument: false });
    expect(state.body.execution).toMatchObject({ status: "IN_PROGRESS", versionNumber: 2 });
  });
});

describe("request topics", () => {
  it("jobs/get lists in-progress and queued executions with the clientToken", async () => {
    const d = await device();
    const j1 = await createJob([arnOf(d)]);
    const j2 = await createJob([arnOf(d)]);
    await d.call(`${j2}/update`, { status: "IN_PROGRESS" });
    const got = await d.call("get", { clientToken: "g-1" });
    expect(got.outcome).toBe("accepted");
    expect(got.body.clientToken).toBe("g-1");
    expect(got.body.inProgressJobs.map((e: { jobId: string }) => e.jobId)).toEqual([j2]);
    expect(got.body.queuedJobs.map((e: { jobId: string }) => e.jobId)).toEqual([j1]);
    expect(got.body.queuedJobs[0]).toMatchObject({ versionNumber: 1, executionNumber: 1, queuedAt: expect.any(Number), lastUpdatedAt: expect.any(Number) });
  });

  it("jobs/{jobId}/get and jobs/$next/get describe an execution, the document unless includeJobDocument is false", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)], { operation: "reboot" });
    const byId = await d.call(`${j}/get`, { clientToken: "d-1" });
    expect(byId).toEqual({
      outcome: "accepted",
      body: {
        clientToken: "d-1",
        timestamp: expect.any(Number),
        execution: expect.objectContaining({ jobId: j, status: "QUEUED", jobDocument: { operation: "reboot" } }),
      },
    });
    const bare = await d.call("$next/get", { includeJobDocument: false });
    expect(bare.body.execution.jobId).toBe(j);
    expect(bare.body.execution).not.toHaveProperty("jobDocument");
    await d.call(`${j}/update`, { status: "SUCCEEDED" });
    expect(await d.call("$next/get", {})).toEqual({ outcome: "accepted", body: { timestamp: expect.any(Number) } });
    expect((await d.call("start-next", {})).body).toEqual({ timestamp: expect.any(Number) });
  });

  it("rejects an update of a terminal execution with InvalidStateTransition and its state", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    await d.call(`${j}/update`, { status: "FAILED", statusDetails: { reason: "checksum" } });
    const again = await d.call(`${j}/update`, { status: "IN_PROGRESS", clientToken: "x-1" });
    expect(again).toEqual({
      outcome: "rejected",
      body: {
        code: "InvalidStateTransition",
        message: expect.any(String),
        clientToken: "x-1",
        timestamp: expect.any(Number),
        executionState: { status: "FAILED", statusDetails: { reason: "checksum" }, versionNumber: 2 },
      },
    });
  });

  it("rejects jobs/{jobId}/get for an unknown job with ResourceNotFound, and for a finished execution of a finished job with TerminalStateReached", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    const missing = await d.call("no-such-job/get", { clientToken: "g-1" });
    expect(missing).toEqual({
      outcome: "rejected",
      body: { code: "ResourceNotFound", message: expect.any(String), clientToken: "g-1", timestamp: expect.any(Number) },
    });
    expect((await d.call(`${j}/update`, { status: "SUCCEEDED" })).outcome).toBe("accepted");
    // The SNAPSHOT job is COMPLETED with its only execution: describing it is a terminal state.
    const done = await d.call(`${j}/get`, { clientToken: "g-2" });
    expect(done).toEqual({
      outcome: "rejected",
      body: { code: "TerminalStateReached", message: expect.any(String), clientToken: "g-2", timestamp: expect.any(Number) },
    });
  });

  it("rejects a wrong expectedVersion with VersionMismatch and the current state", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    const r = await d.call(`${j}/update`, { status: "IN_PROGRESS", expectedVersion: 5, clientToken: "v-1" });
    expect(r).toEqual({
      outcome: "rejected",
      body: {
        code: "VersionMismatch",
        message: expect.any(String),
        clientToken: "v-1",
        timestamp: expect.any(Number),
        executionState: { status: "QUEUED", versionNumber: 1 },
      },
    });
  });

  it("rejects bad JSON, bad input, unknown jobs and unknown topics with AWS's codes", async () => {
    const d = await device();
    const j = await createJob([arnOf(d)]);
    expect(await d.call("get", "{oops")).toEqual({
      outcome: "rejected",
      body: { code: "InvalidJson", message: expect.any(String), timestamp: expect.any(Number) },
    });
    const badDetails = await d.call(`${j}/update`, { status: "IN_PROGRESS", statusDetails: { "bad key": "1" }, clientToken: "b-1" });
    expect(badDetails.body).toEqual({ code: "InvalidRequest", message: expect.any(String), clientToken: "b-1", timestamp: expect.any(Number) });
    const badStep = await d.call("start-next", { stepTimeoutInMinutes: 20000 });
    expect(badStep.body.code).toBe("InvalidRequest");
    const missing = await d.call("no-such-job/update", { status: "IN_PROGRESS" });
    expect(missing.body).toMatchObject({ code: "ResourceNotFound" });
    expect(missing.body).not.toHaveProperty("executionState");
    const unknown = await d.call("whatever", { clientToken: "w-1" });
    expect(unknown).toEqual({
      outcome: "rejected",
      body: { code: "InvalidTopic", message: expect.any(String), clientToken: "w-1", timestamp: expect.any(Number) },
    });
  });

  it("disconnects a client that publishes on an answer or notification topic, and nobody receives it", async () => {
    const observer = await device();
    for (const suffix of ["notify-next", "notify", "get/accepted", "start-next/rejected", "some-job/update/accepted"]) {
      const spoofer = await device();
      const closed = new Promise<void>((r) => spoofer.client.once("close", () => r()));
      spoofer.client.publish(observer.t(suffix), JSON.stringify({ forged: true }), { qos: 1 });
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`not disconnected after ${suffix}`)), 3000))]);
    }
    // The observer's own request still goes through, and no forged message reached it.
    expect((await observer.call("get", {})).outcome).toBe("accepted");
    expect(observer.received.filter((m) => JSON.stringify(m.body).includes("forged"))).toEqual([]);
    expect(observer.closed).toBe(false);
  });
});

describe("a fleet at once", () => {
  it("notifies 500 things of one group job, and answers all of them starting and finishing it at once", { timeout: 90_000 }, async () => {
    const group = uniq("jm-group");
    const { thingGroupArn } = await h.iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
    const things = Array.from({ length: 500 }, (_, i) => `${group}-t${i}`);
    await inBatches(things, 50, async (thingName) => {
      await h.iot.send(new CreateThingCommand({ thingName }));
      await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: group, thingName }));
    });
    const client = mqtt.connect(h.emulator.mqttUrl, { clientId: uniq("jm-fleet"), reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    const fleet = new Device(client, "+");
    await client.subscribeAsync(["$aws/things/+/jobs/notify-next", "$aws/things/+/jobs/start-next/+", "$aws/things/+/jobs/+/update/+"], { qos: 1 });
    const ofThing = (suffix: string) => new Set(fleet.received.filter((m) => m.topic.endsWith(`/jobs/${suffix}`)).map((m) => m.topic.split("/")[2]));
    const until = async (what: () => boolean, label: string) => {
      const deadline = Date.now() + 60_000;
      while (!what()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const jobId = await createJob([thingGroupArn!]);
    await until(() => ofThing("notify-next").size === things.length, "notify-next to every thing");
    expect(fleet.received.filter((m) => m.topic.endsWith("/notify-next")).every((m) => m.body.execution?.jobId === jobId)).toBe(true);

    await Promise.all(things.map((t) => client.publishAsync(`$aws/things/${t}/jobs/start-next`, JSON.stringify({ clientToken: t }), { qos: 1 })));
    await until(() => ofThing("start-next/accepted").size === things.length, "start-next answers");
    expect(
      fleet.received
        .filter((m) => m.topic.endsWith("/start-next/accepted"))
        .every((m) => m.body.execution?.status === "IN_PROGRESS" && m.topic.includes(`/${m.body.clientToken}/`)),
    ).toBe(true);

    await Promise.all(things.map((t) => client.publishAsync(`$aws/things/${t}/jobs/${jobId}/update`, JSON.stringify({ status: "SUCCEEDED" }), { qos: 1 })));
    await until(() => ofThing(`${jobId}/update/accepted`).size === things.length, "update answers");
    // The last notify-next of every thing says nothing is pending.
    await until(
      () => fleet.received.filter((m) => m.topic.endsWith("/notify-next") && m.body.execution === undefined).length === things.length,
      "empty notify-next to every thing",
    );
    expect(fleet.received.filter((m) => m.topic.endsWith("/rejected"))).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { JobsDataError } from "../../emulator/services/jobs/data-plane-api";
import { addThingToThingGroup, removeThingFromThingGroup } from "../../emulator/services/iot/thing-groups-model";
import { engineWorld, groupArn, thingArn, T0, type EngineWorld } from "./jobs-support";

/**
 * The Jobs engine and its data plane (the JobsDataPlane that iot-jobs-data serves),
 * in-process on a clock that moves only when the test says: the execution state machine,
 * timeouts, retries, rollout pacing, abort criteria, scheduling, CONTINUOUS targets and a
 * restart in the middle of a rollout.
 */
let w: EngineWorld;
afterEach(() => w?.close());

async function dataError(p: Promise<unknown>): Promise<JobsDataError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobsDataError);
  return err as JobsDataError;
}

const statusOf = (jobId: string, thing: string) => w.jobs.engine.latest(w.jobs.engine.requireJob(jobId), thing)?.status;
const counts = (jobId: string) => w.jobs.engine.requireJob(jobId).rec.counts;

describe("targets and the first executions", () => {
  it("queues an execution at once for each targeted thing, members of child groups included, each thing once", async () => {
    w = engineWorld();
    w.addGroup("parent");
    w.addGroup("child", "parent");
    w.addThings(["a", "b"]);
    w.addThings(["p1"], "parent");
    w.addThings(["c1", "c2"], "child");
    w.addThings(["outsider"]);
    await w.create({ jobId: "j", targets: [thingArn("a"), thingArn("p1"), groupArn("parent")] });
    const job = w.jobs.engine.requireJob("j");
    expect([...job.executions.keys()].sort()).toEqual(["a", "c1", "c2", "p1"]);
    expect(counts("j").QUEUED).toBe(4);
    await w.settle();
    expect([...w.notified].sort()).toEqual(["a", "c1", "c2", "p1"]);
    expect(w.jobs.getPending("a").queuedJobs.map((j) => j.jobId)).toEqual(["j"]);
    expect(w.jobs.getPending("outsider")).toEqual({ inProgressJobs: [], queuedJobs: [] });
  });

  it("refuses a target that does not exist", async () => {
    w = engineWorld();
    await expect(w.create({ jobId: "j", targets: [thingArn("ghost")] })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(w.create({ jobId: "j", targets: [groupArn("ghost")] })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(w.create({ jobId: "j", targets: ["arn:aws:iot:eu-west-1:000000000000:thing/x"] })).rejects.toMatchObject({ code: "InvalidRequestException" });
  });
});

describe("the execution state machine", () => {
  it("moves QUEUED → IN_PROGRESS → SUCCEEDED with versions, and then refuses every change with the state", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")] });
    const started = await w.jobs.startNext("t", { statusDetails: { step: "download" } });
    expect(started).toMatchObject({
      jobId: "j",
      thingName: "t",
      status: "IN_PROGRESS",
      versionNumber: 2,
      executionNumber: 1,
      statusDetails: { step: "download" },
    });
    expect(started!.jobDocument).toBe('{"operation":"test"}');
    expect(started!.startedAt).toBe(T0 / 1000);
    expect(w.jobs.getPending("t").inProgressJobs.map((j) => j.jobId)).toEqual(["j"]);

    const progress = await w.jobs.update("t", "j", {
      status: "IN_PROGRESS",
      statusDetails: { percent: "50" },
      expectedVersion: 2,
      includeJobExecutionState: true,
    });
    expect(progress.executionState).toEqual({ status: "IN_PROGRESS", statusDetails: { percent: "50" }, versionNumber: 3 });

    const conflict = await dataError(w.jobs.update("t", "j", { status: "SUCCEEDED", expectedVersion: 2 }));
    expect(conflict.code).toBe("ConflictException");
    expect(conflict.mqttCode).toBe("VersionMismatch");
    expect(conflict.executionState).toMatchObject({ status: "IN_PROGRESS", versionNumber: 3 });

    await w.jobs.update("t", "j", { status: "SUCCEEDED", expectedVersion: 3 });
    expect(statusOf("j", "t")).toBe("SUCCEEDED");
    const again = await dataError(w.jobs.update("t", "j", { status: "IN_PROGRESS" }));
    expect(again.code).toBe("InvalidStateTransitionException");
    expect(again.mqttCode).toBe("InvalidStateTransition");
    expect(again.executionState).toMatchObject({ status: "SUCCEEDED", versionNumber: 4 });
    // The only execution finished: the SNAPSHOT job is complete, and describing the finished execution is TerminalState.
    expect(w.jobs.engine.requireJob("j").rec.status).toBe("COMPLETED");
    const terminal = await dataError(w.jobs.describe("t", "j", { includeJobDocument: false }));
    expect(terminal.code).toBe("TerminalStateException");
    expect(terminal.mqttCode).toBe("TerminalStateReached");
  });

  it("lets a device finish straight from QUEUED, and refuses statuses only Jobs sets", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")] });
    for (const status of ["QUEUED", "CANCELED", "TIMED_OUT", "REMOVED", "DONE"]) {
      expect((await dataError(w.jobs.update("t", "j", { status }))).code).toBe("InvalidRequestException");
    }
    await w.jobs.update("t", "j", { status: "REJECTED", statusDetails: { reason: "unknown operation" } });
    expect(statusOf("j", "t")).toBe("REJECTED");
    expect(counts("j")).toMatchObject({ QUEUED: 0, REJECTED: 1 });
  });

  it("bounds statusDetails and step timeouts as the API does", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")] });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    for (const statusDetails of [eleven, { "bad key": "v" }, { k: "x".repeat(1025) }, { k: "" }, { ["k".repeat(129)]: "v" }]) {
      expect((await dataError(w.jobs.update("t", "j", { status: "IN_PROGRESS", statusDetails }))).code).toBe("InvalidRequestException");
    }
    for (const stepTimeoutInMinutes of [0, -2, 10081, 1.5]) {
      expect((await dataError(w.jobs.update("t", "j", { status: "IN_PROGRESS", stepTimeoutInMinutes }))).code).toBe("InvalidRequestException");
    }
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k:${i}_-`, "v".repeat(1024)]));
    await w.jobs.update("t", "j", { status: "IN_PROGRESS", statusDetails: ten, stepTimeoutInMinutes: 10080 });
    expect(statusOf("j", "t")).toBe("IN_PROGRESS");
  });

  it("answers $next with the IN_PROGRESS execution first, then the oldest QUEUED one, and ResourceNotFound when none is left", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "first", targets: [thingArn("t")] });
    await w.advance(1);
    await w.create({ jobId: "second", targets: [thingArn("t")] });
    expect((await w.jobs.describe("t", "$next", { includeJobDocument: false })).jobId).toBe("first");
    await w.jobs.update("t", "second", { status: "IN_PROGRESS" });
    expect((await w.jobs.describe("t", "$next", { includeJobDocument: true })).jobId).toBe("second");
    const pending = w.jobs.getPending("t");
    expect(pending.inProgressJobs.map((j) => j.jobId)).toEqual(["second"]);
    expect(pending.queuedJobs.map((j) => j.jobId)).toEqual(["first"]);
    // startNext returns the running execution unchanged.
    expect((await w.jobs.startNext("t", {}))!.jobId).toBe("second");
    await w.jobs.update("t", "second", { status: "SUCCEEDED" });
    await w.jobs.update("t", "first", { status: "FAILED" });
    expect((await dataError(w.jobs.describe("t", "$next", { includeJobDocument: false }))).code).toBe("ResourceNotFoundException");
    expect(await w.jobs.startNext("t", {})).toBeUndefined();
    expect((await dataError(w.jobs.describe("nobody", "$next", { includeJobDocument: false }))).code).toBe("ResourceNotFoundException");
  });
});

describe("timeouts and retries", () => {
  it("times out at the step timer, reports the seconds left, and -1 cancels the timer", async () => {
    w = engineWorld();
    w.addThings(["a", "b"]);
    await w.create({ jobId: "j", targets: [thingArn("a"), thingArn("b")] });
    await w.jobs.startNext("a", { stepTimeoutInMinutes: 5 });
    await w.jobs.startNext("b", { stepTimeoutInMinutes: 5 });
    await w.jobs.update("b", "j", { status: "IN_PROGRESS", stepTimeoutInMinutes: -1 });
    await w.advance(4 * 60);
    expect((await w.jobs.describe("a", "j", { includeJobDocument: false })).approximateSecondsBeforeTimedOut).toBe(60);
    expect(statusOf("j", "a")).toBe("IN_PROGRESS");
    await w.advance(60);
    expect(statusOf("j", "a")).toBe("TIMED_OUT");
    expect(statusOf("j", "b")).toBe("IN_PROGRESS");
    expect(counts("j")).toMatchObject({ TIMED_OUT: 1, IN_PROGRESS: 1 });
  });

  it("times out at the job's in-progress timeout, which a step timer does not extend", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")], timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
    await w.advance(30 * 60);
    expect(statusOf("j", "t")).toBe("QUEUED");
    await w.jobs.startNext("t", { stepTimeoutInMinutes: 60 });
    await w.advance(9 * 60);
    expect(statusOf("j", "t")).toBe("IN_PROGRESS");
    await w.advance(60);
    expect(statusOf("j", "t")).toBe("TIMED_OUT");
  });

  it("retries FAILED executions with a new execution number as many times as configured", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")], jobExecutionsRetryConfig: { criteriaList: [{ failureType: "FAILED", numberOfRetries: 1 }] } });
    await w.jobs.update("t", "j", { status: "FAILED" });
    const retry = w.jobs.engine.latest(w.jobs.engine.requireJob("j"), "t")!;
    expect(retry).toMatchObject({ status: "QUEUED", executionNumber: 2, retryAttempt: 1 });
    expect((await w.jobs.describe("t", "j", { executionNumber: 1, includeJobDocument: false })).status).toBe("FAILED");
    expect(w.jobs.engine.requireJob("j").rec.status).toBe("IN_PROGRESS");
    await w.jobs.update("t", "j", { status: "FAILED" });
    expect(w.jobs.engine.latest(w.jobs.engine.requireJob("j"), "t")).toMatchObject({ status: "FAILED", executionNumber: 2 });
    expect(w.jobs.engine.requireJob("j").rec.status).toBe("COMPLETED");
  });

  it("retries TIMED_OUT only when the criteria name it (or ALL), never REJECTED", async () => {
    w = engineWorld();
    w.addThings(["a", "b"]);
    await w.create({
      jobId: "j",
      targets: [thingArn("a"), thingArn("b")],
      timeoutConfig: { inProgressTimeoutInMinutes: 1 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: "ALL", numberOfRetries: 2 }] },
    });
    await w.jobs.update("a", "j", { status: "IN_PROGRESS" });
    await w.jobs.update("b", "j", { status: "REJECTED" });
    await w.advance(61);
    expect(w.jobs.engine.latest(w.jobs.engine.requireJob("j"), "a")).toMatchObject({ status: "QUEUED", executionNumber: 2 });
    expect(w.jobs.engine.latest(w.jobs.engine.requireJob("j"), "b")).toMatchObject({ status: "REJECTED", executionNumber: 1 });
  });
});

describe("rollout pacing", () => {
  it("releases maximumPerMinute evenly: one every 60/r seconds, never a burst", async () => {
    w = engineWorld();
    const names = Array.from({ length: 200 }, (_, i) => `t${String(i).padStart(3, "0")}`);
    w.addThings(names);
    await w.create({ jobId: "j", targets: names.map(thingArn), jobExecutionsRolloutConfig: { maximumPerMinute: 60 } });
    const job = w.jobs.engine.requireJob("j");
    expect(job.executions.size).toBe(1);
    let previous = 1;
    const perMinute = [0, 0, 0];
    for (let half = 1; half <= 360; half++) {
      await w.advance(0.5);
      const now = job.executions.size;
      expect(now - previous).toBeLessThanOrEqual(1);
      perMinute[Math.floor((half - 1) / 120)] += now - previous;
      previous = now;
    }
    expect(perMinute).toEqual([60, 60, 60]);
    expect(counts("j").QUEUED).toBe(181);
  });

  it("follows an exponential ramp step by step on notified things", async () => {
    w = engineWorld();
    const names = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, "0")}`);
    w.addThings(names);
    await w.create({
      jobId: "j",
      targets: names.map(thingArn),
      jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 2, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 4 } } },
    });
    const size = () => w.jobs.engine.requireJob("j").executions.size;
    // Rate 2/min until 4 are notified, then 4/min until 8, then 8/min.
    const seen: number[] = [size()];
    for (let s = 0; s < 4 * 60; s += 15) {
      await w.advance(15);
      seen.push(size());
    }
    // 1 at once, +1 every 30 s at 2/min → 4 at 90 s; then +1 every 15 s → 8 at 150 s; then every 7.5 s.
    expect(seen.slice(0, 7)).toEqual([1, 1, 2, 2, 3, 3, 4]);
    expect(seen[10]).toBe(8);
    expect(seen[13]).toBe(16);
  });

  it("ramps on succeeded things only as they succeed", async () => {
    w = engineWorld();
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    w.addThings(names);
    await w.create({
      jobId: "j",
      targets: names.map(thingArn),
      jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 1, incrementFactor: 5, rateIncreaseCriteria: { numberOfSucceededThings: 1 } } },
    });
    await w.advance(60);
    expect(w.jobs.engine.requireJob("j").executions.size).toBe(2);
    await w.jobs.update("t0", "j", { status: "SUCCEEDED" });
    await w.advance(60);
    // At 5 per minute, one every 12 s: after a minute, 5 more.
    expect(w.jobs.engine.requireJob("j").executions.size).toBe(7);
  });
});

describe("abort criteria and cancelation", () => {
  it("cancels the job once the failure share reaches the threshold after the minimum executed", async () => {
    w = engineWorld();
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    w.addThings(names);
    await w.create({
      jobId: "j",
      targets: names.map(thingArn),
      abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 30, minNumberOfExecutedThings: 10 }] },
    });
    await w.jobs.update("t0", "j", { status: "IN_PROGRESS" });
    await w.jobs.update("t1", "j", { status: "FAILED" });
    await w.jobs.update("t2", "j", { status: "FAILED" });
    expect(w.jobs.engine.requireJob("j").rec.status).toBe("IN_PROGRESS");
    await w.jobs.update("t3", "j", { status: "FAILED" });
    const job = w.jobs.engine.requireJob("j");
    expect(job.rec.status).toBe("CANCELED");
    expect(job.rec.comment).toMatch(/FAILED/);
    expect(counts("j")).toMatchObject({ FAILED: 3, IN_PROGRESS: 1, CANCELED: 6, QUEUED: 0 });
  });

  it("leaves IN_PROGRESS executions running unless the cancel is forced", async () => {
    w = engineWorld();
    w.addThings(["a", "b", "c"]);
    await w.create({ jobId: "j", targets: ["a", "b", "c"].map(thingArn) });
    await w.jobs.update("a", "j", { status: "IN_PROGRESS" });
    const job = w.jobs.engine.requireJob("j");
    w.jobs.engine.cancelJob(job, { force: false, reasonCode: "BAD_BUILD", comment: "stop" }, w.clock.now());
    expect(job.rec).toMatchObject({ status: "CANCELED", reasonCode: "BAD_BUILD", comment: "stop" });
    expect(statusOf("j", "a")).toBe("IN_PROGRESS");
    expect(statusOf("j", "b")).toBe("CANCELED");
    // The device may still finish; no retry follows in a canceled job.
    w.jobs.engine.cancelJob(job, { force: true }, w.clock.now());
    expect(job.rec.forceCanceled).toBe(true);
    expect(w.jobs.engine.latest(job, "a")).toMatchObject({ status: "CANCELED", forceCanceled: true });
  });
});

describe("scheduling", () => {
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().slice(0, 16);

  it("refuses a start less than 30 minutes ahead, and an end less than 30 minutes after the start", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await expect(w.create({ jobId: "j", targets: [thingArn("t")], schedulingConfig: { startTime: at(20) } })).rejects.toMatchObject({
      code: "InvalidRequestException",
    });
    await expect(w.create({ jobId: "j", targets: [thingArn("t")], schedulingConfig: { startTime: at(40), endTime: at(60) } })).rejects.toMatchObject({
      code: "InvalidRequestException",
    });
    await expect(w.create({ jobId: "j", targets: [thingArn("t")], schedulingConfig: { startTime: at(60 * 24 * 400) } })).rejects.toMatchObject({
      code: "InvalidRequestException",
    });
  });

  it("stays SCHEDULED until its start, and cancels at its end with endBehavior CANCEL", async () => {
    w = engineWorld();
    w.addThings(["a", "b"]);
    await w.create({ jobId: "j", targets: [thingArn("a"), thingArn("b")], schedulingConfig: { startTime: at(40), endTime: at(100), endBehavior: "CANCEL" } });
    const job = w.jobs.engine.requireJob("j");
    expect(job.rec.status).toBe("SCHEDULED");
    expect(job.executions.size).toBe(0);
    await w.advance(39 * 60);
    expect(job.rec.status).toBe("SCHEDULED");
    await w.advance(60);
    expect(job.rec.status).toBe("IN_PROGRESS");
    expect(counts("j").QUEUED).toBe(2);
    await w.jobs.update("a", "j", { status: "IN_PROGRESS" });
    await w.advance(60 * 60);
    expect(job.rec.status).toBe("CANCELED");
    expect(statusOf("j", "a")).toBe("IN_PROGRESS");
    expect(statusOf("j", "b")).toBe("CANCELED");
  });

  it("releases only inside maintenance windows, at the rate, and pauses between them", async () => {
    w = engineWorld();
    const names = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, "0")}`);
    w.addThings(names);
    // T0 is 12:00 UTC on a Monday; the window opens daily at 13:00 for 10 minutes.
    await w.create({
      jobId: "j",
      targets: names.map(thingArn),
      jobExecutionsRolloutConfig: { maximumPerMinute: 1 },
      schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 13 * * ? *)", durationInMinutes: 10 }] },
    });
    const job = w.jobs.engine.requireJob("j");
    expect(job.executions.size).toBe(0);
    await w.advance(59 * 60);
    expect(job.executions.size).toBe(0);
    for (let m = 0; m < 12; m++) await w.advance(60);
    // Open 13:00-13:10: releases at 13:00, 13:01, …, 13:09.
    expect(job.executions.size).toBe(10);
    await w.advance(60 * 60);
    expect(job.executions.size).toBe(10);
  });

  it("takes EventBridge days of the week (1 = SUN) in window cron expressions", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    // 2 = Monday: T0 (Monday 12:00) is inside a Monday 11:30 + 60 min window.
    await w.create({
      jobId: "mon",
      targets: [thingArn("t")],
      schedulingConfig: { maintenanceWindows: [{ startTime: "cron(30 11 ? * 2 *)", durationInMinutes: 60 }] },
    });
    expect(w.jobs.engine.requireJob("mon").executions.size).toBe(1);
    await w.create({
      jobId: "sun",
      targets: [thingArn("t")],
      schedulingConfig: { maintenanceWindows: [{ startTime: "cron(30 11 ? * 1 *)", durationInMinutes: 60 }] },
    });
    expect(w.jobs.engine.requireJob("sun").executions.size).toBe(0);
  });
});

describe("CONTINUOUS jobs", () => {
  it("gives a thing that joins a target group an execution, and marks one that leaves REMOVED", async () => {
    w = engineWorld();
    w.addGroup("fleet");
    w.addThings(["a"], "fleet");
    w.addThings(["late"]);
    await w.create({ jobId: "j", targets: [groupArn("fleet")], targetSelection: "CONTINUOUS" });
    expect(counts("j").QUEUED).toBe(1);
    addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("late"), false);
    expect(statusOf("j", "late")).toBe("QUEUED");
    removeThingFromThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("a"));
    expect(statusOf("j", "a")).toBe("REMOVED");
    expect(counts("j")).toMatchObject({ QUEUED: 1, REMOVED: 1 });
    // A CONTINUOUS job never completes on its own.
    await w.jobs.update("late", "j", { status: "SUCCEEDED" });
    expect(w.jobs.engine.requireJob("j").rec.status).toBe("IN_PROGRESS");
    // Joining again after REMOVED: a new execution.
    addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("a"), false);
    expect(w.jobs.engine.latest(w.jobs.engine.requireJob("j"), "a")).toMatchObject({ status: "QUEUED", executionNumber: 2 });
  });

  it("leaves a SNAPSHOT job's targets as they were at creation", async () => {
    w = engineWorld();
    w.addGroup("fleet");
    w.addThings(["a"], "fleet");
    w.addThings(["late"]);
    await w.create({ jobId: "j", targets: [groupArn("fleet")] });
    addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("late"), false);
    expect(statusOf("j", "late")).toBeUndefined();
  });
});

describe("documents", () => {
  it("reads a documentSource from S3 at creation and replaces presigned placeholders each time a device reads it", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    const doc = JSON.stringify({ operation: "agent-update", url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/artifacts/agent-7.3.0.tgz}" });
    w.objects.files.set("artifacts/job.json", Buffer.from(doc));
    await w.create({
      jobId: "j",
      targets: [thingArn("t")],
      document: undefined,
      documentSource: "https://s3.amazonaws.com/artifacts/job.json",
      presignedUrlConfig: { expiresInSec: 120 },
    });
    expect(w.jobs.engine.requireJob("j").rec.document).toBe(doc);
    const seen = JSON.parse((await w.jobs.startNext("t", {}))!.jobDocument!) as { url: string };
    expect(seen.url).toBe("http://127.0.0.1:9/artifacts/agent-7.3.0.tgz?X-Amz-Expires=120&X-Amz-Signature=abc");
  });

  it("refuses a missing documentSource, and placeholders without presignedUrlConfig", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await expect(
      w.create({ jobId: "j", targets: [thingArn("t")], document: undefined, documentSource: "https://s3.amazonaws.com/none/x.json" }),
    ).rejects.toMatchObject({
      code: "InvalidRequestException",
    });
    const doc = JSON.stringify({ url: "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/b/k}" });
    await expect(w.create({ jobId: "j", targets: [thingArn("t")], document: doc })).rejects.toMatchObject({ code: "InvalidRequestException" });
  });
});

describe("restart", () => {
  it("resumes a paced rollout where it was, with no duplicate executions", async () => {
    w = engineWorld();
    const names = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, "0")}`);
    w.addThings(names);
    await w.create({ jobId: "j", targets: names.map(thingArn), jobExecutionsRolloutConfig: { maximumPerMinute: 6 } });
    await w.advance(30);
    await w.jobs.update("t00", "j", { status: "SUCCEEDED" });
    expect(w.jobs.engine.requireJob("j").executions.size).toBe(4);
    await w.store.committed();
    w = w.restart();
    const job = w.jobs.engine.requireJob("j");
    expect(job.executions.size).toBe(4);
    expect(job.rec.counts).toMatchObject({ SUCCEEDED: 1, QUEUED: 3 });
    await w.advance(20);
    expect(job.executions.size).toBe(6);
    expect(new Set(job.order).size).toBe(job.order.length);
    expect([...job.executions.values()].every((l) => l.length === 1)).toBe(true);
  });
});

describe("what the engine writes and keeps", () => {
  const P = "000000000000/us-east-1/";
  /** Records every put into the store, as the kind (without the region prefix) and the serialised document. */
  function recordPuts(): Array<{ kind: string; id: string; body: string }> {
    const puts: Array<{ kind: string; id: string; body: string }> = [];
    const put = w.store.put.bind(w.store);
    w.store.put = (kind: string, id: string, doc: unknown) => {
      puts.push({ kind: kind.slice(P.length), id, body: JSON.stringify(doc) });
      put(kind, id, doc);
    };
    return puts;
  }

  it("writes the job at most twice for a force cancel of 1,000 executions, its 30 KB document never again", async () => {
    w = engineWorld();
    const names = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    w.addThings(names);
    const document = JSON.stringify({ operation: "test", pad: "x".repeat(30_000) });
    await w.create({ jobId: "j", targets: names.map(thingArn), document });
    await w.settle();
    const puts = recordPuts();
    w.jobs.engine.cancelJob(w.jobs.engine.requireJob("j"), { force: true }, w.clock.now());
    await w.settle();
    const jobPuts = puts.filter((p) => p.kind === "iot.job");
    expect(jobPuts.length).toBeGreaterThanOrEqual(1);
    expect(jobPuts.length).toBeLessThanOrEqual(2);
    expect(puts.some((p) => p.body.includes("x".repeat(100)))).toBe(false);
    expect(puts.filter((p) => p.kind === "iot.jobExecution").length).toBe(1000);
    w = w.restart();
    const job = w.jobs.engine.requireJob("j");
    expect(job.rec.document).toBe(document);
    expect(job.rec).toMatchObject({ status: "CANCELED", forceCanceled: true, counts: expect.objectContaining({ CANCELED: 1000, QUEUED: 0 }) });
  });

  it("still reads a job record that holds its document (written before documents were stored apart), and moves it", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")], document: '{"operation":"old"}' });
    await w.settle();
    const rec = w.store.get<Record<string, unknown>>(`${P}iot.job`, "j")!;
    expect(rec.document).toBeUndefined();
    w.store.put(`${P}iot.job`, "j", { ...rec, document: '{"operation":"old"}' });
    w.store.delete(`${P}iot.jobDocument`, "j");
    await w.store.committed();
    w = w.restart();
    expect(w.jobs.engine.requireJob("j").rec.document).toBe('{"operation":"old"}');
    expect((await w.jobs.describe("t", "j", { includeJobDocument: true })).jobDocument).toBe('{"operation":"old"}');
    await w.settle();
    expect(w.store.get(`${P}iot.jobDocument`, "j")).toEqual({ document: '{"operation":"old"}' });
    expect(w.store.get<Record<string, unknown>>(`${P}iot.job`, "j")!.document).toBeUndefined();
  });

  it("keeps one timeout entry per running execution however often it reports progress", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    await w.create({ jobId: "j", targets: [thingArn("t")], timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
    await w.jobs.startNext("t", { stepTimeoutInMinutes: 5 });
    const entries = w.jobs.engine.timeoutEntries;
    for (let i = 0; i < 100; i++) await w.jobs.update("t", "j", { status: "IN_PROGRESS", statusDetails: { percent: String(i) } });
    expect(w.jobs.engine.timeoutEntries).toBe(entries);
    // A new step timer is a new deadline: one entry more, and the earlier deadline still fires.
    await w.jobs.update("t", "j", { status: "IN_PROGRESS", stepTimeoutInMinutes: 3 });
    expect(w.jobs.engine.timeoutEntries).toBe(entries + 1);
    await w.advance(3 * 60);
    expect(statusOf("j", "t")).toBe("TIMED_OUT");
  });

  it("adds a thing that joins, leaves and joins again once, and a passed-over name takes no place of the rate", async () => {
    w = engineWorld();
    w.addGroup("fleet");
    w.addThings(["a"], "fleet");
    w.addThings(["b", "c"]);
    await w.create({ jobId: "j", targets: [groupArn("fleet")], targetSelection: "CONTINUOUS", jobExecutionsRolloutConfig: { maximumPerMinute: 1 } });
    const job = w.jobs.engine.requireJob("j");
    const fleet = () => w.registry.requireGroup("fleet");
    expect([...job.executions.keys()]).toEqual(["a"]);
    addThingToThingGroup(w.registry, fleet(), w.registry.requireThing("b"), false);
    removeThingFromThingGroup(w.registry, fleet(), w.registry.requireThing("b"));
    addThingToThingGroup(w.registry, fleet(), w.registry.requireThing("b"), false);
    addThingToThingGroup(w.registry, fleet(), w.registry.requireThing("c"), false);
    expect(job.targets).toEqual(["a", "b", "c"]);
    await w.advance(60);
    expect([...job.executions.keys()]).toEqual(["a", "b"]);
    await w.advance(60);
    expect([...job.executions.keys()]).toEqual(["a", "b", "c"]);
  });

  it("passes over a waiting thing that left the group without spending a release on it", async () => {
    w = engineWorld();
    w.addGroup("fleet");
    w.addThings(["a"], "fleet");
    w.addThings(["b", "c"]);
    await w.create({ jobId: "j", targets: [groupArn("fleet")], targetSelection: "CONTINUOUS", jobExecutionsRolloutConfig: { maximumPerMinute: 1 } });
    const job = w.jobs.engine.requireJob("j");
    addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("b"), false);
    addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("c"), false);
    removeThingFromThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing("b"));
    await w.advance(60);
    // One release a minute: b is no longer a target, so the minute's release is c's.
    expect([...job.executions.keys()]).toEqual(["a", "c"]);
  });

  it("stores joining things as appended chunks, not the whole list each time, and reads them back", async () => {
    w = engineWorld();
    w.addGroup("fleet");
    w.addThings(["seed"], "fleet");
    const names = Array.from({ length: 200 }, (_, i) => `j${i}`);
    w.addThings(names);
    await w.create({ jobId: "j", targets: [groupArn("fleet")], targetSelection: "CONTINUOUS" });
    await w.settle();
    const puts = recordPuts();
    for (const n of names) {
      addThingToThingGroup(w.registry, w.registry.requireGroup("fleet"), w.registry.requireThing(n), false);
      await w.settle();
    }
    const written = puts.filter((p) => p.kind === "iot.jobTargets").reduce((n, p) => n + (JSON.parse(p.body) as { names: string[] }).names.length, 0);
    // Each name once in a chunk, plus the list folded back into one document every 64 chunks.
    expect(written).toBeLessThan(names.length * 6);
    await w.store.committed();
    w = w.restart();
    const job = w.jobs.engine.requireJob("j");
    expect(job.targets).toEqual(["seed", ...names]);
    expect(job.executions.size).toBe(201);
  });
});

describe("maintenance windows of a later year", () => {
  it("opens an hourly window of next year on its January 1, and lists its rollouts without recomputing them", async () => {
    w = engineWorld();
    w.addThings(["t"]);
    const year = new Date(T0).getUTCFullYear() + 1;
    await w.create({
      jobId: "j",
      targets: [thingArn("t")],
      schedulingConfig: { maintenanceWindows: [{ startTime: `cron(0 * * * ? ${year})`, durationInMinutes: 30 }] },
    });
    const job = w.jobs.engine.requireJob("j");
    const first = w.jobs.engine.upcomingRollouts(job, w.clock.now(), 7);
    expect(first.map((ms) => new Date(ms).toISOString())).toEqual(Array.from({ length: 7 }, (_, i) => `${year}-01-01T0${i}:00:00.000Z`));
    expect(w.jobs.engine.upcomingRollouts(job, w.clock.now() + 1000, 7)).toBe(first);
    expect(job.executions.size).toBe(0);
    await w.advance((Date.UTC(year, 0, 1) - w.clock.now()) / 1000 + 1);
    expect(job.executions.size).toBe(1);
  });
});

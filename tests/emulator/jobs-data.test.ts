import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateJobCommand, CreateThingCommand, DescribeEndpointCommand, IoTClient, ListJobExecutionsForThingCommand } from "@aws-sdk/client-iot";
import {
  DescribeJobExecutionCommand,
  GetPendingJobExecutionsCommand,
  InvalidRequestException,
  InvalidStateTransitionException,
  IoTJobsDataPlaneClient,
  IoTJobsDataPlaneServiceException,
  ResourceNotFoundException,
  StartNextPendingJobExecutionCommand,
  TerminalStateException,
  UpdateJobExecutionCommand,
} from "@aws-sdk/client-iot-jobs-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * The iot-jobs-data plane over HTTP through the real @aws-sdk/client-iot-jobs-data-plane
 * (and the AWS CLI for two calls), with jobs made through the real iot client.
 * Expected behaviour: the iot-jobs-data API reference and the developer guide's
 * "Jobs device MQTT and HTTPS APIs".
 */

let h: Harness<IoTClient>;
let jobs: IoTJobsDataPlaneClient;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  // Devices find the plane through DescribeEndpoint iot:Jobs, as on AWS.
  const { endpointAddress } = await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Jobs" }));
  jobs = new IoTJobsDataPlaneClient({ ...h.clientConfig, endpoint: `http://${endpointAddress}`, maxAttempts: 1 });
});
afterAll(async () => {
  jobs?.destroy();
  await h?.stop();
});

let seq = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++seq}`;
const nowSec = () => Date.now() / 1000;

async function thing(): Promise<{ name: string; arn: string }> {
  const name = uniq("jd-thing");
  const out = await h.iot.send(new CreateThingCommand({ thingName: name }));
  return { name, arn: out.thingArn! };
}

async function job(targets: string[], document: unknown = { operation: "reboot" }): Promise<string> {
  const jobId = uniq("jd-job");
  await h.iot.send(new CreateJobCommand({ jobId, targets, document: JSON.stringify(document) }));
  return jobId;
}

describe("GetPendingJobExecutions", () => {
  it("lists queued executions in the order they were queued, timestamps in epoch seconds", async () => {
    const t = await thing();
    const j1 = await job([t.arn]);
    const j2 = await job([t.arn]);
    const out = await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }));
    expect(out.inProgressJobs).toEqual([]);
    expect(out.queuedJobs!.map((e) => e.jobId)).toEqual([j1, j2]);
    const e = out.queuedJobs![0];
    expect(e).toMatchObject({ versionNumber: 1, executionNumber: 1 });
    // Seconds, not milliseconds.
    expect(Math.abs(e.queuedAt! - nowSec())).toBeLessThan(120);
    expect(Math.abs(e.lastUpdatedAt! - nowSec())).toBeLessThan(120);
  });

  it("returns at most 10 pending executions (the guide's job limits), IN_PROGRESS first", async () => {
    const t = await thing();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await job([t.arn]));
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: ids[11], status: "IN_PROGRESS" }));
    const out = await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }));
    expect(out.inProgressJobs!.map((e) => e.jobId)).toEqual([ids[11]]);
    expect(out.queuedJobs!.map((e) => e.jobId)).toEqual(ids.slice(0, 9));
    // The 12 are all there for the control plane.
    expect((await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: t.name }))).executionSummaries).toHaveLength(12);
  });

  it("is routed by the credential scope: the same path on iot is ListJobExecutionsForThing", async () => {
    const t = await thing();
    const j = await job([t.arn]);
    const control = await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: t.name }));
    expect(control.executionSummaries?.map((s) => s.jobId)).toEqual([j]);
    const data = await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }));
    expect(data.queuedJobs?.map((s) => s.jobId)).toEqual([j]);
    expect(data).not.toHaveProperty("executionSummaries");
  });

  it("refuses a thing name out of the model's pattern", async () => {
    await expectAwsError(jobs.send(new GetPendingJobExecutionsCommand({ thingName: "bad name!" })), InvalidRequestException, 400);
  });
});

describe("StartNextPendingJobExecution", () => {
  it("starts the oldest queued execution with the given statusDetails, and returns it again while it is in progress", async () => {
    const t = await thing();
    const j1 = await job([t.arn], { operation: "agent-update", version: "7.3.0" });
    await job([t.arn]);
    const first = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: t.name, statusDetails: { step: "download" } }));
    expect(first.execution).toMatchObject({ jobId: j1, thingName: t.name, status: "IN_PROGRESS", statusDetails: { step: "download" }, executionNumber: 1 });
    expect(JSON.parse(first.execution!.jobDocument!)).toEqual({ operation: "agent-update", version: "7.3.0" });
    expect(Math.abs(first.execution!.startedAt! - nowSec())).toBeLessThan(120);
    // Already IN_PROGRESS: the same execution, its statusDetails unchanged.
    const again = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: t.name, statusDetails: { step: "other" } }));
    expect(again.execution).toMatchObject({ jobId: j1, status: "IN_PROGRESS", statusDetails: { step: "download" } });
    const pending = await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }));
    expect(pending.inProgressJobs!.map((e) => e.jobId)).toEqual([j1]);
    expect(pending.queuedJobs).toHaveLength(1);
  });

  it("answers without an execution when nothing is pending", async () => {
    const t = await thing();
    const out = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: t.name }));
    expect(out.execution).toBeUndefined();
  });

  it("validates stepTimeoutInMinutes (1..10080 or -1) and statusDetails", async () => {
    const t = await thing();
    await job([t.arn]);
    for (const input of [
      { stepTimeoutInMinutes: 10081 },
      { stepTimeoutInMinutes: 0 },
      { statusDetails: { "no spaces": "x" } },
      { statusDetails: { k: "x".repeat(1025) } },
      { statusDetails: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) },
    ]) {
      await expectAwsError(jobs.send(new StartNextPendingJobExecutionCommand({ thingName: t.name, ...input })), InvalidRequestException, 400);
    }
    // Nothing was started by the refused calls.
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }))).inProgressJobs).toEqual([]);
    const ok = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: t.name, stepTimeoutInMinutes: 10080 }));
    expect(ok.execution?.status).toBe("IN_PROGRESS");
  });
});

describe("DescribeJobExecution", () => {
  it("includes the job document unless includeJobDocument=false", async () => {
    const t = await thing();
    const j = await job([t.arn], { operation: "reboot" });
    const withDoc = await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: j }));
    expect(withDoc.execution).toMatchObject({ jobId: j, status: "QUEUED", versionNumber: 1 });
    expect(JSON.parse(withDoc.execution!.jobDocument!)).toEqual({ operation: "reboot" });
    const without = await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: j, includeJobDocument: false }));
    expect(without.execution?.jobDocument).toBeUndefined();
    const byNumber = await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: j, executionNumber: 1 }));
    expect(byNumber.execution?.executionNumber).toBe(1);
  });

  it("$next is the in-progress execution first, then the oldest queued, and none once nothing is pending", async () => {
    const t = await thing();
    const j1 = await job([t.arn]);
    const j2 = await job([t.arn]);
    expect((await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: "$next" }))).execution?.jobId).toBe(j1);
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j2, status: "IN_PROGRESS" }));
    expect((await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: "$next" }))).execution).toMatchObject({
      jobId: j2,
      status: "IN_PROGRESS",
    });
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j2, status: "SUCCEEDED" }));
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j1, status: "REJECTED" }));
    expect((await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: "$next" }))).execution).toBeUndefined();
  });

  it("answers ResourceNotFoundException for an unknown job or thing", async () => {
    const t = await thing();
    await expectAwsError(jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: "no-such-job" })), ResourceNotFoundException, 404);
    await expectAwsError(jobs.send(new DescribeJobExecutionCommand({ thingName: uniq("ghost"), jobId: "$next" })), ResourceNotFoundException, 404);
    await expectAwsError(jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: "bad/id" })), InvalidRequestException, 400);
  });

  it("answers TerminalStateException (410) for a finished execution of a finished job", async () => {
    const t = await thing();
    const j = await job([t.arn]);
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "SUCCEEDED" }));
    await expectAwsError(jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: j })), TerminalStateException, 410);
  });
});

describe("UpdateJobExecution", () => {
  it("moves QUEUED → IN_PROGRESS → SUCCEEDED, bumping the version, with state and document only when asked", async () => {
    const t = await thing();
    const j = await job([t.arn], { operation: "reboot" });
    const plain = await jobs.send(
      new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "IN_PROGRESS", statusDetails: { step: "download", percent: "10" } }),
    );
    expect(plain.executionState).toBeUndefined();
    expect(plain.jobDocument).toBeUndefined();
    const progress = await jobs.send(
      new UpdateJobExecutionCommand({
        thingName: t.name,
        jobId: j,
        status: "IN_PROGRESS",
        statusDetails: { step: "install", percent: "80" },
        expectedVersion: 2,
        includeJobExecutionState: true,
        includeJobDocument: true,
      }),
    );
    expect(progress.executionState).toMatchObject({ status: "IN_PROGRESS", versionNumber: 3, statusDetails: { step: "install", percent: "80" } });
    expect(JSON.parse(progress.jobDocument!)).toEqual({ operation: "reboot" });
    const done = await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "SUCCEEDED", includeJobExecutionState: true }));
    expect(done.executionState).toMatchObject({ status: "SUCCEEDED", versionNumber: 4 });
  });

  it("refuses any update of a terminal execution with InvalidStateTransitionException (409)", async () => {
    const t = await thing();
    const j = await job([t.arn]);
    await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "FAILED", statusDetails: { reason: "disk full" } }));
    await expectAwsError(
      jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "IN_PROGRESS" })),
      InvalidStateTransitionException,
      409,
    );
  });

  it("refuses a wrong expectedVersion with a 409 and leaves the execution as it was", async () => {
    const t = await thing();
    const j = await job([t.arn]);
    const err = await jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "IN_PROGRESS", expectedVersion: 7 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IoTJobsDataPlaneServiceException);
    expect((err as IoTJobsDataPlaneServiceException).$metadata.httpStatusCode).toBe(409);
    const now = await jobs.send(new DescribeJobExecutionCommand({ thingName: t.name, jobId: j }));
    expect(now.execution).toMatchObject({ status: "QUEUED", versionNumber: 1 });
  });

  it("validates status, statusDetails and stepTimeoutInMinutes", async () => {
    const t = await thing();
    const j = await job([t.arn]);
    const bad: Array<Record<string, unknown>> = [
      { status: "DONE" },
      { status: "IN_PROGRESS", statusDetails: { k: "" } },
      { status: "IN_PROGRESS", statusDetails: { k: "line\nbreak" } },
      { status: "IN_PROGRESS", stepTimeoutInMinutes: -2 },
    ];
    for (const input of bad) {
      await expectAwsError(
        jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, ...(input as { status: "IN_PROGRESS" }) })),
        InvalidRequestException,
        400,
      );
    }
    // A device may not set the statuses Jobs sets.
    await expect(jobs.send(new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "CANCELED" }))).rejects.toBeInstanceOf(
      IoTJobsDataPlaneServiceException,
    );
    // -1 cancels the step timer: accepted.
    const ok = await jobs.send(
      new UpdateJobExecutionCommand({ thingName: t.name, jobId: j, status: "IN_PROGRESS", stepTimeoutInMinutes: -1, includeJobExecutionState: true }),
    );
    expect(ok.executionState?.status).toBe("IN_PROGRESS");
  });
});

describe("regions", () => {
  it("serves another region over HTTP, with that region's own executions", async () => {
    const t = await thing();
    await job([t.arn]);
    const west = new IoTJobsDataPlaneClient({ ...h.clientConfig, region: "eu-west-1", maxAttempts: 1 });
    try {
      const out = await west.send(new GetPendingJobExecutionsCommand({ thingName: t.name }));
      expect(out).toMatchObject({ inProgressJobs: [], queuedJobs: [] });
    } finally {
      west.destroy();
    }
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: t.name }))).queuedJobs).toHaveLength(1);
  });
});

describe("AWS CLI (aws iot-jobs-data)", () => {
  const cli = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)("aws", ["--endpoint-url", h.emulator.endpoint, "--output", "json", "iot-jobs-data", ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" },
    });
    return JSON.parse(stdout);
  };

  it("get-pending-job-executions and describe-job-execution --job-id '$next' work", async () => {
    const t = await thing();
    const j = await job([t.arn], { operation: "reboot" });
    const pending = await cli("get-pending-job-executions", "--thing-name", t.name);
    expect(pending.queuedJobs.map((e: { jobId: string }) => e.jobId)).toEqual([j]);
    const next = await cli("describe-job-execution", "--thing-name", t.name, "--job-id", "$next");
    expect(next.execution).toMatchObject({ jobId: j, status: "QUEUED" });
    expect(JSON.parse(next.execution.jobDocument)).toEqual({ operation: "reboot" });
  });
});

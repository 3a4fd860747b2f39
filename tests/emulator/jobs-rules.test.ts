import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddThingToThingGroupCommand,
  AssociateTargetsWithJobCommand,
  CancelJobCommand,
  CancelJobExecutionCommand,
  CreateDynamicThingGroupCommand,
  CreateJobCommand,
  CreateJobTemplateCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteJobCommand,
  DeleteJobExecutionCommand,
  DeleteJobTemplateCommand,
  DescribeIndexCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeThingGroupCommand,
  GetJobDocumentCommand,
  InvalidRequestException,
  InvalidStateTransitionException,
  IoTClient,
  LimitExceededException,
  ListJobExecutionsForJobCommand,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  ListJobTemplatesCommand,
  RemoveThingFromThingGroupCommand,
  ResourceNotFoundException,
  UpdateIndexingConfigurationCommand,
  UpdateJobCommand,
  UpdateThingCommand,
  type CreateJobCommandInput,
  type JobExecutionStatus,
  type ListJobsCommandInput,
} from "@aws-sdk/client-iot";
import {
  DescribeJobExecutionCommand as DataDescribeJobExecutionCommand,
  InvalidStateTransitionException as DataInvalidStateTransitionException,
  ResourceNotFoundException as DataResourceNotFoundException,
  IoTJobsDataPlaneClient,
  StartNextPendingJobExecutionCommand,
  TerminalStateException,
  UpdateJobExecutionCommand,
} from "@aws-sdk/client-iot-jobs-data-plane";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expectAwsError, inBatches, startHarness, type Harness } from "./harness";

/**
 * The Jobs rules through the real @aws-sdk/client-iot and @aws-sdk/client-iot-jobs-data-plane
 * against the running emulator: the validations botocore leaves to the service (maxima,
 * patterns, enums, AWS's exception names and statuses), every ListJobs and
 * ListJobExecutions filter with paging, retries with new execution numbers, timeouts,
 * pacing, abort criteria, schedules and maintenance windows (time moved with the
 * emulator clock's admin route, never slept), and CONTINUOUS membership through static
 * (child groups included) and dynamic groups. Expected values come from the API
 * reference and the developer guide (docs/aws-iot-reference.md §5), not from the code.
 */

process.env.EMULATOR_INDEX_SETTLE_MS = "50";

let h: Harness<IoTClient>;
let data: IoTJobsDataPlaneClient;
const ARN = "arn:aws:iot:us-east-1:000000000000";
const thingArn = (n: string) => `${ARN}:thing/${n}`;
const groupArn = (n: string) => `${ARN}:thinggroup/${n}`;
const doc = JSON.stringify({ operation: "reboot" });
const create = (input: Partial<CreateJobCommandInput> & { jobId: string }) =>
  h.iot.send(new CreateJobCommand({ targets: [thingArn("r0")], document: doc, ...input }));
const things = Array.from({ length: 24 }, (_, i) => `r${i}`);

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTJobsDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  await inBatches(things, 8, (t) => h.iot.send(new CreateThingCommand({ thingName: t })));
});
afterAll(async () => {
  data?.destroy();
  await h?.stop();
});

/** Emulator time now (epoch ms), and moving it forward. */
const clockNow = async () => ((await (await fetch(`${h.emulator.endpoint}/_emulator/clock`)).json()) as { nowMs: number }).nowMs;
async function advance(seconds: number): Promise<void> {
  const res = await fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(res.status).toBe(200);
}

/** Polls until the probe holds (what the clock made due runs just after the advance answers). */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const describeJob = async (jobId: string) => (await h.iot.send(new DescribeJobCommand({ jobId }))).job!;
const execStatus = async (jobId: string, thingName: string, executionNumber?: number) =>
  (await h.iot.send(new DescribeJobExecutionCommand({ jobId, thingName, executionNumber }))).execution!.status;
async function executions(jobId: string, status?: JobExecutionStatus): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  let nextToken: string | undefined;
  do {
    const page = await h.iot.send(new ListJobExecutionsForJobCommand({ jobId, status, nextToken, maxResults: 250 }));
    for (const s of page.executionSummaries!) out.push([s.thingArn!.split("/")[1], s.jobExecutionSummary!.status!]);
    nextToken = page.nextToken;
  } while (nextToken);
  return out.sort();
}
/** "YYYY-MM-DDTHH:MM" (StringDateTime, UTC) `minutes` from emulator now. */
const at = async (minutes: number) => new Date((await clockNow()) + minutes * 60_000).toISOString().slice(0, 16);
const device = (thingName: string, jobId: string, status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "REJECTED", extra: object = {}) =>
  data.send(new UpdateJobExecutionCommand({ thingName, jobId, status, ...extra }));

describe("validation with AWS's exception names and statuses", () => {
  it("CreateJob: maxima, patterns, enums, sizes and exclusive members", async () => {
    const bad: Array<[string, Partial<CreateJobCommandInput>]> = [
      ["description over 2028", { description: "d".repeat(2029) }],
      ["no targets", { targets: [] }],
      ["target ARN over 2048", { targets: ["a".repeat(2049)] }],
      ["documentSource over 1350", { document: undefined, documentSource: `https://s3.amazonaws.com/b/${"k".repeat(1330)}` }],
      ["document and documentSource", { documentSource: "https://s3.amazonaws.com/bucket/key.json" }],
      ["namespaceId pattern", { namespaceId: "has space" }],
      [
        "three retry criteria",
        { jobExecutionsRetryConfig: { criteriaList: ["FAILED", "TIMED_OUT", "ALL"].map((f) => ({ failureType: f as never, numberOfRetries: 1 })) } },
      ],
      ["retry failure type REJECTED", { jobExecutionsRetryConfig: { criteriaList: [{ failureType: "REJECTED" as never, numberOfRetries: 1 }] } }],
      [
        "abort failure type",
        { abortConfig: { criteriaList: [{ failureType: "SOME" as never, action: "CANCEL", thresholdPercentage: 10, minNumberOfExecutedThings: 1 }] } },
      ],
      [
        "abort action",
        { abortConfig: { criteriaList: [{ failureType: "FAILED", action: "STOP" as never, thresholdPercentage: 10, minNumberOfExecutedThings: 1 }] } },
      ],
      [
        "abort threshold with three decimals",
        { abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 10.999, minNumberOfExecutedThings: 1 }] } },
      ],
      [
        "abort minimum 0",
        { abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 10, minNumberOfExecutedThings: 0 }] } },
      ],
      [
        "incrementFactor with two decimals",
        {
          jobExecutionsRolloutConfig: {
            exponentialRate: { baseRatePerMinute: 10, incrementFactor: 1.55, rateIncreaseCriteria: { numberOfNotifiedThings: 5 } },
          },
        },
      ],
      [
        "incrementFactor under 1.1",
        {
          jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 10, incrementFactor: 1, rateIncreaseCriteria: { numberOfSucceededThings: 5 } } },
        },
      ],
      ["maximumPerMinute 0", { jobExecutionsRolloutConfig: { maximumPerMinute: 0 } }],
      ["roleArn under 20", { presignedUrlConfig: { roleArn: "arn:aws:iam::1:role", expiresInSec: 600 } }],
      ["expiresInSec under 60", { presignedUrlConfig: { expiresInSec: 59 } }],
      ["in-progress timeout 0", { timeoutConfig: { inProgressTimeoutInMinutes: 0 } }],
      ["window duration 0", { schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 2 * * ? *)", durationInMinutes: 0 }] } }],
      ["window cron with both day fields", { schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 2 * * 1 *)", durationInMinutes: 30 }] } }],
      ["endBehavior outside its enum", { schedulingConfig: { endBehavior: "STOP" as never } }],
      ["tag key over 128", { tags: [{ Key: "k".repeat(129), Value: "v" }] }],
      ["tag value over 256", { tags: [{ Key: "k", Value: "v".repeat(257) }] }],
      ["template ARN pattern", { jobTemplateArn: "not-an-arn" }],
    ];
    for (const [what, input] of bad) {
      const err = await expectAwsError(create({ jobId: "bad-job", ...input }), InvalidRequestException, 400).catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
      expect(err.message.length, what).toBeGreaterThan(0);
    }
    // Dates: a start under 30 minutes or over a year ahead, an end under 30 minutes after the start, a malformed date.
    for (const schedulingConfig of [
      { startTime: await at(10) },
      { startTime: await at(400 * 24 * 60) },
      { startTime: await at(60), endTime: await at(80) },
      { startTime: "next tuesday" },
    ]) {
      await expectAwsError(create({ jobId: "bad-job", schedulingConfig }), InvalidRequestException, 400);
    }
    await expectAwsError(create({ jobId: "bad-job", targets: [groupArn("no-such-group")] }), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DescribeJobCommand({ jobId: "bad-job" })), ResourceNotFoundException, 404);
  });

  it("CreateJob accepts the boundaries: a 64-character id, a 32768-character document, 100 targets, 10 retries, a 1430-minute window", async () => {
    const id = "a".repeat(64);
    const big = JSON.stringify({ operation: "x", pad: "p".repeat(32_768 - 26) });
    expect(big.length).toBe(32_768);
    await create({
      jobId: id,
      document: big,
      targets: Array.from({ length: 100 }, (_, i) => thingArn(things[i % things.length])),
      description: "d".repeat(2028),
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: "ALL", numberOfRetries: 10 }] },
      abortConfig: { criteriaList: [{ failureType: "ALL", action: "CANCEL", thresholdPercentage: 99.99, minNumberOfExecutedThings: 1 }] },
      timeoutConfig: { inProgressTimeoutInMinutes: 10_080 },
      schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 0 * * ? *)", durationInMinutes: 1430 }] },
    });
    expect((await h.iot.send(new GetJobDocumentCommand({ jobId: id }))).document).toBe(big);
    // Targets named twice give one execution each.
    expect((await describeJob(id)).targets).toHaveLength(100);
    await h.iot.send(new DeleteJobCommand({ jobId: id, force: true }));
  });

  it("refuses bad input on the other operations, and unknown resources with ResourceNotFound", async () => {
    await create({ jobId: "v-job", targets: [thingArn("r1")] });
    const cases: Array<[() => Promise<unknown>, new (...a: never[]) => Error, number]> = [
      [() => h.iot.send(new CancelJobCommand({ jobId: "v-job", comment: "c".repeat(2029) })), InvalidRequestException, 400],
      [() => h.iot.send(new CancelJobCommand({ jobId: "v-job", comment: "bell\u0007" })), InvalidRequestException, 400],
      [() => h.iot.send(new CancelJobCommand({ jobId: "v-job", reasonCode: "R".repeat(129) })), InvalidRequestException, 400],
      [() => h.iot.send(new CancelJobCommand({ jobId: "nope" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new UpdateJobCommand({ jobId: "v-job", description: "d".repeat(2029) })), InvalidRequestException, 400],
      [() => h.iot.send(new UpdateJobCommand({ jobId: "v-job", timeoutConfig: { inProgressTimeoutInMinutes: 10_081 } })), InvalidRequestException, 400],
      [() => h.iot.send(new UpdateJobCommand({ jobId: "nope", description: "x" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new ListJobsCommand({ maxResults: 0 })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobsCommand({ status: "RUNNING" as never })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobsCommand({ targetSelection: "SOMETIMES" as never })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobsCommand({ thingGroupId: "has space" })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobsCommand({ thingGroupName: "has space" })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobsCommand({ nextToken: "garbage" })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "v-job", maxResults: 251 })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "v-job", status: "DONE" as never })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "nope" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "has space" })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r1", maxResults: 251 })), InvalidRequestException, 400],
      [() => h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r1", jobId: "has.dot" })), InvalidRequestException, 400],
      [() => h.iot.send(new DescribeJobExecutionCommand({ jobId: "v-job", thingName: "r2" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new DescribeJobExecutionCommand({ jobId: "v-job", thingName: "r1", executionNumber: 9 })), ResourceNotFoundException, 404],
      [
        () =>
          h.iot.send(
            new CancelJobExecutionCommand({
              jobId: "v-job",
              thingName: "r1",
              statusDetails: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])),
            }),
          ),
        InvalidRequestException,
        400,
      ],
      [() => h.iot.send(new CancelJobExecutionCommand({ jobId: "v-job", thingName: "r1", statusDetails: { "bad key": "v" } })), InvalidRequestException, 400],
      [() => h.iot.send(new CancelJobExecutionCommand({ jobId: "v-job", thingName: "r2" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new DeleteJobExecutionCommand({ jobId: "v-job", thingName: "r1", executionNumber: 7 })), ResourceNotFoundException, 404],
      [() => h.iot.send(new GetJobDocumentCommand({ jobId: "nope" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new DeleteJobCommand({ jobId: "nope" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new DeleteJobCommand({ jobId: "v-job", force: true, namespaceId: "has space" })), InvalidRequestException, 400],
      [() => h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "nope", targets: [thingArn("r1")] })), ResourceNotFoundException, 404],
      [() => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "has.dot", description: "x", document: doc })), InvalidRequestException, 400],
      [() => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "t".repeat(65), description: "x", document: doc })), InvalidRequestException, 400],
      [
        () => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "nodesc", description: undefined as never, document: doc })),
        InvalidRequestException,
        400,
      ],
      [
        () => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "toobig", description: "x", document: "x".repeat(32_769) })),
        InvalidRequestException,
        400,
      ],
      [
        () => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "both", description: "x", document: doc, jobArn: `${ARN}:job/v-job` })),
        InvalidRequestException,
        400,
      ],
      [
        () => h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "fromnone", description: "x", jobArn: `${ARN}:job/nope` })),
        ResourceNotFoundException,
        404,
      ],
      [() => h.iot.send(new DeleteJobTemplateCommand({ jobTemplateId: "never-made" })), ResourceNotFoundException, 404],
      [() => h.iot.send(new ListJobTemplatesCommand({ maxResults: 251 })), InvalidRequestException, 400],
    ];
    for (const [i, [call, type, status]] of cases.entries()) {
      await expectAwsError(call(), type as never, status).catch((e: Error) => {
        throw new Error(`case ${i}: ${e.message}`);
      });
    }
    // None of the refused calls changed the job.
    expect(await describeJob("v-job")).toMatchObject({ status: "IN_PROGRESS", jobProcessDetails: { numberOfQueuedThings: 1 } });
    expect((await describeJob("v-job")).comment).toBeUndefined();
  });

  it("AssociateTargetsWithJob keeps a job at 100 targets (LimitExceededException, 410) and needs a live CONTINUOUS job", async () => {
    // 101 distinct groups, so the count is of targets, not of things.
    await inBatches(
      Array.from({ length: 101 }, (_, i) => `cap-${i}`),
      10,
      (g) => h.iot.send(new CreateThingGroupCommand({ thingGroupName: g })),
    );
    await create({ jobId: "capped", targetSelection: "CONTINUOUS", targets: Array.from({ length: 99 }, (_, i) => groupArn(`cap-${i}`)) });
    await expectAwsError(
      h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "capped", targets: [groupArn("never-made")] })),
      ResourceNotFoundException,
      404,
    );
    await h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "capped", targets: [groupArn("cap-99")] }));
    await expectAwsError(h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "capped", targets: [groupArn("cap-100")] })), LimitExceededException, 410);
    expect((await describeJob("capped")).targets).toHaveLength(100);
    await h.iot.send(new CancelJobCommand({ jobId: "capped" }));
    await expectAwsError(h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "capped", targets: [thingArn("r1")] })), InvalidRequestException, 400);
  });
});

describe("ListJobs and ListJobExecutionsForThing filters and paging", () => {
  it("filters jobs by thingGroupId, namespaceId, status (SCHEDULED too) and target selection, paging a filtered list to the end", async () => {
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "lj-group" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "lj-group", thingName: "r3" }));
    const { thingGroupId } = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "lj-group" }));
    for (let i = 0; i < 3; i++) await create({ jobId: `lj-g${i}`, targets: [groupArn("lj-group")], targetSelection: i === 2 ? "CONTINUOUS" : "SNAPSHOT" });
    await create({ jobId: "lj-ns", targets: [thingArn("r4")], namespaceId: "greengrass" });
    await create({ jobId: "lj-later", targets: [thingArn("r5")], schedulingConfig: { startTime: await at(24 * 60) } });

    const ids = async (input: ListJobsCommandInput, maxResults = 1) => {
      const out: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await h.iot.send(new ListJobsCommand({ ...input, maxResults, nextToken }));
        out.push(...page.jobs!.map((j) => j.jobId!));
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    };
    expect(await ids({ thingGroupId })).toEqual(["lj-g2", "lj-g1", "lj-g0"]);
    expect(await ids({ thingGroupName: "lj-group", targetSelection: "SNAPSHOT" })).toEqual(["lj-g1", "lj-g0"]);
    expect(await ids({ thingGroupName: "lj-group", targetSelection: "CONTINUOUS" })).toEqual(["lj-g2"]);
    expect(await ids({ namespaceId: "greengrass" })).toEqual(["lj-ns"]);
    expect(await ids({ status: "SCHEDULED" })).toEqual(["lj-later"]);
    expect(await ids({ thingGroupName: "lj-group", status: "CANCELED" })).toEqual([]);
    const summaries = (await h.iot.send(new ListJobsCommand({ thingGroupId }))).jobs!;
    expect(summaries[0]).toMatchObject({ jobArn: `${ARN}:job/lj-g2`, thingGroupId, targetSelection: "CONTINUOUS", status: "IN_PROGRESS" });
    expect(summaries[0].createdAt).toBeInstanceOf(Date);
    await h.iot.send(new DeleteJobCommand({ jobId: "lj-later", force: true }));
    expect(await ids({ status: "DELETION_IN_PROGRESS" }, 250)).toContain("lj-later");
  });

  it("filters a thing's executions by status, jobId and namespaceId, newest first, paging to the end", async () => {
    for (const j of ["ft-a", "ft-b", "ft-c"]) await create({ jobId: j, targets: [thingArn("r6")] });
    await create({ jobId: "ft-ns", targets: [thingArn("r6")], namespaceId: "edge" });
    await device("r6", "ft-b", "IN_PROGRESS");
    const list = async (input: { status?: JobExecutionStatus; jobId?: string; namespaceId?: string }) => {
      const out: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r6", ...input, maxResults: 1, nextToken }));
        out.push(...page.executionSummaries!.map((s) => `${s.jobId}:${s.jobExecutionSummary!.status}`));
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    };
    expect(await list({})).toEqual(["ft-ns:QUEUED", "ft-c:QUEUED", "ft-b:IN_PROGRESS", "ft-a:QUEUED"]);
    expect(await list({ status: "QUEUED" })).toEqual(["ft-ns:QUEUED", "ft-c:QUEUED", "ft-a:QUEUED"]);
    expect(await list({ status: "IN_PROGRESS" })).toEqual(["ft-b:IN_PROGRESS"]);
    expect(await list({ jobId: "ft-a" })).toEqual(["ft-a:QUEUED"]);
    expect(await list({ namespaceId: "edge" })).toEqual(["ft-ns:QUEUED"]);
    const one = (await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r6", jobId: "ft-b" }))).executionSummaries![0];
    expect(one.jobExecutionSummary).toMatchObject({ status: "IN_PROGRESS", executionNumber: 1, retryAttempt: 0 });
    expect(one.jobExecutionSummary!.startedAt).toBeInstanceOf(Date);
    // A thing with no executions: an empty list, not an error.
    expect((await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r23" }))).executionSummaries).toEqual([]);
  });
});

describe("retries, timeouts and execution numbers", () => {
  it("retries a FAILED execution as execution 2, keeps execution 1 readable by number, and deletes one attempt by number", async () => {
    await create({ jobId: "retry", targets: [thingArn("r7")], jobExecutionsRetryConfig: { criteriaList: [{ failureType: "FAILED", numberOfRetries: 1 }] } });
    await device("r7", "retry", "FAILED", { statusDetails: { reason: "disk full" } });
    const latest = (await h.iot.send(new DescribeJobExecutionCommand({ jobId: "retry", thingName: "r7" }))).execution!;
    expect(latest).toMatchObject({ status: "QUEUED", executionNumber: 2, versionNumber: 1 });
    const first = (await h.iot.send(new DescribeJobExecutionCommand({ jobId: "retry", thingName: "r7", executionNumber: 1 }))).execution!;
    expect(first).toMatchObject({ status: "FAILED", executionNumber: 1, statusDetails: { detailsMap: { reason: "disk full" } } });
    const summary = (await h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "retry" }))).executionSummaries!;
    expect(summary.map((s) => s.jobExecutionSummary)).toEqual([expect.objectContaining({ status: "QUEUED", executionNumber: 2, retryAttempt: 1 })]);
    expect((await describeJob("retry")).jobProcessDetails).toMatchObject({ numberOfQueuedThings: 1, numberOfFailedThings: 0 });

    // The retry fails too: no third attempt, and the SNAPSHOT job is COMPLETED.
    await device("r7", "retry", "FAILED");
    expect(await execStatus("retry", "r7")).toBe("FAILED");
    const done = await describeJob("retry");
    expect(done).toMatchObject({ status: "COMPLETED", jobProcessDetails: { numberOfFailedThings: 1, numberOfQueuedThings: 0 } });
    expect(done.completedAt).toBeInstanceOf(Date);
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "retry", thingName: "r7", executionNumber: 1 }));
    await expectAwsError(h.iot.send(new DescribeJobExecutionCommand({ jobId: "retry", thingName: "r7", executionNumber: 1 })), ResourceNotFoundException, 404);
    expect(await execStatus("retry", "r7", 2)).toBe("FAILED");
    // A COMPLETED job is deleted without force.
    await h.iot.send(new DeleteJobCommand({ jobId: "retry" }));
    expect((await describeJob("retry")).status).toBe("DELETION_IN_PROGRESS");
    await expectAwsError(h.iot.send(new GetJobDocumentCommand({ jobId: "retry" })), ResourceNotFoundException, 404);
  });

  it("times out an execution at the job's in-progress timeout and retries TIMED_OUT with a new execution number", async () => {
    await create({
      jobId: "slow",
      targets: [thingArn("r8"), thingArn("r9")],
      timeoutConfig: { inProgressTimeoutInMinutes: 2 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: "TIMED_OUT", numberOfRetries: 1 }] },
    });
    await device("r8", "slow", "IN_PROGRESS");
    const running = (await h.iot.send(new DescribeJobExecutionCommand({ jobId: "slow", thingName: "r8" }))).execution!;
    expect(running.approximateSecondsBeforeTimedOut).toBeGreaterThan(100);
    expect(running.approximateSecondsBeforeTimedOut).toBeLessThanOrEqual(120);
    // A QUEUED execution has no timer running.
    await advance(121);
    await until(
      () => execStatus("slow", "r8", 1),
      (s) => s === "TIMED_OUT",
      "r8 TIMED_OUT",
    );
    expect(await execStatus("slow", "r9")).toBe("QUEUED");
    const retried = (await h.iot.send(new DescribeJobExecutionCommand({ jobId: "slow", thingName: "r8" }))).execution!;
    expect(retried).toMatchObject({ status: "QUEUED", executionNumber: 2 });
    // The device learns its first attempt is over: updating it is an invalid transition.
    await expectAwsError(device("r8", "slow", "SUCCEEDED", { executionNumber: 1 }), DataInvalidStateTransitionException, 409);
  });

  it("times out at a step timeout given by the device, and a later update with -1 stops the step timer", async () => {
    await create({ jobId: "steps", targets: [thingArn("r10"), thingArn("r11")] });
    const started = await data.send(new StartNextPendingJobExecutionCommand({ thingName: "r10", stepTimeoutInMinutes: 1 }));
    expect(started.execution).toMatchObject({ jobId: "steps", status: "IN_PROGRESS" });
    await device("r11", "steps", "IN_PROGRESS", { stepTimeoutInMinutes: 1 });
    await device("r11", "steps", "IN_PROGRESS", { stepTimeoutInMinutes: -1, statusDetails: { step: "download" } });
    await advance(61);
    await until(
      () => execStatus("steps", "r10"),
      (s) => s === "TIMED_OUT",
      "r10 TIMED_OUT",
    );
    expect(await execStatus("steps", "r11")).toBe("IN_PROGRESS");
    expect((await describeJob("steps")).jobProcessDetails).toMatchObject({ numberOfTimedOutThings: 1, numberOfInProgressThings: 1 });
  });
});

describe("rollout, abort and schedules", () => {
  it("paces maximumPerMinute as emulator time passes, and UpdateJob changes the rate at once", async () => {
    const targets = things.slice(12, 18).map(thingArn);
    await create({ jobId: "paced", targets, jobExecutionsRolloutConfig: { maximumPerMinute: 2 } });
    const queued = async () => (await describeJob("paced")).jobProcessDetails!.numberOfQueuedThings!;
    expect(await queued()).toBe(1);
    expect((await describeJob("paced")).jobProcessDetails!.processingTargets).toEqual(targets);
    // "isConcurrent: true when a job is rolling out new job executions".
    expect((await describeJob("paced")).isConcurrent).toBe(true);
    expect((await h.iot.send(new ListJobsCommand({ maxResults: 250 }))).jobs!.find((j) => j.jobId === "paced")!.isConcurrent).toBe(true);
    await advance(30);
    await until(queued, (n) => n === 2, "2 released after 30 s");
    await advance(60);
    await until(queued, (n) => n === 4, "4 released after 90 s");
    await h.iot.send(new UpdateJobCommand({ jobId: "paced", jobExecutionsRolloutConfig: { maximumPerMinute: 120 } }));
    await advance(1);
    await until(queued, (n) => n === 6, "all released at the new rate");
    const job = await describeJob("paced");
    expect(job.jobExecutionsRolloutConfig).toEqual({ maximumPerMinute: 120 });
    expect(job.jobProcessDetails!.processingTargets).toBeUndefined();
    expect(job.isConcurrent).toBe(false);
  });

  it("ramps an exponential rate by its factor each time the criteria's count of things is notified", async () => {
    await create({
      jobId: "ramp",
      targets: things.slice(0, 8).map(thingArn),
      jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 2, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 2 } } },
    });
    const notified = async () => (await executions("ramp")).length;
    expect(await notified()).toBe(1);
    // 2/min (one per 30 s) until 2 are notified, then 4/min (15 s), then 8/min (7.5 s) from 4 on.
    for (const [seconds, expected] of [
      [30, 2],
      [15, 3],
      [15, 4],
      [7.5, 5],
      [7.5, 6],
    ] as const) {
      await advance(seconds);
      await until(notified, (n) => n === expected, `${expected} notified`);
    }
    expect(await notified()).toBe(6);
  });

  it("aborts the job when the failure share reaches the threshold after the minimum notified, canceling the queued", async () => {
    const targets = ["r12", "r13", "r14", "r15"];
    await create({
      jobId: "abort",
      targets: targets.map(thingArn),
      abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 50, minNumberOfExecutedThings: 4 }] },
    });
    await device("r12", "abort", "IN_PROGRESS");
    await device("r13", "abort", "FAILED");
    expect((await describeJob("abort")).status).toBe("IN_PROGRESS");
    await device("r14", "abort", "FAILED");
    const job = await describeJob("abort");
    expect(job.status).toBe("CANCELED");
    expect(job.forceCanceled).toBe(false);
    expect(job.jobProcessDetails).toMatchObject({ numberOfFailedThings: 2, numberOfCanceledThings: 1, numberOfInProgressThings: 1 });
    expect(await executions("abort")).toEqual([
      ["r12", "IN_PROGRESS"],
      ["r13", "FAILED"],
      ["r14", "FAILED"],
      ["r15", "CANCELED"],
    ]);
    // The running device may still finish; a finished execution of the canceled job is then in a terminal state.
    await device("r12", "abort", "SUCCEEDED");
    await expectAwsError(data.send(new DataDescribeJobExecutionCommand({ thingName: "r15", jobId: "abort" })), TerminalStateException, 410);
    await expectAwsError(device("r15", "abort", "IN_PROGRESS"), DataInvalidStateTransitionException, 409);
  });

  it("stays SCHEDULED with no executions until its start time, then rolls out, and cancels at its end (endBehavior CANCEL)", async () => {
    await create({
      jobId: "scheduled",
      targets: [thingArn("r16"), thingArn("r17")],
      schedulingConfig: { startTime: await at(45), endTime: await at(120), endBehavior: "CANCEL" },
    });
    expect(await describeJob("scheduled")).toMatchObject({ status: "SCHEDULED", jobProcessDetails: { numberOfQueuedThings: 0 } });
    expect(await executions("scheduled")).toEqual([]);
    expect((await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r16", jobId: "scheduled" }))).executionSummaries).toEqual([]);
    await advance(46 * 60);
    await until(
      () => describeJob("scheduled"),
      (j) => j.status === "IN_PROGRESS",
      "started",
    );
    expect(await executions("scheduled")).toEqual([
      ["r16", "QUEUED"],
      ["r17", "QUEUED"],
    ]);
    await device("r16", "scheduled", "IN_PROGRESS");
    await advance(75 * 60);
    const ended = await until(
      () => describeJob("scheduled"),
      (j) => j.status === "CANCELED",
      "canceled at its end",
    );
    expect(ended.forceCanceled).toBe(false);
    expect(await executions("scheduled")).toEqual([
      ["r16", "IN_PROGRESS"],
      ["r17", "CANCELED"],
    ]);
  });

  it("releases executions only inside a maintenance window, listing the next rollouts", async () => {
    const now = await clockNow();
    const start = new Date(now + 2 * 3600_000);
    const cron = `cron(${start.getUTCMinutes()} ${start.getUTCHours()} * * ? *)`;
    await create({
      jobId: "windowed",
      targets: [thingArn("r18"), thingArn("r19")],
      schedulingConfig: { maintenanceWindows: [{ startTime: cron, durationInMinutes: 30 }] },
    });
    const job = await describeJob("windowed");
    expect(job.jobProcessDetails!.numberOfQueuedThings).toBe(0);
    // The next seven occurrences, a day apart for a daily window.
    const day = 24 * 3600_000;
    expect(job.scheduledJobRollouts!.map((r) => r.startTime)).toEqual(
      Array.from({ length: 7 }, (_, i) => new Date(Math.floor((start.getTime() + i * day) / 60_000) * 60_000).toISOString().slice(0, 16)),
    );
    await advance(3600);
    expect(await executions("windowed")).toEqual([]);
    await advance(3600 + 60);
    await until(
      () => executions("windowed"),
      (e) => e.length === 2,
      "released inside the window",
    );
  });
});

describe("targets and membership", () => {
  beforeAll(async () => {
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "site" }));
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "site-floor1", parentGroupName: "site" }));
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "site-floor1-room", parentGroupName: "site-floor1" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "site", thingName: "r20" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "site-floor1-room", thingName: "r21" }));
  });

  it("targets the members of a group and of its child groups; a SNAPSHOT job ignores later joins", async () => {
    await create({ jobId: "snap", targets: [groupArn("site")] });
    expect(await executions("snap")).toEqual([
      ["r20", "QUEUED"],
      ["r21", "QUEUED"],
    ]);
    await create({ jobId: "cont", targets: [groupArn("site")], targetSelection: "CONTINUOUS" });
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "site-floor1", thingName: "r22" }));
    expect(await executions("snap")).toEqual([
      ["r20", "QUEUED"],
      ["r21", "QUEUED"],
    ]);
    expect(await executions("cont")).toEqual([
      ["r20", "QUEUED"],
      ["r21", "QUEUED"],
      ["r22", "QUEUED"],
    ]);
  });

  it("marks the execution of a thing that leaves a CONTINUOUS job's group REMOVED, which a device cannot update", async () => {
    await h.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "site-floor1-room", thingName: "r21" }));
    expect(await execStatus("cont", "r21")).toBe("REMOVED");
    expect(await execStatus("snap", "r21")).toBe("QUEUED");
    expect((await describeJob("cont")).jobProcessDetails).toMatchObject({ numberOfRemovedThings: 1, numberOfQueuedThings: 2 });
    await expectAwsError(device("r21", "cont", "IN_PROGRESS"), DataInvalidStateTransitionException, 409);
    // A CONTINUOUS job does not complete on its own when everything is terminal.
    for (const t of ["r20", "r22"]) await device(t, "cont", "SUCCEEDED");
    expect((await describeJob("cont")).status).toBe("IN_PROGRESS");
  });

  it("follows a dynamic group: a thing matching the query later gets an execution, one that stops matching is REMOVED", async () => {
    await h.iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: "REGISTRY" } }));
    await until(
      async () => (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus,
      (s) => s === "ACTIVE",
      "index",
    );
    await h.iot.send(new UpdateThingCommand({ thingName: "r23", attributePayload: { attributes: { ring: "canary" } } }));
    await h.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName: "canary", queryString: "attributes.ring:canary" }));
    await create({ jobId: "dyn", targets: [groupArn("canary")], targetSelection: "CONTINUOUS" });
    await create({ jobId: "dyn-snap", targets: [groupArn("canary")] });
    expect(await executions("dyn")).toEqual([["r23", "QUEUED"]]);
    await h.iot.send(new UpdateThingCommand({ thingName: "r2", attributePayload: { attributes: { ring: "canary" }, merge: true } }));
    expect(await executions("dyn")).toEqual([
      ["r2", "QUEUED"],
      ["r23", "QUEUED"],
    ]);
    expect(await executions("dyn-snap")).toEqual([["r23", "QUEUED"]]);
    await h.iot.send(new UpdateThingCommand({ thingName: "r23", attributePayload: { attributes: { ring: "stable" }, merge: true } }));
    expect(await execStatus("dyn", "r23")).toBe("REMOVED");
    expect(await execStatus("dyn-snap", "r23")).toBe("QUEUED");
  });
});

describe("the execution state machine from the control plane", () => {
  it("cancels a QUEUED execution without force (not force-canceled), then refuses a device update and a second cancel", async () => {
    await create({ jobId: "sm", targets: [thingArn("r0"), thingArn("r1")] });
    await h.iot.send(new CancelJobExecutionCommand({ jobId: "sm", thingName: "r0", statusDetails: { by: "operator" } }));
    const { execution } = await h.iot.send(new DescribeJobExecutionCommand({ jobId: "sm", thingName: "r0" }));
    expect(execution).toMatchObject({ status: "CANCELED", forceCanceled: false, versionNumber: 2, statusDetails: { detailsMap: { by: "operator" } } });
    await expectAwsError(device("r0", "sm", "IN_PROGRESS"), DataInvalidStateTransitionException, 409);
    await expectAwsError(h.iot.send(new CancelJobExecutionCommand({ jobId: "sm", thingName: "r0" })), InvalidStateTransitionException, 409);
    // With force, even a QUEUED execution is marked forceCanceled ("canceled with the optional force parameter set to true").
    await create({ jobId: "sm-force", targets: [thingArn("r0")] });
    await h.iot.send(new CancelJobExecutionCommand({ jobId: "sm-force", thingName: "r0", force: true }));
    expect((await h.iot.send(new DescribeJobExecutionCommand({ jobId: "sm-force", thingName: "r0" }))).execution).toMatchObject({
      status: "CANCELED",
      forceCanceled: true,
    });
    // Force-deleting a SNAPSHOT job's last pending execution leaves nothing to wait for: the job is COMPLETED.
    await create({ jobId: "sm-delete", targets: [thingArn("r1")] });
    await device("r1", "sm-delete", "IN_PROGRESS");
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "sm-delete", thingName: "r1", executionNumber: 1, force: true }));
    expect(await describeJob("sm-delete")).toMatchObject({ status: "COMPLETED", jobProcessDetails: { numberOfInProgressThings: 0 } });
    await expectAwsError(device("r1", "sm-delete", "SUCCEEDED"), DataResourceNotFoundException, 404);
    // Deleting a QUEUED execution needs force; a CANCELED one does not.
    await expectAwsError(h.iot.send(new DeleteJobExecutionCommand({ jobId: "sm", thingName: "r1", executionNumber: 1 })), InvalidStateTransitionException, 409);
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "sm", thingName: "r0", executionNumber: 1 }));
    // The last pending execution finishing completes the SNAPSHOT job.
    await device("r1", "sm", "REJECTED", { statusDetails: { reason: "unknown operation" } });
    expect(await describeJob("sm")).toMatchObject({ status: "COMPLETED", jobProcessDetails: { numberOfRejectedThings: 1, numberOfCanceledThings: 0 } });
  });

  it("force-cancels a job with its reason, and the id can be reused once the deletion is done", async () => {
    await create({ jobId: "reuse", targets: [thingArn("r3")] });
    await device("r3", "reuse", "IN_PROGRESS");
    await h.iot.send(new CancelJobCommand({ jobId: "reuse", force: true, reasonCode: "BAD_BUILD", comment: "stop everything" }));
    expect(await describeJob("reuse")).toMatchObject({
      status: "CANCELED",
      forceCanceled: true,
      reasonCode: "BAD_BUILD",
      comment: "stop everything",
      jobProcessDetails: { numberOfCanceledThings: 1, numberOfInProgressThings: 0 },
    });
    const exec = (await h.iot.send(new DescribeJobExecutionCommand({ jobId: "reuse", thingName: "r3" }))).execution!;
    expect(exec).toMatchObject({ status: "CANCELED", forceCanceled: true });
    await h.iot.send(new DeleteJobCommand({ jobId: "reuse" }));
    await advance(5);
    await until(
      () =>
        h.iot.send(new DescribeJobCommand({ jobId: "reuse" })).then(
          () => "still there",
          (e: Error) => e.name,
        ),
      (s) => s === "ResourceNotFoundException",
      "deletion done",
    );
    expect((await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "r3", jobId: "reuse" }))).executionSummaries).toEqual([]);
    await create({ jobId: "reuse", targets: [thingArn("r3")], description: "second life" });
    expect(await describeJob("reuse")).toMatchObject({ status: "IN_PROGRESS", description: "second life", jobProcessDetails: { numberOfQueuedThings: 1 } });
    expect(await execStatus("reuse", "r3")).toBe("QUEUED");
  });
});

describe("job templates", () => {
  it("pages ListJobTemplates newest first, and a job's own settings win over its template's", async () => {
    for (const id of ["tp-a", "tp-b", "tp-c"]) {
      await h.iot.send(
        new CreateJobTemplateCommand({ jobTemplateId: id, description: `template ${id}`, document: doc, timeoutConfig: { inProgressTimeoutInMinutes: 5 } }),
      );
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.iot.send(new ListJobTemplatesCommand({ maxResults: 2, nextToken }));
      seen.push(...page.jobTemplates!.map((t) => t.jobTemplateId!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual(["tp-c", "tp-b", "tp-a"]);
    const own = JSON.stringify({ operation: "agent-update", version: "7.3.0" });
    await h.iot.send(
      new CreateJobCommand({
        jobId: "from-tp",
        targets: [thingArn("r4")],
        jobTemplateArn: `${ARN}:jobtemplate/tp-b`,
        document: own,
        timeoutConfig: { inProgressTimeoutInMinutes: 9 },
      }),
    );
    expect(await describeJob("from-tp")).toMatchObject({ jobTemplateArn: `${ARN}:jobtemplate/tp-b`, timeoutConfig: { inProgressTimeoutInMinutes: 9 } });
    expect((await h.iot.send(new GetJobDocumentCommand({ jobId: "from-tp" }))).document).toBe(own);
    // Deleting the template leaves the job that was made from it.
    await h.iot.send(new DeleteJobTemplateCommand({ jobTemplateId: "tp-b" }));
    expect((await describeJob("from-tp")).status).toBe("IN_PROGRESS");
  });
});

describe("documents in S3 and presigned URLs", () => {
  it("reads documentSource from the emulator's S3 and gives each device a presigned URL that downloads the artifact", async () => {
    const s3 = new S3Client({ ...h.clientConfig, forcePathStyle: true, maxAttempts: 1 });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "ota-artifacts" }));
      const artifact = Buffer.from("agent 7.3.0 build\n".repeat(100));
      await s3.send(new PutObjectCommand({ Bucket: "ota-artifacts", Key: "agent/7.3.0.tgz", Body: artifact }));
      const stored = JSON.stringify({
        operation: "agent-update",
        version: "7.3.0",
        url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/ota-artifacts/agent/7.3.0.tgz}",
      });
      await s3.send(new PutObjectCommand({ Bucket: "ota-artifacts", Key: "jobs/update.json", Body: stored }));
      const source = "https://s3.us-east-1.amazonaws.com/ota-artifacts/jobs/update.json";
      await h.iot.send(
        new CreateJobCommand({
          jobId: "ota-s3",
          targets: [thingArn("r5")],
          documentSource: source,
          presignedUrlConfig: { roleArn: "arn:aws:iam::000000000000:role/ota-download", expiresInSec: 300 },
        }),
      );
      const described = await h.iot.send(new DescribeJobCommand({ jobId: "ota-s3" }));
      expect(described.documentSource).toBe(source);
      expect(described.job!.presignedUrlConfig).toEqual({ roleArn: "arn:aws:iam::000000000000:role/ota-download", expiresInSec: 300 });
      // The control plane shows the document as stored, placeholder and all.
      expect((await h.iot.send(new GetJobDocumentCommand({ jobId: "ota-s3" }))).document).toBe(stored);
      const seen = (await data.send(new DataDescribeJobExecutionCommand({ thingName: "r5", jobId: "ota-s3" }))).execution!;
      const { url } = JSON.parse(seen.jobDocument!) as { url: string };
      expect(url).toMatch(/X-Amz-Expires=300/);
      expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(artifact)).toBe(true);
      // A document over 32 KB in S3 is refused like an inline one.
      await s3.send(new PutObjectCommand({ Bucket: "ota-artifacts", Key: "jobs/big.json", Body: JSON.stringify({ pad: "p".repeat(33_000) }) }));
      await expectAwsError(
        create({ jobId: "ota-big", document: undefined, documentSource: "https://s3.us-east-1.amazonaws.com/ota-artifacts/jobs/big.json" }),
        InvalidRequestException,
        400,
      );
    } finally {
      s3.destroy();
    }
  });
});

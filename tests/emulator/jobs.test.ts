import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddThingToThingGroupCommand,
  AssociateTargetsWithJobCommand,
  CancelJobCommand,
  CancelJobExecutionCommand,
  CreateJobCommand,
  CreateJobTemplateCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteJobCommand,
  DeleteJobExecutionCommand,
  DeleteJobTemplateCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeJobTemplateCommand,
  GetJobDocumentCommand,
  InvalidRequestException,
  InvalidStateTransitionException,
  IoTClient,
  LimitExceededException,
  ListJobExecutionsForJobCommand,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  ListJobTemplatesCommand,
  ConflictException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateJobCommand,
  VersionConflictException,
  type CreateJobCommandInput,
  type ListJobsCommandInput,
} from "@aws-sdk/client-iot";
import { IoTJobsDataPlaneClient, UpdateJobExecutionCommand } from "@aws-sdk/client-iot-jobs-data-plane";
import { expectAwsError, inBatches, startHarness, type Harness } from "./harness";

/**
 * The Jobs control plane through @aws-sdk/client-iot against the real emulator: every
 * operation, its validation with AWS's exception names and statuses, paging, templates,
 * deletion, and the emulator clock's admin route. Devices are moved with the
 * iot-jobs-data client where a test needs an execution IN_PROGRESS or finished.
 */
let h: Harness<IoTClient>;
let data: IoTJobsDataPlaneClient;
const arnOf = (kind: "thing" | "thinggroup", name: string) => `arn:aws:iot:us-east-1:000000000000:${kind}/${name}`;
const doc = JSON.stringify({ operation: "reboot" });
const create = (input: Partial<CreateJobCommandInput> & { jobId: string }) =>
  h.iot.send(new CreateJobCommand({ targets: [arnOf("thing", "t0")], document: doc, ...input }));
const things = Array.from({ length: 30 }, (_, i) => `t${i}`);

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTJobsDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  await inBatches(things, 10, (t) => h.iot.send(new CreateThingCommand({ thingName: t })));
  await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "fleet" }));
  await inBatches(things.slice(0, 20), 10, (t) => h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet", thingName: t })));
});
afterAll(async () => {
  data.destroy();
  await h.stop();
});

const advance = (advanceSeconds: number) => fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds }) });

describe("CreateJob, DescribeJob, GetJobDocument", () => {
  it("creates a job on a group with its executions QUEUED, and describes it with counts", async () => {
    const out = await create({ jobId: "group-job", targets: [arnOf("thinggroup", "fleet")], description: "reboot the fleet" });
    expect(out).toMatchObject({ jobArn: "arn:aws:iot:us-east-1:000000000000:job/group-job", jobId: "group-job", description: "reboot the fleet" });
    const { job } = await h.iot.send(new DescribeJobCommand({ jobId: "group-job" }));
    expect(job).toMatchObject({
      jobId: "group-job",
      targetSelection: "SNAPSHOT",
      status: "IN_PROGRESS",
      targets: [arnOf("thinggroup", "fleet")],
      description: "reboot the fleet",
      jobProcessDetails: { numberOfQueuedThings: 20, numberOfInProgressThings: 0, numberOfSucceededThings: 0 },
    });
    expect(job!.createdAt).toBeInstanceOf(Date);
    expect((await h.iot.send(new GetJobDocumentCommand({ jobId: "group-job" }))).document).toBe(doc);
    await expectAwsError(create({ jobId: "group-job" }), ResourceAlreadyExistsException, 409);
    await expectAwsError(h.iot.send(new DescribeJobCommand({ jobId: "nope" })), ResourceNotFoundException, 404);
  });

  it("validates what botocore does not: maxima, patterns, enums, and the document", async () => {
    const bad: Array<[Partial<CreateJobCommandInput> & { jobId: string }, new (...a: never[]) => Error, number]> = [
      [{ jobId: "x".repeat(65) }, InvalidRequestException, 400],
      [{ jobId: "has.dot" }, InvalidRequestException, 400],
      [{ jobId: "v1", document: "x".repeat(32_769) }, InvalidRequestException, 400],
      [{ jobId: "v2", document: "not json" }, InvalidRequestException, 400],
      [{ jobId: "v3", document: undefined }, InvalidRequestException, 400],
      [{ jobId: "v4", description: "bell\u0007" }, InvalidRequestException, 400],
      [{ jobId: "v5", presignedUrlConfig: { expiresInSec: 3601 } }, InvalidRequestException, 400],
      [
        {
          jobId: "v6",
          jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 1001, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
        },
        InvalidRequestException,
        400,
      ],
      [
        {
          jobId: "v7",
          jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 10, incrementFactor: 5.5, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
        },
        InvalidRequestException,
        400,
      ],
      [
        { jobId: "v8", abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 100.5, minNumberOfExecutedThings: 1 }] } },
        InvalidRequestException,
        400,
      ],
      [{ jobId: "v9", timeoutConfig: { inProgressTimeoutInMinutes: 10_081 } }, InvalidRequestException, 400],
      [{ jobId: "v10", jobExecutionsRetryConfig: { criteriaList: [{ failureType: "FAILED", numberOfRetries: 11 }] } }, InvalidRequestException, 400],
      [{ jobId: "v11", targetSelection: "SOMETIMES" as never }, InvalidRequestException, 400],
      [{ jobId: "v12", schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 25 * * ? *)", durationInMinutes: 30 }] } }, InvalidRequestException, 400],
      [{ jobId: "v13", schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 1 * * ? *)", durationInMinutes: 1431 }] } }, InvalidRequestException, 400],
      [{ jobId: "v14", targets: Array.from({ length: 101 }, (_, i) => arnOf("thing", `t${i % 30}`)) }, LimitExceededException, 410],
      [{ jobId: "v15", targets: [arnOf("thing", "ghost")] }, ResourceNotFoundException, 404],
      [{ jobId: "v16", documentParameters: { a: "b" } }, InvalidRequestException, 400],
    ];
    for (const [input, type, status] of bad) await expectAwsError(create(input), type as never, status);
    // Nothing was created by the refused calls.
    const { jobs } = await h.iot.send(new ListJobsCommand({}));
    expect(jobs!.some((j) => j.jobId!.startsWith("v"))).toBe(false);
  });
});

describe("executions", () => {
  it("pages ListJobExecutionsForJob to the end by position, with a status filter", async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "group-job", maxResults: 7, nextToken }));
      seen.push(...page.executionSummaries!.map((s) => s.thingArn!.split("/")[1]));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen.sort()).toEqual(things.slice(0, 20).sort());
    await data.send(new UpdateJobExecutionCommand({ thingName: "t3", jobId: "group-job", status: "IN_PROGRESS" }));
    const running = await h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "group-job", status: "IN_PROGRESS" }));
    expect(running.executionSummaries!.map((s) => s.thingArn)).toEqual([arnOf("thing", "t3")]);
    expect(running.nextToken).toBeUndefined();
  });

  it("describes one execution, lists a thing's executions, and cancels one with AWS's rules", async () => {
    const { execution } = await h.iot.send(new DescribeJobExecutionCommand({ jobId: "group-job", thingName: "t3" }));
    expect(execution).toMatchObject({ jobId: "group-job", status: "IN_PROGRESS", thingArn: arnOf("thing", "t3"), executionNumber: 1, versionNumber: 2 });
    const forThing = await h.iot.send(new ListJobExecutionsForThingCommand({ thingName: "t3" }));
    expect(forThing.executionSummaries!.map((s) => [s.jobId, s.jobExecutionSummary!.status])).toEqual([["group-job", "IN_PROGRESS"]]);

    await expectAwsError(h.iot.send(new CancelJobExecutionCommand({ jobId: "group-job", thingName: "t3" })), InvalidStateTransitionException, 409);
    await expectAwsError(
      h.iot.send(new CancelJobExecutionCommand({ jobId: "group-job", thingName: "t3", force: true, expectedVersion: 1 })),
      VersionConflictException,
      409,
    );
    await h.iot.send(new CancelJobExecutionCommand({ jobId: "group-job", thingName: "t3", force: true, expectedVersion: 2, statusDetails: { why: "stuck" } }));
    const after = await h.iot.send(new DescribeJobExecutionCommand({ jobId: "group-job", thingName: "t3" }));
    expect(after.execution).toMatchObject({ status: "CANCELED", forceCanceled: true, statusDetails: { detailsMap: { why: "stuck" } } });
    await expectAwsError(h.iot.send(new CancelJobExecutionCommand({ jobId: "group-job", thingName: "t3", force: true })), InvalidStateTransitionException, 409);
    await h.iot.send(new CancelJobExecutionCommand({ jobId: "group-job", thingName: "t4" }));
  });

  it("deletes only terminal executions unless forced", async () => {
    await expectAwsError(
      h.iot.send(new DeleteJobExecutionCommand({ jobId: "group-job", thingName: "t5", executionNumber: 1 })),
      InvalidStateTransitionException,
      409,
    );
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "group-job", thingName: "t4", executionNumber: 1 }));
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "group-job", thingName: "t5", executionNumber: 1, force: true }));
    await expectAwsError(h.iot.send(new DescribeJobExecutionCommand({ jobId: "group-job", thingName: "t4" })), ResourceNotFoundException, 404);
    const { job } = await h.iot.send(new DescribeJobCommand({ jobId: "group-job" }));
    expect(job!.jobProcessDetails).toMatchObject({ numberOfQueuedThings: 17, numberOfCanceledThings: 1 });
  });
});

describe("UpdateJob, CancelJob, ListJobs", () => {
  it("updates the configuration, cancels with a reason, and refuses a lowercase reason code", async () => {
    await create({ jobId: "to-cancel", targets: [arnOf("thing", "t25"), arnOf("thing", "t26")] });
    await h.iot.send(new UpdateJobCommand({ jobId: "to-cancel", description: "changed", jobExecutionsRolloutConfig: { maximumPerMinute: 5 } }));
    const { job } = await h.iot.send(new DescribeJobCommand({ jobId: "to-cancel" }));
    expect(job).toMatchObject({ description: "changed", jobExecutionsRolloutConfig: { maximumPerMinute: 5 } });
    await expectAwsError(h.iot.send(new CancelJobCommand({ jobId: "to-cancel", reasonCode: "bad build" })), InvalidRequestException, 400);
    await data.send(new UpdateJobExecutionCommand({ thingName: "t25", jobId: "to-cancel", status: "IN_PROGRESS" }));
    await h.iot.send(new CancelJobCommand({ jobId: "to-cancel", reasonCode: "BAD_BUILD_7", comment: "stop it" }));
    const canceled = await h.iot.send(new DescribeJobCommand({ jobId: "to-cancel" }));
    expect(canceled.job).toMatchObject({ status: "CANCELED", forceCanceled: false, reasonCode: "BAD_BUILD_7", comment: "stop it" });
    expect(canceled.job!.jobProcessDetails).toMatchObject({ numberOfInProgressThings: 1, numberOfCanceledThings: 1 });
    await h.iot.send(new CancelJobCommand({ jobId: "to-cancel", force: true }));
    const forced = await h.iot.send(new DescribeJobCommand({ jobId: "to-cancel" }));
    expect(forced.job).toMatchObject({ forceCanceled: true, jobProcessDetails: { numberOfInProgressThings: 0, numberOfCanceledThings: 2 } });
  });

  it("lists jobs newest first with every filter, paging to the end", async () => {
    await create({ jobId: "continuous", targets: [arnOf("thinggroup", "fleet")], targetSelection: "CONTINUOUS" });
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.iot.send(new ListJobsCommand({ maxResults: 1, nextToken }));
      all.push(...page.jobs!.map((j) => j.jobId!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual(["continuous", "to-cancel", "group-job"]);
    const ids = async (input: ListJobsCommandInput) => (await h.iot.send(new ListJobsCommand(input))).jobs!.map((j) => j.jobId);
    expect(await ids({ status: "CANCELED" })).toEqual(["to-cancel"]);
    expect(await ids({ targetSelection: "CONTINUOUS" })).toEqual(["continuous"]);
    expect(await ids({ thingGroupName: "fleet" })).toEqual(["continuous", "group-job"]);
    await expectAwsError(h.iot.send(new ListJobsCommand({ maxResults: 251 })), InvalidRequestException, 400);
  });

  it("associates targets with a CONTINUOUS job only", async () => {
    await expectAwsError(
      h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "group-job", targets: [arnOf("thing", "t29")] })),
      InvalidRequestException,
      400,
    );
    await h.iot.send(new AssociateTargetsWithJobCommand({ jobId: "continuous", targets: [arnOf("thing", "t29")], comment: "one more" }));
    const { execution } = await h.iot.send(new DescribeJobExecutionCommand({ jobId: "continuous", thingName: "t29" }));
    expect(execution!.status).toBe("QUEUED");
  });
});

describe("DeleteJob", () => {
  it("needs force for a running job, shows DELETION_IN_PROGRESS, allows ten at once, and frees the id", async () => {
    await expectAwsError(h.iot.send(new DeleteJobCommand({ jobId: "continuous" })), InvalidStateTransitionException, 409);
    await h.iot.send(new DeleteJobCommand({ jobId: "continuous", force: true }));
    expect((await h.iot.send(new DescribeJobCommand({ jobId: "continuous" }))).job!.status).toBe("DELETION_IN_PROGRESS");
    for (let i = 0; i < 9; i++) {
      await create({ jobId: `d${i}` });
      await h.iot.send(new DeleteJobCommand({ jobId: `d${i}`, force: true }));
    }
    await create({ jobId: "d9" });
    await expectAwsError(h.iot.send(new DeleteJobCommand({ jobId: "d9", force: true })), LimitExceededException, 410);
    await expectAwsError(create({ jobId: "continuous" }), ResourceAlreadyExistsException, 409);
    expect((await advance(2)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    await expectAwsError(h.iot.send(new DescribeJobCommand({ jobId: "continuous" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DescribeJobExecutionCommand({ jobId: "continuous", thingName: "t29" })), ResourceNotFoundException, 404);
    await create({ jobId: "continuous" });
    expect((await h.iot.send(new DescribeJobCommand({ jobId: "continuous" }))).job!.status).toBe("IN_PROGRESS");
    await h.iot.send(new DeleteJobCommand({ jobId: "d9", force: true }));
  });
});

describe("job templates", () => {
  it("creates, describes, lists and deletes templates, and creates a job from one", async () => {
    const created = await h.iot.send(
      new CreateJobTemplateCommand({
        jobTemplateId: "reboot-template",
        description: "reboot",
        document: doc,
        timeoutConfig: { inProgressTimeoutInMinutes: 30 },
        maintenanceWindows: [{ startTime: "cron(0 2 * * ? *)", durationInMinutes: 60 }],
      }),
    );
    expect(created.jobTemplateArn).toBe("arn:aws:iot:us-east-1:000000000000:jobtemplate/reboot-template");
    await expectAwsError(
      h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "reboot-template", description: "again", document: doc })),
      ConflictException,
      409,
    );
    await expectAwsError(h.iot.send(new CreateJobTemplateCommand({ jobTemplateId: "empty", description: "nothing" })), InvalidRequestException, 400);
    const described = await h.iot.send(new DescribeJobTemplateCommand({ jobTemplateId: "reboot-template" }));
    expect(described).toMatchObject({
      jobTemplateId: "reboot-template",
      description: "reboot",
      document: doc,
      timeoutConfig: { inProgressTimeoutInMinutes: 30 },
    });
    await h.iot.send(
      new CreateJobTemplateCommand({ jobTemplateId: "from-job", description: "copy", jobArn: "arn:aws:iot:us-east-1:000000000000:job/group-job" }),
    );
    expect((await h.iot.send(new DescribeJobTemplateCommand({ jobTemplateId: "from-job" }))).document).toBe(doc);
    const listed = await h.iot.send(new ListJobTemplatesCommand({}));
    expect(listed.jobTemplates!.map((t) => t.jobTemplateId)).toEqual(["from-job", "reboot-template"]);

    await h.iot.send(new CreateJobCommand({ jobId: "templated", targets: [arnOf("thing", "t27")], jobTemplateArn: created.jobTemplateArn }));
    const { job } = await h.iot.send(new DescribeJobCommand({ jobId: "templated" }));
    expect(job).toMatchObject({
      jobTemplateArn: created.jobTemplateArn,
      timeoutConfig: { inProgressTimeoutInMinutes: 30 },
      schedulingConfig: { maintenanceWindows: [{ startTime: "cron(0 2 * * ? *)", durationInMinutes: 60 }] },
    });
    expect(job!.scheduledJobRollouts!.length).toBeGreaterThan(0);
    expect((await h.iot.send(new GetJobDocumentCommand({ jobId: "templated" }))).document).toBe(doc);
    await expectAwsError(
      h.iot.send(
        new CreateJobCommand({ jobId: "no-template", targets: [arnOf("thing", "t27")], jobTemplateArn: "arn:aws:iot:us-east-1:000000000000:jobtemplate/none" }),
      ),
      ResourceNotFoundException,
      404,
    );
    await h.iot.send(new DeleteJobTemplateCommand({ jobTemplateId: "from-job" }));
    await expectAwsError(h.iot.send(new DescribeJobTemplateCommand({ jobTemplateId: "from-job" })), ResourceNotFoundException, 404);
  });
});

describe("the emulator clock", () => {
  it("reports and advances the time, and refuses a step back", async () => {
    const before = (await (await fetch(`${h.emulator.endpoint}/_emulator/clock`)).json()) as { nowMs: number; offsetSeconds: number };
    const moved = (await (await advance(3600)).json()) as { nowMs: number; offsetSeconds: number };
    expect(moved.offsetSeconds - before.offsetSeconds).toBe(3600);
    expect((await advance(-1)).status).toBe(400);
    expect((await fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: "{" })).status).toBe(400);
  });
});

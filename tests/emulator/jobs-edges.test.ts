import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddThingToThingGroupCommand,
  CreateJobCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteJobExecutionCommand,
  DescribeJobCommand,
  InvalidRequestException,
  IoTClient,
  ListJobExecutionsForJobCommand,
  RemoveThingFromThingGroupCommand,
  type CreateJobCommandInput,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * Edges of the Jobs control plane through the real @aws-sdk/client-iot: malformed
 * percent escapes in S3 URLs, maintenance windows that never open, and a thing whose
 * execution was deleted coming back to a CONTINUOUS job.
 */

let h: Harness<IoTClient>;
const ARN = "arn:aws:iot:us-east-1:000000000000";
const thingArn = (n: string) => `${ARN}:thing/${n}`;
const groupArn = (n: string) => `${ARN}:thinggroup/${n}`;
const doc = JSON.stringify({ operation: "reboot" });

beforeAll(async () => {
  h = await startHarness(IoTClient);
  await h.iot.send(new CreateThingCommand({ thingName: "e0" }));
});
afterAll(async () => {
  await h?.stop();
});

const create = (input: Partial<CreateJobCommandInput> & { jobId: string }) =>
  h.iot.send(new CreateJobCommand({ targets: [thingArn("e0")], document: doc, ...input }));
const clockNow = async () => ((await (await fetch(`${h.emulator.endpoint}/_emulator/clock`)).json()) as { nowMs: number }).nowMs;

describe("S3 URLs with a malformed escape", () => {
  it("refuses them with InvalidRequestException, not an internal failure", async () => {
    await expectAwsError(
      create({ jobId: "bad-source", document: undefined, documentSource: "https://s3.amazonaws.com/bucket/%E0%A4%A" }),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      create({
        jobId: "bad-placeholder",
        document: JSON.stringify({ url: "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bucket/%zz}" }),
        presignedUrlConfig: { expiresInSec: 600 },
      }),
      InvalidRequestException,
      400,
    );
  });
});

describe("maintenance windows", () => {
  it("refuses a window that never opens: a year decades ahead, or a day that never comes", async () => {
    for (const startTime of ["cron(* * * * ? 2099)", "cron(0 0 31 2 ? *)", "cron(0 12 * * ? 2001-2003)"]) {
      const err = await expectAwsError(
        create({ jobId: `never-${startTime.length}`, schedulingConfig: { maintenanceWindows: [{ startTime, durationInMinutes: 30 }] } }),
        InvalidRequestException,
        400,
      );
      expect(err.message).toContain("maintenanceWindows");
    }
  });

  it("lists the rollouts of an hourly window of next year from its January 1", async () => {
    const next = new Date(await clockNow()).getUTCFullYear() + 1;
    await create({ jobId: "next-year", schedulingConfig: { maintenanceWindows: [{ startTime: `cron(0 * * * ? ${next})`, durationInMinutes: 30 }] } });
    const job = (await h.iot.send(new DescribeJobCommand({ jobId: "next-year" }))).job!;
    expect(job.jobProcessDetails!.numberOfQueuedThings).toBe(0);
    expect(job.scheduledJobRollouts!.map((r) => r.startTime)).toEqual(Array.from({ length: 7 }, (_, i) => `${next}-01-01T0${i}:00`));
  });
});

describe("a deleted execution's thing coming back to a CONTINUOUS job", () => {
  it("is listed once, with the next execution number", async () => {
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "edge-group" }));
    await h.iot.send(new CreateThingCommand({ thingName: "e1" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "edge-group", thingName: "e1" }));
    await create({ jobId: "comeback", targets: [groupArn("edge-group")], targetSelection: "CONTINUOUS" });
    await h.iot.send(new DeleteJobExecutionCommand({ jobId: "comeback", thingName: "e1", executionNumber: 1, force: true }));
    await h.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "edge-group", thingName: "e1" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "edge-group", thingName: "e1" }));
    const page = await h.iot.send(new ListJobExecutionsForJobCommand({ jobId: "comeback" }));
    expect(page.executionSummaries!.map((s) => [s.thingArn, s.jobExecutionSummary!.status, s.jobExecutionSummary!.executionNumber])).toEqual([
      [thingArn("e1"), "QUEUED", 2],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateThingCommand, IoTClient } from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "./harness";

/**
 * The AWS CLI (`aws iot` and `aws iot-jobs-data`, --endpoint-url) against the emulator: a
 * job created, followed by a device through the data plane to SUCCEEDED, then canceled.
 * Each invocation costs about a second, so this stays a handful of calls.
 */

const run = promisify(execFile);
let h: Harness<IoTClient>;
let home: string;
let env: NodeJS.ProcessEnv;
const ARN = "arn:aws:iot:us-east-1:000000000000";

beforeAll(async () => {
  h = await startHarness(IoTClient);
  for (const thingName of ["cli-a", "cli-b"]) await h.iot.send(new CreateThingCommand({ thingName }));
  home = mkdtempSync(join(tmpdir(), "jobs-cli-"));
  writeFileSync(join(home, "config"), "[default]\nregion = us-east-1\n");
  env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  } as unknown as NodeJS.ProcessEnv;
});
afterAll(async () => {
  await h?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function aws<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const { stdout } = await run("aws", ["--endpoint-url", h.emulator.endpoint, "--output", "json", ...args], { env });
  return (stdout.trim() ? JSON.parse(stdout) : {}) as T;
}

describe("aws iot and aws iot-jobs-data", () => {
  it("create a job, run one execution to SUCCEEDED from the device side, list and cancel it", { timeout: 60_000 }, async () => {
    const created = await aws(
      "iot",
      "create-job",
      "--job-id",
      "cli-job",
      "--targets",
      `${ARN}:thing/cli-a`,
      `${ARN}:thing/cli-b`,
      "--document",
      '{"operation":"reboot"}',
      "--job-executions-rollout-config",
      "maximumPerMinute=100",
    );
    expect(created).toMatchObject({ jobArn: `${ARN}:job/cli-job`, jobId: "cli-job" });

    const pending = await aws<{ queuedJobs: Array<{ jobId: string; executionNumber: number }>; inProgressJobs: unknown[] }>(
      "iot-jobs-data",
      "get-pending-job-executions",
      "--thing-name",
      "cli-a",
    );
    expect(pending.inProgressJobs).toEqual([]);
    expect(pending.queuedJobs).toEqual([expect.objectContaining({ jobId: "cli-job", executionNumber: 1 })]);

    const started = await aws<{ execution: { jobId: string; status: string; versionNumber: number; jobDocument: string; statusDetails: object } }>(
      "iot-jobs-data",
      "start-next-pending-job-execution",
      "--thing-name",
      "cli-a",
      "--status-details",
      "step=download",
    );
    expect(started.execution).toMatchObject({ jobId: "cli-job", status: "IN_PROGRESS", statusDetails: { step: "download" } });
    expect(JSON.parse(started.execution.jobDocument)).toEqual({ operation: "reboot" });

    const updated = await aws<{ executionState: { status: string; versionNumber: number } }>(
      "iot-jobs-data",
      "update-job-execution",
      "--thing-name",
      "cli-a",
      "--job-id",
      "cli-job",
      "--status",
      "SUCCEEDED",
      "--expected-version",
      String(started.execution.versionNumber),
      "--include-job-execution-state",
    );
    expect(updated.executionState).toMatchObject({ status: "SUCCEEDED", versionNumber: started.execution.versionNumber + 1 });

    const listed = await aws<{ executionSummaries: Array<{ thingArn: string; jobExecutionSummary: { status: string } }> }>(
      "iot",
      "list-job-executions-for-job",
      "--job-id",
      "cli-job",
    );
    expect(listed.executionSummaries.map((s) => [s.thingArn, s.jobExecutionSummary.status]).sort()).toEqual([
      [`${ARN}:thing/cli-a`, "SUCCEEDED"],
      [`${ARN}:thing/cli-b`, "QUEUED"],
    ]);

    await aws("iot", "cancel-job", "--job-id", "cli-job", "--reason-code", "OPERATOR_STOP", "--comment", "from the cli", "--force");
    const described = await aws<{ job: Record<string, unknown> & { jobProcessDetails: Record<string, number> } }>("iot", "describe-job", "--job-id", "cli-job");
    expect(described.job).toMatchObject({
      status: "CANCELED",
      forceCanceled: true,
      reasonCode: "OPERATOR_STOP",
      comment: "from the cli",
      jobExecutionsRolloutConfig: { maximumPerMinute: 100 },
      jobProcessDetails: { numberOfSucceededThings: 1, numberOfCanceledThings: 1, numberOfQueuedThings: 0 },
    });

    // An error reaches the CLI with AWS's code and status.
    const err = await aws("iot", "describe-job", "--job-id", "no-such-job").then(
      () => "",
      (e: { stderr: string }) => e.stderr,
    );
    expect(err).toMatch(/ResourceNotFoundException/);
  });
});

import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";

/** The AWS calls the retry made, by operation name; `refuseAdd` makes AddThingToThingGroup fail for those things. */
const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
let refuseAdd = new Set<string>();
let failing = 0;

vi.mock("./client", () => ({
  aws: async (operation: string, call: (c: { send: (cmd: { input: Record<string, unknown> }) => Promise<unknown> }) => Promise<unknown>) =>
    call({
      send: async (cmd) => {
        calls.push({ op: operation, input: cmd.input });
        const meta = { $metadata: { requestId: `req-${operation}` } };
        switch (operation) {
          case "DescribeJob":
            return { ...meta, job: { jobId: cmd.input.jobId } };
          case "GetJobDocument":
            return { ...meta, document: "{}" };
          case "CreateThingGroup":
            return { ...meta, thingGroupArn: `arn:aws:iot:eu-west-1:123:thinggroup/${cmd.input.thingGroupName}` };
          case "AddThingToThingGroup":
            if (refuseAdd.has(cmd.input.thingName as string)) throw new AppError("throttled", "AWS IoT is rate-limiting.");
            return meta;
          case "DeleteThingGroup":
          case "CreateJob":
            return { ...meta, jobId: cmd.input.jobId, jobArn: `arn:job/${cmd.input.jobId}` };
          default:
            throw new Error(`unexpected ${operation}`);
        }
      },
    }),
}));
vi.mock("./jobs", () => ({
  listAllJobExecutionArns: async () => Array.from({ length: failing }, (_, i) => ({ thingName: `t${i}`, thingArn: `arn:aws:iot:eu-west-1:123:thing/t${i}` })),
}));

const { createRetryJob, retryGroupRefusal } = await import("./jobs-retry");

const input = { jobId: "rollout-1", newJobId: "rollout-1-retry", includeRejected: false };
const ops = () => calls.map((c) => c.op);

beforeEach(() => {
  calls.length = 0;
  refuseAdd = new Set();
});

describe("retry the failed: more than 100 things needs registry.write", () => {
  it("refuses only above 100 things without registry.write", () => {
    expect(retryGroupRefusal(100, false)).toBeNull();
    expect(retryGroupRefusal(101, false)).toMatch(/creating groups is for admins \(registry.write\)/);
    expect(retryGroupRefusal(101, true)).toBeNull();
  });

  it("names up to 100 things directly, with no group, for a responder", async () => {
    failing = 100;
    const audit = vi.fn();
    const out = await createRetryJob(input, { canCreateGroups: false, auditGroup: audit });
    expect(out.group).toBeNull();
    expect(ops()).not.toContain("CreateThingGroup");
    expect((calls.find((c) => c.op === "CreateJob")?.input.targets as string[]).length).toBe(100);
    expect(audit).not.toHaveBeenCalled();
  });

  it("refuses 101 things to a responder before writing anything", async () => {
    failing = 101;
    const audit = vi.fn();
    await expect(createRetryJob(input, { canCreateGroups: false, auditGroup: audit })).rejects.toMatchObject({
      code: "forbidden",
      reason: "needs_registry_write",
    });
    expect(ops().filter((op) => !["DescribeJob", "GetJobDocument"].includes(op))).toEqual([]);
    expect(audit).not.toHaveBeenCalled();
  });

  it("lets an admin retry 101 things through a new group, audited with its name and request id", async () => {
    failing = 101;
    const audit = vi.fn();
    const out = await createRetryJob(input, { canCreateGroups: true, auditGroup: audit });
    expect(out.group).toBe("job-rollout-1-retry");
    expect(ops().filter((op) => op === "AddThingToThingGroup").length).toBe(101);
    expect(calls.find((c) => c.op === "CreateJob")?.input.targets).toEqual(["arn:aws:iot:eu-west-1:123:thinggroup/job-rollout-1-retry"]);
    expect(audit).toHaveBeenCalledTimes(1);
    expect(audit.mock.calls[0][0]).toMatchObject({
      group: "job-rollout-1-retry",
      result: "success",
      awsRequestId: "req-CreateThingGroup",
      params: { name: "job-rollout-1-retry", sourceJobId: "rollout-1", things: 101, added: 101 },
    });
  });

  it("on a failure halfway, says how many were added, deletes the group and creates no job", async () => {
    failing = 101;
    refuseAdd = new Set(["t100"]);
    const audit = vi.fn();
    const err = await createRetryJob(input, { canCreateGroups: true, auditGroup: audit }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/^The retry's thing group job-rollout-1-retry got 100 of 101 things before AWS IoT refused one/);
    expect((err as AppError).message).toMatch(/The group was deleted again; no job was created\.$/);
    expect(ops()).toContain("DeleteThingGroup");
    expect(ops()).not.toContain("CreateJob");
    expect(audit.mock.calls[0][0]).toMatchObject({ result: "failure", errorCode: "throttled", params: { added: 100, deleted: true } });
  });
});

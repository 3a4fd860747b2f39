import { beforeEach, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { emptyDraft, type JobDraft } from "./draft";

/**
 * The create-job action with 101 things, AWS and the session stubbed: the things go into
 * a static group (audited with its request id), the job targets that group, and a failed
 * CreateJob removes the group again.
 */

const m = vi.hoisted(() => ({
  role: "admin" as string,
  audits: [] as Array<Record<string, unknown>>,
  createJob: vi.fn(),
  createStaticTargetGroup: vi.fn(),
  deleteTargetGroup: vi.fn(),
  jobIdTaken: vi.fn(),
  describeThingGroup: vi.fn(),
}));

vi.mock("@/lib/auth/guard", () => ({
  targetField: () => () => null,
  action: (def: { input: z.ZodType }, handler: (input: unknown, ctx: unknown) => Promise<unknown>) => (raw: unknown) =>
    handler(def.input.parse(raw), { session: { username: "ada", role: m.role }, ip: "127.0.0.1", audit: {} }),
}));
vi.mock("@/lib/aws/jobs-create", () => ({
  createJob: m.createJob,
  createStaticTargetGroup: m.createStaticTargetGroup,
  deleteTargetGroup: m.deleteTargetGroup,
  jobIdTaken: m.jobIdTaken,
  thingArnPrefix: async () => "arn:aws:iot:us-east-1:123456789012:thing/",
}));
vi.mock("@/lib/aws/fleet-index", () => ({
  awsRequestIdOf: (v: unknown) => (v && typeof v === "object" && "awsRequestId" in v ? (v as { awsRequestId: string }).awsRequestId : null),
  createDynamicThingGroup: vi.fn(),
  searchIndex: vi.fn(),
  getStatistics: vi.fn(),
}));
vi.mock("@/lib/aws/groups", () => ({ describeThingGroup: m.describeThingGroup, invalidateGroupTree: () => undefined }));
vi.mock("./blast-radius-service", () => ({ groupInfo: vi.fn() }));
vi.mock("@/lib/audit/audit", () => ({ recordAudit: (_db: unknown, input: Record<string, unknown>) => m.audits.push(input) }));
vi.mock("@/lib/db/console-db", () => ({ consoleDb: () => ({}) }));
vi.mock("@/lib/config", () => ({ fleetConfig: () => ({ region: "us-east-1", backend: "local" }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { createRolloutJob } = await import("@/lib/actions/create-job");

const GROUP_ARN = "arn:aws:iot:us-east-1:123456789012:thinggroup/job-big-rollout";
const things = Array.from({ length: 101 }, (_, i) => `dev-${i}`);

function draft(): JobDraft {
  const d = emptyDraft(Date.now());
  return {
    ...d,
    jobId: "big-rollout",
    targets: { ...d.targets, kind: "things", thingNames: things },
    document: { ...d.document, text: '{"operation":"reboot"}' },
  };
}

beforeEach(() => {
  m.role = "admin";
  m.audits.length = 0;
  m.createJob.mockReset().mockResolvedValue({ jobId: "big-rollout", jobArn: "arn:job", awsRequestId: "req-job" });
  m.createStaticTargetGroup.mockReset().mockResolvedValue({ name: "job-big-rollout", arn: GROUP_ARN, awsRequestId: "req-group" });
  m.deleteTargetGroup.mockReset().mockResolvedValue("req-delete");
  m.jobIdTaken.mockReset().mockResolvedValue(false);
  m.describeThingGroup.mockReset().mockResolvedValue(null);
});

describe("creating a job for 101 things", () => {
  it("puts them in a static group, audited with AWS's request id, and targets only that group", async () => {
    await expect(createRolloutJob({ draft: draft() })).resolves.toEqual({ jobId: "big-rollout", jobArn: "arn:job" });
    expect(m.createStaticTargetGroup).toHaveBeenCalledWith(expect.objectContaining({ name: "job-big-rollout", thingNames: things }));
    expect(m.createJob).toHaveBeenCalledWith(expect.objectContaining({ jobId: "big-rollout", targets: [GROUP_ARN] }));
    expect(m.audits).toContainEqual(
      expect.objectContaining({ action: "groups.create_static", target: "job-big-rollout", result: "success", awsRequestId: "req-group" }),
    );
  });

  it("creates nothing when the job id is taken or the group name exists", async () => {
    m.jobIdTaken.mockResolvedValue(true);
    await expect(createRolloutJob({ draft: draft() })).rejects.toMatchObject({ code: "conflict", reason: "job_id_taken" });
    m.jobIdTaken.mockResolvedValue(false);
    m.describeThingGroup.mockResolvedValue({ name: "job-big-rollout", arn: GROUP_ARN });
    await expect(createRolloutJob({ draft: draft() })).rejects.toMatchObject({ code: "conflict" });
    expect(m.createStaticTargetGroup).not.toHaveBeenCalled();
    expect(m.createJob).not.toHaveBeenCalled();
  });

  it("deletes the group again when CreateJob fails", async () => {
    m.createJob.mockRejectedValue(new AppError("conflict", "limit"));
    await expect(createRolloutJob({ draft: draft() })).rejects.toMatchObject({ code: "conflict" });
    expect(m.deleteTargetGroup).toHaveBeenCalledWith("job-big-rollout", "static");
    expect(m.audits).toContainEqual(
      expect.objectContaining({ action: "groups.delete", target: "job-big-rollout", result: "success", awsRequestId: "req-delete" }),
    );
  });

  it("refuses a responder (no registry.write) with a message steering to a group", async () => {
    m.role = "responder";
    await expect(createRolloutJob({ draft: draft() })).rejects.toMatchObject({ code: "invalid_input", reason: "field:targets.thingNames" });
    expect(m.createStaticTargetGroup).not.toHaveBeenCalled();
  });
});

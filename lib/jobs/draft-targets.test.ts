import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { emptyDraft, type JobDraft } from "./draft";
import { draftErrors } from "./draft-request";

const aws = vi.hoisted(() => ({ thingArnPrefix: vi.fn(), searchIndex: vi.fn() }));
vi.mock("@/lib/aws/jobs-create", () => ({ thingArnPrefix: aws.thingArnPrefix }));
vi.mock("@/lib/aws/fleet-index", () => ({ searchIndex: aws.searchIndex, getStatistics: vi.fn() }));
vi.mock("@/lib/aws/groups", () => ({ describeThingGroup: vi.fn() }));
vi.mock("./blast-radius-service", () => ({ groupInfo: vi.fn() }));

const { PENDING_STATIC_GROUP_ARN, prepareCreateJob } = await import("./draft-targets");

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const PREFIX = "arn:aws:iot:us-east-1:123456789012:thing/";
const names = (n: number) => Array.from({ length: n }, (_, i) => `dev-${String(i).padStart(4, "0")}`);

function thingsDraft(thingNames: string[]): JobDraft {
  const d = emptyDraft(NOW);
  return { ...d, jobId: "big-rollout", targets: { ...d.targets, kind: "things", thingNames }, document: { ...d.document, text: '{"operation":"reboot"}' } };
}

beforeEach(() => {
  aws.thingArnPrefix.mockReset().mockResolvedValue(PREFIX);
  aws.searchIndex.mockReset();
});

describe("a job over CreateJob's 100 targets", () => {
  it("targets 100 things one by one", async () => {
    const p = await prepareCreateJob(thingsDraft(names(100)), { canCreateGroups: false });
    expect(p.request.targets).toHaveLength(100);
    expect(p.request.targets[99]).toBe(`${PREFIX}dev-0099`);
    expect(p.staticGroup).toBeNull();
  });

  it("puts 101 things in a static group named after the job when the caller may create groups", async () => {
    const p = await prepareCreateJob(thingsDraft(names(101)), { canCreateGroups: true });
    expect(p.request.targets).toEqual([PENDING_STATIC_GROUP_ARN]);
    expect(p.staticGroup).toEqual({ name: "job-big-rollout", thingNames: names(101) });
    expect(p.thingCount).toBe(101);
  });

  it("refuses 101 things without registry.write, in draftErrors and on the server, pointing at the thing list", async () => {
    const d = thingsDraft(names(101));
    expect(draftErrors(d, { nowMs: NOW, canCreateGroups: false })["targets.thingNames"]).toMatch(/at most 100 targets.*group/);
    expect(draftErrors(d, { nowMs: NOW, canCreateGroups: true })).toEqual({});
    const err = await prepareCreateJob(d, { canCreateGroups: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("invalid_input");
    expect((err as AppError).reason).toBe("field:targets.thingNames");
  });

  it("does the same for a snapshot of more than 100 matches", async () => {
    const all = names(150);
    aws.searchIndex
      .mockResolvedValueOnce({ things: all.slice(0, 100).map((thingName) => ({ thingName })), nextToken: "t2" })
      .mockResolvedValueOnce({ things: all.slice(100).map((thingName) => ({ thingName })), nextToken: null });
    const d = thingsDraft([]);
    const snap: JobDraft = { ...d, targets: { ...d.targets, kind: "query", query: "thingName:dev-*", queryMode: "snapshot" } };
    const p = await prepareCreateJob(snap, { canCreateGroups: true });
    expect(p.request.targets).toEqual([PENDING_STATIC_GROUP_ARN]);
    expect(p.staticGroup?.thingNames).toHaveLength(150);
  });
});

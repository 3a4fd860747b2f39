import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobTarget } from "./types";

const aws = vi.hoisted(() => ({ getIndexingConfiguration: vi.fn(), getStatistics: vi.fn(), jobTargetCount: vi.fn(), groupInfo: vi.fn() }));
vi.mock("@/lib/aws/fleet-index", () => ({ getIndexingConfiguration: aws.getIndexingConfiguration, getStatistics: aws.getStatistics }));
vi.mock("@/lib/aws/jobs", () => ({ jobTargetCount: aws.jobTargetCount }));
vi.mock("@/lib/aws/call-policy", () => ({ shared: (_spec: unknown, load: () => Promise<unknown>) => load() }));
vi.mock("./blast-radius-service", () => ({ groupInfo: aws.groupInfo }));

const { countJobTargets } = await import("./target-count");

const thing = (name: string): JobTarget => ({ kind: "thing", name, arn: `arn:aws:iot:us-east-1:1:thing/${name}` });
const group = (name: string): JobTarget => ({ kind: "group", name, arn: `arn:aws:iot:us-east-1:1:thinggroup/${name}` });
const job = (...targets: JobTarget[]) => ({ jobId: "ota-7", targets });

beforeEach(() => {
  aws.getIndexingConfiguration
    .mockReset()
    .mockResolvedValue({ thingIndexingMode: "REGISTRY", connectivity: false, namedShadows: [], managedFields: [], customFields: [] });
  aws.getStatistics.mockReset().mockResolvedValue({ count: 30_000 });
  aws.jobTargetCount.mockReset().mockResolvedValue({ count: 10_000, atLeast: true });
  aws.groupInfo.mockReset().mockResolvedValue(new Map([["fleet", { dynamicQuery: null, descendants: [] }]]));
});

describe("the job page's target count", () => {
  it("counts a 30,000-thing group exactly with one fleet-index call when indexing is on", async () => {
    expect(await countJobTargets(job(group("fleet"), thing("spare-1")))).toEqual({ count: 30_001, atLeast: false });
    expect(aws.getStatistics).toHaveBeenCalledTimes(1);
    expect(aws.getStatistics.mock.calls[0]![0]).toContain("fleet");
    expect(aws.jobTargetCount).not.toHaveBeenCalled();
  });

  it("lists the group (and keeps its “at least”) when indexing is off", async () => {
    aws.getIndexingConfiguration.mockResolvedValue({ thingIndexingMode: "OFF", connectivity: false, namedShadows: [], managedFields: [], customFields: [] });
    expect(await countJobTargets(job(group("fleet")))).toEqual({ count: 10_000, atLeast: true });
    expect(aws.getStatistics).not.toHaveBeenCalled();
  });

  it("lists the group when the index cannot cover it exactly (a group not found) or fails", async () => {
    aws.groupInfo.mockResolvedValue(new Map());
    expect(await countJobTargets(job(group("fleet")))).toEqual({ count: 10_000, atLeast: true });
    aws.groupInfo.mockResolvedValue(new Map([["fleet", { dynamicQuery: null, descendants: [] }]]));
    aws.getStatistics.mockRejectedValue(new Error("index unavailable"));
    expect(await countJobTargets(job(group("fleet")))).toEqual({ count: 10_000, atLeast: true });
  });

  it("counts named things without any call, and gives up on a target it cannot read", async () => {
    expect(await countJobTargets(job(thing("a"), thing("b")))).toEqual({ count: 2, atLeast: false });
    expect(await countJobTargets(job(thing("a"), { kind: "other", arn: "arn:aws:iot:us-east-1:1:billinggroup/x" }))).toBeNull();
    expect(aws.getIndexingConfiguration).not.toHaveBeenCalled();
    expect(aws.jobTargetCount).not.toHaveBeenCalled();
  });
});

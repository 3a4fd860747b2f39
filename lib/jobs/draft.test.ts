import { describe, expect, it } from "vitest";
import { draftStorageKey, emptyDraft, parseNameList, parseStoredDraft, readStoredDraft, serializeDraft, type JobDraft } from "./draft";
import { buildCreateJobRequest, draftErrors, needsTypedConfirmation, parseUtcMinute, stepOfField } from "./draft-request";

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const SHA = "b".repeat(64);
const AGENT_DOC = JSON.stringify({
  operation: "agent-update",
  version: "7.3.0",
  url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/fleet-artifacts/agent/7.3.0.bin}",
  sha256: SHA,
  size: 42,
});

function draft(over: Partial<JobDraft> = {}): JobDraft {
  const d = emptyDraft(NOW);
  return {
    ...d,
    jobId: "rollout-7-3-0",
    targets: { ...d.targets, kind: "groups", groupNames: ["acme"] },
    document: { ...d.document, text: '{"operation":"reboot"}' },
    ...over,
  };
}
const errs = (d: JobDraft, canCreateGroups = true) => draftErrors(d, { nowMs: NOW, region: "us-east-1", canCreateGroups });

describe("stored drafts", () => {
  it("round-trips through storage", () => {
    const d = draft({ description: "canary", step: "rollout" });
    expect(parseStoredDraft(serializeDraft(d))).toEqual(d);
  });

  it("treats unreadable or foreign-version drafts as none", () => {
    expect(parseStoredDraft(null)).toBeNull();
    expect(parseStoredDraft("{not json")).toBeNull();
    expect(parseStoredDraft("[1]")).toBeNull();
    expect(parseStoredDraft(JSON.stringify({ ...draft(), version: 2 }))).toBeNull();
  });

  it("keeps a draft with a field over its limit, repairing only that field", () => {
    const big = "x".repeat(300 * 1024);
    const stored = {
      ...draft({ description: "canary", jobId: "keep-me" }),
      targets: { ...draft().targets, kind: "things", thingNames: ["ok-1", "j".repeat(400), "ok-2"] },
      document: { templateId: null, text: big, agentVersion: "7.4.0" },
      rate: { kind: "warp" },
    };
    const read = readStoredDraft(JSON.stringify(stored), NOW);
    expect(read).not.toBeNull();
    expect(read!.draft.jobId).toBe("keep-me");
    expect(read!.draft.description).toBe("canary");
    expect(read!.draft.targets.thingNames).toEqual(["ok-1", "ok-2"]);
    expect(read!.draft.document.text).toBe(big.slice(0, 256 * 1024));
    expect(read!.draft.document.agentVersion).toBe("7.4.0");
    expect(read!.draft.rate).toEqual(emptyDraft(NOW).rate);
    expect(read!.repaired.sort()).toEqual(["document.text", "rate", "targets.thingNames"]);
  });

  it("keeps more than 10,000 stored thing names as the first 10,000", () => {
    const thingNames = Array.from({ length: 10_005 }, (_, i) => `t${i}`);
    const read = readStoredDraft(JSON.stringify({ ...draft(), targets: { ...draft().targets, thingNames } }), NOW);
    expect(read!.draft.targets.thingNames).toEqual(thingNames.slice(0, 10_000));
  });

  it("keeps the values of a rate kind switched away from", () => {
    const d = draft({ rate: { kind: "unlimited" }, rateKept: { fixed: { kind: "fixed", maximumPerMinute: 7 } } });
    expect(parseStoredDraft(serializeDraft(d))?.rateKept?.fixed).toEqual({ kind: "fixed", maximumPerMinute: 7 });
    expect(buildCreateJobRequest(d, { targets: ["arn:g"], roleArn: "" })).not.toHaveProperty("rateKept");
  });

  it("keeps one draft per user", () => {
    expect(draftStorageKey("alice")).not.toBe(draftStorageKey("bob"));
  });

  it("reads a typed list of names", () => {
    expect(parseNameList(" a, b\nc  a\n\n")).toEqual(["a", "b", "c"]);
  });
});

describe("draftErrors", () => {
  it("has none for a complete draft", () => {
    expect(errs(draft())).toEqual({});
  });

  it("checks the job id and description with AWS's pattern and limits", () => {
    expect(errs(draft({ jobId: "" })).jobId).toBeDefined();
    expect(errs(draft({ jobId: "has space" })).jobId).toBeDefined();
    expect(errs(draft({ jobId: "x".repeat(65) })).jobId).toBeDefined();
    expect(errs(draft({ jobId: "x".repeat(64) })).jobId).toBeUndefined();
    expect(errs(draft({ description: "line\nbreak" })).description).toBeDefined();
    expect(errs(draft({ description: "d".repeat(2029) })).description).toBeDefined();
  });

  it("checks the targets of each kind", () => {
    const d = draft();
    expect(errs({ ...d, targets: { ...d.targets, kind: "things", thingNames: [] } })["targets.thingNames"]).toBe("Name at least one thing.");
    expect(errs({ ...d, targets: { ...d.targets, kind: "things", thingNames: ["ok", "not/ok"] } })["targets.thingNames"]).toMatch(
      /“not\/ok” is not a thing name/,
    );
    expect(errs({ ...d, targets: { ...d.targets, kind: "query", query: " " } })["targets.query"]).toBeDefined();
    const dynamic = {
      ...d,
      targets: { ...d.targets, kind: "query" as const, query: "attributes.customer:acme", queryMode: "dynamic-group" as const, newGroupName: "" },
    };
    expect(errs(dynamic)["targets.newGroupName"]).toBeDefined();
    expect(errs(dynamic, false)["targets.queryMode"]).toMatch(/admin/);
  });

  it("checks the rate against AWS's ranges", () => {
    expect(errs(draft({ rate: { kind: "fixed", maximumPerMinute: 0 } }))["rate.maximumPerMinute"]).toBeDefined();
    expect(errs(draft({ rate: { kind: "fixed", maximumPerMinute: 2.5 } }))["rate.maximumPerMinute"]).toBeDefined();
    const exp = { kind: "exponential" as const, baseRatePerMinute: 50, incrementFactor: 2, criterion: "notified" as const, every: 100 };
    expect(errs(draft({ rate: exp }))).toEqual({});
    expect(Object.keys(errs(draft({ rate: { ...exp, baseRatePerMinute: 1001, incrementFactor: 1.55, every: 0 } })))).toEqual([
      "rate.baseRatePerMinute",
      "rate.incrementFactor",
      "rate.every",
    ]);
    expect(errs(draft({ rate: { ...exp, incrementFactor: 1.0 } }))["rate.incrementFactor"]).toBeDefined();
    expect(errs(draft({ rate: { ...exp, incrementFactor: 5.1 } }))["rate.incrementFactor"]).toBeDefined();
  });

  it("checks abort, timeout and retry criteria", () => {
    expect(errs(draft({ abort: [{ failureType: "FAILED", thresholdPercentage: 0, minNumberOfExecutedThings: 0 }] }))).toEqual({
      "abort.0.thresholdPercentage": expect.any(String),
      "abort.0.minNumberOfExecutedThings": expect.any(String),
    });
    expect(
      errs(draft({ abort: [{ failureType: "FAILED", thresholdPercentage: 12.345, minNumberOfExecutedThings: 5 }] }))["abort.0.thresholdPercentage"],
    ).toBeDefined();
    expect(errs(draft({ abort: [{ failureType: "FAILED", thresholdPercentage: 12.34, minNumberOfExecutedThings: 5 }] }))).toEqual({});
    expect(errs(draft({ timeoutMinutes: 10_081 })).timeoutMinutes).toBeDefined();
    expect(errs(draft({ timeoutMinutes: 10_080 })).timeoutMinutes).toBeUndefined();
    expect(errs(draft({ retry: [{ failureType: "FAILED", numberOfRetries: 11 }] }))["retry.0.numberOfRetries"]).toBeDefined();
    expect(
      errs(
        draft({
          retry: [
            { failureType: "ALL", numberOfRetries: 1 },
            { failureType: "FAILED", numberOfRetries: 1 },
          ],
        }),
      )["retry.1.failureType"],
    ).toBeDefined();
    expect(
      errs(
        draft({
          retry: [
            { failureType: "TIMED_OUT", numberOfRetries: 1 },
            { failureType: "FAILED", numberOfRetries: 2 },
          ],
        }),
      ),
    ).toEqual({});
  });

  it("checks the schedule: 30 minutes ahead, an end 30 minutes after the start, windows in AWS cron", () => {
    const schedule = (s: Partial<JobDraft["schedule"]>) =>
      draft({ schedule: { enabled: true, startTime: "", endTime: "", endBehavior: null, windows: [], ...s } });
    expect(errs(schedule({ startTime: "2026-12-03T12:20" }))["schedule.startTime"]).toMatch(/30 minutes/);
    expect(errs(schedule({ startTime: "2026-12-03T12:30" }))).toEqual({});
    expect(errs(schedule({ startTime: "2026-02-31T12:30" }))["schedule.startTime"]).toMatch(/YYYY/);
    expect(errs(schedule({ startTime: "2026-12-03T13:00", endTime: "2026-12-03T13:10" }))["schedule.endTime"]).toMatch(/after the start/);
    expect(errs(schedule({ startTime: "2026-12-03T13:00", endBehavior: "CANCEL" }))["schedule.endTime"]).toMatch(/needs an end/);
    expect(errs(schedule({ windows: [{ cron: "cron(0 2 ? * SUN *)", durationInMinutes: 120 }] }))).toEqual({});
    expect(errs(schedule({ windows: [{ cron: "0 2 * * *", durationInMinutes: 1431 }] }))).toEqual({
      "schedule.windows.0.cron": expect.any(String),
      "schedule.windows.0.durationInMinutes": expect.any(String),
    });
    expect(errs(schedule({}))["schedule.startTime"]).toBeDefined();
  });

  it("refuses a document that fails its check and an unfinished upload", () => {
    expect(errs(draft({ document: { templateId: null, text: "{", agentVersion: "" } })).document).toMatch(/JSON/);
    const artifact = { fileName: "a.bin", size: 42, bucket: "b", key: "k", uploadId: "u", partSize: 8 << 20, parts: [], sha256: null, done: false };
    expect(errs(draft({ artifact })).artifact).toBeDefined();
  });

  it("maps each field to its step", () => {
    expect(["jobId", "targets.query", "document", "artifact", "rate.every", "abort.0.thresholdPercentage", "schedule.windows.1.cron"].map(stepOfField)).toEqual(
      ["targets", "targets", "document", "document", "rollout", "rollout", "rollout"],
    );
  });
});

describe("buildCreateJobRequest", () => {
  it("writes the exact CreateJob input, leaving out what is not set", () => {
    const d = draft({ abort: [], timeoutMinutes: null, rate: { kind: "unlimited" } });
    expect(buildCreateJobRequest(d, { targets: ["arn:aws:iot:us-east-1:000000000000:thinggroup/acme"], roleArn: "arn:aws:iam::000000000000:role/r" })).toEqual({
      jobId: "rollout-7-3-0",
      targets: ["arn:aws:iot:us-east-1:000000000000:thinggroup/acme"],
      document: '{"operation":"reboot"}',
      targetSelection: "SNAPSHOT",
    });
  });

  it("adds every configured section, and presignedUrlConfig only for a document with placeholders", () => {
    const d = draft({
      description: " 7.3.0 to acme ",
      targetSelection: "CONTINUOUS",
      document: { templateId: "agent-update", text: AGENT_DOC, agentVersion: "7.3.0" },
      presignExpiresInSec: 900,
      rate: { kind: "exponential", baseRatePerMinute: 10, incrementFactor: 2, criterion: "succeeded", every: 50, maximumPerMinute: 400 },
      abort: [{ failureType: "ALL", thresholdPercentage: 5, minNumberOfExecutedThings: 10 }],
      timeoutMinutes: 30,
      retry: [{ failureType: "TIMED_OUT", numberOfRetries: 2 }],
      schedule: {
        enabled: true,
        startTime: "2026-12-04T02:00",
        endTime: "2026-12-05T02:00",
        endBehavior: "STOP_ROLLOUT",
        windows: [{ cron: "cron(0 2 ? * * *)", durationInMinutes: 60 }],
      },
    });
    expect(buildCreateJobRequest(d, { targets: ["t"], roleArn: "arn:aws:iam::000000000000:role/r" })).toEqual({
      jobId: "rollout-7-3-0",
      targets: ["t"],
      document: AGENT_DOC,
      description: "7.3.0 to acme",
      targetSelection: "CONTINUOUS",
      presignedUrlConfig: { roleArn: "arn:aws:iam::000000000000:role/r", expiresInSec: 900 },
      jobExecutionsRolloutConfig: {
        maximumPerMinute: 400,
        exponentialRate: { baseRatePerMinute: 10, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 50 } },
      },
      abortConfig: { criteriaList: [{ failureType: "ALL", action: "CANCEL", thresholdPercentage: 5, minNumberOfExecutedThings: 10 }] },
      timeoutConfig: { inProgressTimeoutInMinutes: 30 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: "TIMED_OUT", numberOfRetries: 2 }] },
      schedulingConfig: {
        startTime: "2026-12-04T02:00",
        endTime: "2026-12-05T02:00",
        endBehavior: "STOP_ROLLOUT",
        maintenanceWindows: [{ startTime: "cron(0 2 ? * * *)", durationInMinutes: 60 }],
      },
    });
  });
});

describe("helpers", () => {
  it("parses UTC minutes", () => {
    expect(parseUtcMinute("2026-12-03T12:30")).toBe(Date.UTC(2026, 11, 3, 12, 30));
    expect(parseUtcMinute("2026-12-03 12:30")).toBeNull();
    expect(parseUtcMinute("2026-12-03T24:30")).toBeNull();
  });

  it("asks for the typed job id above 1,000 things, or when the count is unknown", () => {
    expect(needsTypedConfirmation(1000)).toBe(false);
    expect(needsTypedConfirmation(1001)).toBe(true);
    expect(needsTypedConfirmation(null)).toBe(true);
  });
});

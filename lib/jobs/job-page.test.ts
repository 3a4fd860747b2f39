import { describe, expect, it } from "vitest";
import { detailsText } from "./details";
import { jobEta } from "./eta";
import { parseExecStatus } from "./search-params";
import { barSegments, emptyCounts, jobMayChange, totalsOf } from "./status";
import type { ExecutionCounts } from "./types";

const counts = (c: Partial<ExecutionCounts>): ExecutionCounts => ({ ...emptyCounts(), ...c });

describe("the job page's figures", () => {
  it("shows the part of the targets not yet notified as empty track", () => {
    const { segments, notNotified, whole } = barSegments(counts({ SUCCEEDED: 2, FAILED: 1 }), 10);
    expect(segments).toEqual([
      { status: "SUCCEEDED", count: 2, percent: 20 },
      { status: "FAILED", count: 1, percent: 10 },
    ]);
    expect([notNotified, whole]).toEqual([7, 10]);
  });

  it("totals executions by outcome", () => {
    expect(totalsOf(counts({ QUEUED: 1, IN_PROGRESS: 2, SUCCEEDED: 3, FAILED: 4, TIMED_OUT: 5, REJECTED: 6, CANCELED: 7 }))).toEqual({
      notified: 28,
      pending: 3,
      executed: 18,
      succeeded: 3,
      failures: 15,
      retryable: 9,
    });
  });

  it("estimates when every target is notified at the configured rate", () => {
    const job = {
      status: "IN_PROGRESS",
      counts: counts({ SUCCEEDED: 40 }),
      rollout: { maximumPerMinute: 10 },
      targetSelection: "SNAPSHOT",
      scheduledStartMs: null,
    } as const;
    const exactly = (count: number) => ({ count, atLeast: false });
    expect(jobEta(job, exactly(100), 0)).toEqual({ kind: "minutes", minutes: 6, atMs: 6 * 60_000, atLeast: false });
    expect(jobEta(job, null, 0).kind).toBe("unknown");
    expect(jobEta(job, exactly(40), 0).kind).toBe("notified");
    expect(jobEta({ ...job, status: "CANCELED" }, exactly(100), 0).kind).toBe("ended");
  });

  it("never claims every target was notified when the count is only a lower bound", () => {
    // A 30,000-thing group counted to its 10,000 ceiling, 10,000 notified: the rest are not.
    const job = {
      status: "IN_PROGRESS",
      counts: counts({ SUCCEEDED: 10_000 }),
      rollout: { maximumPerMinute: 1_000 },
      targetSelection: "SNAPSHOT",
      scheduledStartMs: null,
    } as const;
    const eta = jobEta(job, { count: 10_000, atLeast: true }, 0);
    expect(eta.kind).toBe("unknown");
    expect(eta.kind === "unknown" && eta.why).toContain("more than 10,000");
    // Below the bound there is an estimate, flagged as one for the counted things only.
    expect(jobEta({ ...job, counts: counts({ SUCCEEDED: 4_000 }) }, { count: 10_000, atLeast: true }, 0)).toEqual({
      kind: "minutes",
      minutes: 6,
      atMs: 6 * 60_000,
      atLeast: true,
    });
  });

  it("keeps polling a job until it has ended and no execution is still in progress", () => {
    expect(jobMayChange({ status: "IN_PROGRESS", counts: counts({}) })).toBe(true);
    expect(jobMayChange({ status: "SCHEDULED", counts: counts({}) })).toBe(true);
    // Canceled without force: the devices still running it will report an outcome.
    expect(jobMayChange({ status: "CANCELED", counts: counts({ IN_PROGRESS: 2, CANCELED: 5 }) })).toBe(true);
    expect(jobMayChange({ status: "CANCELED", counts: counts({ CANCELED: 7 }) })).toBe(false);
    expect(jobMayChange({ status: "COMPLETED", counts: counts({ SUCCEEDED: 3, FAILED: 1 }) })).toBe(false);
    expect(jobMayChange({ status: "DELETION_IN_PROGRESS", counts: counts({}) })).toBe(false);
  });

  it("puts an agent's step and percent first in a status details line", () => {
    expect(detailsText({ version: "7.3.0", percent: "50", step: "downloading" })).toBe("downloading · 50% · version: 7.3.0");
    expect(detailsText(null)).toBe("");
  });

  it("reads the executions' status filter from the URL, and flags a value that is no status", () => {
    expect(parseExecStatus("FAILED")).toBe("FAILED");
    expect(parseExecStatus(null)).toBeNull();
    expect(parseExecStatus("")).toBeNull();
    expect(parseExecStatus("failed")).toBe("invalid");
  });
});

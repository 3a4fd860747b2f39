import { describe, expect, it } from "vitest";
import { detailsText } from "./details";
import { jobEta } from "./eta";
import { parseExecStatus } from "./search-params";
import { barSegments, emptyCounts, totalsOf } from "./status";
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
    expect(jobEta(job, 100, 0)).toEqual({ kind: "minutes", minutes: 6, atMs: 6 * 60_000 });
    expect(jobEta(job, null, 0).kind).toBe("unknown");
    expect(jobEta(job, 40, 0).kind).toBe("notified");
    expect(jobEta({ ...job, status: "CANCELED" }, 100, 0).kind).toBe("ended");
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

import { describe, expect, it } from "vitest";
import { abortProximities, abortProximity } from "./abort";
import { emptyCounts } from "./status";
import type { AbortCriterion, ExecutionCounts } from "./types";

const counts = (c: Partial<ExecutionCounts>): ExecutionCounts => ({ ...emptyCounts(), ...c });
const failed50after10: AbortCriterion = { failureType: "FAILED", action: "CANCEL", thresholdPercentage: 50, minNumberOfExecutedThings: 10 };

describe("abortProximity", () => {
  it("waits for the minimum number of things notified", () => {
    const p = abortProximity(failed50after10, counts({ SUCCEEDED: 2, FAILED: 2 }));
    expect(p).toMatchObject({ state: "waiting", notified: 4, notifiedToGo: 6, failures: 2, percent: 50, failuresToTrip: null });
  });

  it("once armed, says how many more failures in a row would cancel the job", () => {
    // 2 of 10 failed (20 %): (2 + f) / (10 + f) >= 50 % first holds at f = 6.
    const p = abortProximity(failed50after10, counts({ SUCCEEDED: 8, FAILED: 2 }));
    expect(p).toMatchObject({ state: "armed", percent: 20, ratio: 0.4, failuresToTrip: 6 });
  });

  it("is tripped at the threshold", () => {
    expect(abortProximity(failed50after10, counts({ SUCCEEDED: 5, FAILED: 5 }))).toMatchObject({ state: "tripped", ratio: 1, failuresToTrip: 0 });
  });

  it("counts failed, rejected and timed out for ALL, and only its own type otherwise", () => {
    const c = counts({ SUCCEEDED: 7, FAILED: 1, REJECTED: 1, TIMED_OUT: 1 });
    expect(abortProximity({ ...failed50after10, failureType: "ALL" }, c)).toMatchObject({ failures: 3, percent: 30 });
    expect(abortProximity({ ...failed50after10, failureType: "REJECTED" }, c)).toMatchObject({ failures: 1, percent: 10 });
  });

  it("cannot be reached at 100 % once a thing succeeded", () => {
    expect(abortProximity({ ...failed50after10, thresholdPercentage: 100 }, counts({ SUCCEEDED: 1, FAILED: 9 })).failuresToTrip).toBeNull();
  });

  it("lists the closest criterion first", () => {
    const c = counts({ SUCCEEDED: 4, FAILED: 6 });
    const far: AbortCriterion = { ...failed50after10, minNumberOfExecutedThings: 100 };
    const ordered = abortProximities([far, failed50after10], c).map((p) => p.state);
    expect(ordered).toEqual(["tripped", "waiting"]);
  });
});

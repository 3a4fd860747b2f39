import { describe, expect, it } from "vitest";
import { expectedNotified, progressSeries, withLivePoint, type ProgressExecution } from "./progress";

const MIN = 60_000;
const exec = (thingName: string, status: ProgressExecution["status"], queuedMin: number, updatedMin: number): ProgressExecution => ({
  thingName,
  status,
  queuedAtMs: queuedMin * MIN,
  lastUpdatedAtMs: updatedMin * MIN,
});

describe("progressSeries", () => {
  it("counts each thing from its notification and each outcome from its last update, against the rate", () => {
    const points = progressSeries([exec("a", "SUCCEEDED", 0.5, 2.5), exec("b", "FAILED", 1, 3), exec("c", "IN_PROGRESS", 4, 5)], {
      startMs: 0,
      nowMs: 10 * MIN,
      rate: { kind: "fixed", maximumPerMinute: 1 },
      targetCount: 5,
      maxPoints: 11,
    });
    // Eleven points, one a minute from 0 to 10; an event counts from the first point at or after it.
    expect(points.map((p) => p.minute)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(points.map((p) => p.notified)).toEqual([0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(points.map((p) => p.succeeded)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(points.map((p) => p.failed)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    // One thing a minute, five things: all notified after five minutes.
    expect(points.map((p) => p.expected)).toEqual([0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5]);
  });

  it("draws no rate line without a target count", () => {
    const points = progressSeries([], { startMs: 0, nowMs: MIN, rate: { kind: "unlimited" }, targetCount: null, maxPoints: 3 });
    expect(points.every((p) => p.expected === null && p.notified === 0)).toBe(true);
  });
});

describe("expectedNotified", () => {
  it("follows an exponential ramp step by step", () => {
    // 10 a minute for the first 20 things (2 min), then 20 a minute.
    const rate = { kind: "exponential", baseRatePerMinute: 10, incrementFactor: 2, criterion: "notified", every: 20 } as const;
    expect(expectedNotified(rate, 100, 1)).toBe(10);
    expect(expectedNotified(rate, 100, 2)).toBe(20);
    expect(expectedNotified(rate, 100, 2.5)).toBe(30);
  });
});

describe("withLivePoint", () => {
  it("ends the curve at the live counts, never below the point before", () => {
    const series = [
      { minute: 0, notified: 0, succeeded: 0, failed: 0, expected: null },
      { minute: 1, notified: 4, succeeded: 2, failed: 1, expected: null },
      { minute: 2, notified: 4, succeeded: 2, failed: 1, expected: null },
    ];
    expect(withLivePoint(series, { notified: 9, succeeded: 1, failed: 3 })[2]).toMatchObject({ notified: 9, succeeded: 2, failed: 3 });
  });
});

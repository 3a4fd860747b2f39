import { describe, expect, it } from "vitest";
import { estimateRemainingMinutes, rampPoints, rampSchedule, rolloutConfigFromRate, rolloutRateFromConfig, type RolloutRate } from "./rollout";

const doubling: RolloutRate = { kind: "exponential", baseRatePerMinute: 50, incrementFactor: 2, criterion: "notified", every: 1000 };

describe("rampSchedule", () => {
  it("a fixed rate is one step of targets / rate minutes", () => {
    expect(rampSchedule({ kind: "fixed", maximumPerMinute: 60 }, 180)).toEqual([
      { ratePerMinute: 60, fromThings: 0, toThings: 180, startMinute: 0, endMinute: 3 },
    ]);
  });

  it("follows the reference's exponential example: 50, 100, 200, 400 at 0, 1000, 2000, 3000 notified", () => {
    const steps = rampSchedule(doubling, 4000);
    expect(steps.map((s) => [s.ratePerMinute, s.fromThings, s.toThings])).toEqual([
      [50, 0, 1000],
      [100, 1000, 2000],
      [200, 2000, 3000],
      [400, 3000, 4000],
    ]);
    expect(steps.map((s) => s.endMinute)).toEqual([20, 30, 35, 37.5]);
  });

  it("a maximumPerMinute given with the ramp caps it, and the capped rate runs to the end", () => {
    const steps = rampSchedule({ ...doubling, maximumPerMinute: 150 }, 4000);
    expect(steps.map((s) => [s.ratePerMinute, s.fromThings, s.toThings])).toEqual([
      [50, 0, 1000],
      [100, 1000, 2000],
      [150, 2000, 4000],
    ]);
    expect(steps[2]!.endMinute).toBeCloseTo(30 + 2000 / 150, 9);
  });

  it("caps every rate at the service's 1000 a minute, and a rollout without a rate runs at it", () => {
    expect(rampSchedule({ kind: "fixed", maximumPerMinute: 5000 }, 10_000)).toEqual([
      { ratePerMinute: 1000, fromThings: 0, toThings: 10_000, startMinute: 0, endMinute: 10 },
    ]);
    expect(rampSchedule({ kind: "unlimited" }, 2500)).toEqual([{ ratePerMinute: 1000, fromThings: 0, toThings: 2500, startMinute: 0, endMinute: 2.5 }]);
    expect(rampSchedule({ kind: "unlimited" }, 2500, { ceilingPerMinute: 500 })[0]!.endMinute).toBe(5);
  });

  it("rounds a fractional rate down (10 × 1.1ⁿ: 10, 11, 12, 13, 14)", () => {
    const steps = rampSchedule({ kind: "exponential", baseRatePerMinute: 10, incrementFactor: 1.1, criterion: "notified", every: 10 }, 50);
    expect(steps.map((s) => s.ratePerMinute)).toEqual([10, 11, 12, 13, 14]);
  });

  it("merges increases that rounding leaves at the same rate into one step", () => {
    // 1 × 1.5ⁿ = 1, 1.5, 2.25, 3.375, 5.06: rates 1, 1, 2, 3, 5
    const steps = rampSchedule({ kind: "exponential", baseRatePerMinute: 1, incrementFactor: 1.5, criterion: "notified", every: 1 }, 5);
    expect(steps.map((s) => [s.ratePerMinute, s.fromThings, s.toThings])).toEqual([
      [1, 0, 2],
      [2, 2, 3],
      [3, 3, 4],
      [5, 4, 5],
    ]);
    expect(steps[3]!.endMinute).toBeCloseTo(2 + 0.5 + 1 / 3 + 0.2, 9);
  });

  it("stays small for a huge fleet with a slow ramp (the cap ends the increases)", () => {
    const steps = rampSchedule({ kind: "exponential", baseRatePerMinute: 1, incrementFactor: 1.1, criterion: "notified", every: 1 }, 1_000_000);
    expect(steps.length).toBeLessThan(100);
    expect(steps[steps.length - 1]).toMatchObject({ ratePerMinute: 1000, toThings: 1_000_000 });
  });

  it("is empty for no targets", () => {
    expect(rampSchedule(doubling, 0)).toEqual([]);
  });
});

describe("estimateRemainingMinutes", () => {
  it("counts the minutes left at a fixed rate", () => {
    expect(estimateRemainingMinutes({ kind: "fixed", maximumPerMinute: 60 }, 180, 60, 10)).toBe(2);
  });

  it("is 0 once every target is notified", () => {
    expect(estimateRemainingMinutes(doubling, 4000, 4000, 12)).toBe(0);
    expect(estimateRemainingMinutes(doubling, 4000, 4100, 12)).toBe(0);
  });

  it("continues a notified-things ramp from the current level", () => {
    // 2500 notified: rate 200 until 3000 (2.5 min), then 400 for the last 1000 (2.5 min)
    expect(estimateRemainingMinutes(doubling, 4000, 2500, 0)).toBe(5);
  });

  it("follows the succeeded count for a succeeded-things ramp", () => {
    const bySucceeded: RolloutRate = { ...doubling, criterion: "succeeded" };
    // 1000 succeeded: rate 100 until succeeded reaches 2000 (1000 more notified, 10 min), then 200 for the last 500 (2.5 min)
    expect(estimateRemainingMinutes(bySucceeded, 4000, 2500, 1000)).toBe(12.5);
  });
});

describe("rollout configuration", () => {
  it("reads a job's rollout configuration", () => {
    expect(rolloutRateFromConfig(undefined)).toEqual({ kind: "unlimited" });
    expect(rolloutRateFromConfig({ maximumPerMinute: 60 })).toEqual({ kind: "fixed", maximumPerMinute: 60 });
    expect(
      rolloutRateFromConfig({
        maximumPerMinute: 300,
        exponentialRate: { baseRatePerMinute: 50, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 100 } },
      }),
    ).toEqual({ kind: "exponential", baseRatePerMinute: 50, incrementFactor: 2, criterion: "succeeded", every: 100, maximumPerMinute: 300 });
  });

  it("writes the CreateJob shape, leaving the field out for no rate", () => {
    expect(rolloutConfigFromRate({ kind: "unlimited" })).toBeUndefined();
    expect(rolloutConfigFromRate({ kind: "fixed", maximumPerMinute: 60 })).toEqual({ maximumPerMinute: 60 });
    expect(rolloutConfigFromRate(doubling)).toEqual({
      exponentialRate: { baseRatePerMinute: 50, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1000 } },
    });
  });
});

describe("rampPoints", () => {
  it("gives both ends of each step", () => {
    expect(rampPoints(rampSchedule({ kind: "fixed", maximumPerMinute: 60 }, 120))).toEqual([
      { minute: 0, notified: 0, ratePerMinute: 60 },
      { minute: 2, notified: 120, ratePerMinute: 60 },
    ]);
  });
});

/**
 * A job's rollout pace: how many things are notified per minute, step by step, and how
 * long the rest of a rollout takes. Pure, shared by the wizard (the ramp chart and the ETA
 * for the target size) and the job page (the ETA of a running job).
 *
 * The model, and what it assumes where AWS documents nothing:
 * - a fixed rate notifies `maximumPerMinute` things a minute;
 * - an exponential ramp starts at `baseRatePerMinute` and multiplies the rate by
 *   `incrementFactor` each time the counter (notified or succeeded things) passes another
 *   multiple of the criterion: base 50, factor 2, criterion 1000 gives 50, 100, 200, 400
 *   from 0, 1000, 2000, 3000 (the reference's example). A fractional rate is rounded down;
 *   a `maximumPerMinute` given with the ramp caps it (assumed, not documented);
 * - AWS IoT Jobs rolls out at most 1000 things a minute whatever the configuration
 *   (DG job-limits), so every rate, and a rollout without one, is capped at that;
 * - with a succeeded-things criterion the future depends on the devices: the estimate
 *   assumes they keep up (succeeded grows as fast as notified from now on), so it is a
 *   best case;
 * - scheduling and maintenance windows are not modelled (the rollout only runs inside
 *   them); neither is the time the devices take once notified.
 */

/** AWS IoT Jobs' documented rollout ceiling ("1000 devices per minute", DG job-limits). */
export const SERVICE_MAX_PER_MINUTE = 1000;

export type RolloutRate =
  | { kind: "unlimited" }
  | { kind: "fixed"; maximumPerMinute: number }
  | {
      kind: "exponential";
      baseRatePerMinute: number;
      incrementFactor: number;
      /** Which count raises the rate, and every how many of them. */
      criterion: "notified" | "succeeded";
      every: number;
      /** Caps the ramp when set. */
      maximumPerMinute?: number;
    };

/** `jobExecutionsRolloutConfig` as CreateJob takes it and DescribeJob returns it. */
export interface RolloutConfig {
  maximumPerMinute?: number;
  exponentialRate?: {
    baseRatePerMinute?: number;
    incrementFactor?: number;
    rateIncreaseCriteria?: { numberOfNotifiedThings?: number; numberOfSucceededThings?: number };
  };
}

export interface RampOptions {
  /** The service's own ceiling; the default is AWS's. */
  ceilingPerMinute?: number;
}

/** One stretch of the rollout at a constant rate. Minutes are from the start of the schedule. */
export interface RampStep {
  ratePerMinute: number;
  /** Things notified before this step, and after it. */
  fromThings: number;
  toThings: number;
  startMinute: number;
  endMinute: number;
}

/** The rate from a job's configuration; an exponential ramp without its criterion counts as no ramp. */
export function rolloutRateFromConfig(config: RolloutConfig | undefined | null): RolloutRate {
  const exp = config?.exponentialRate;
  const criteria = exp?.rateIncreaseCriteria;
  const every = criteria?.numberOfNotifiedThings ?? criteria?.numberOfSucceededThings;
  if (exp?.baseRatePerMinute && exp.incrementFactor && every) {
    return {
      kind: "exponential",
      baseRatePerMinute: exp.baseRatePerMinute,
      incrementFactor: exp.incrementFactor,
      criterion: criteria?.numberOfNotifiedThings ? "notified" : "succeeded",
      every,
      ...(config?.maximumPerMinute ? { maximumPerMinute: config.maximumPerMinute } : {}),
    };
  }
  if (config?.maximumPerMinute) return { kind: "fixed", maximumPerMinute: config.maximumPerMinute };
  return { kind: "unlimited" };
}

/** The configuration CreateJob takes for a rate; undefined for no rate (the field is left out). */
export function rolloutConfigFromRate(rate: RolloutRate): RolloutConfig | undefined {
  switch (rate.kind) {
    case "unlimited":
      return undefined;
    case "fixed":
      return { maximumPerMinute: rate.maximumPerMinute };
    case "exponential":
      return {
        ...(rate.maximumPerMinute ? { maximumPerMinute: rate.maximumPerMinute } : {}),
        exponentialRate: {
          baseRatePerMinute: rate.baseRatePerMinute,
          incrementFactor: rate.incrementFactor,
          rateIncreaseCriteria: rate.criterion === "notified" ? { numberOfNotifiedThings: rate.every } : { numberOfSucceededThings: rate.every },
        },
      };
  }
}

/** The rate after `level` increases, capped. */
function rateAtLevel(rate: RolloutRate, level: number, ceiling: number): number {
  switch (rate.kind) {
    case "unlimited":
      return ceiling;
    case "fixed":
      return Math.min(rate.maximumPerMinute, ceiling);
    case "exponential": {
      const cap = Math.min(rate.maximumPerMinute ?? Infinity, ceiling);
      // A small epsilon so 1.1 * 10 is 11, not 10.999… rounded down to 10.
      const raw = Math.floor(rate.baseRatePerMinute * Math.pow(rate.incrementFactor, level) + 1e-9);
      return Math.max(1, Math.min(raw, cap));
    }
  }
}

function ceilingOf(options: RampOptions | undefined): number {
  const c = options?.ceilingPerMinute ?? SERVICE_MAX_PER_MINUTE;
  // Finite only: an infinite ceiling would let an uncapped ramp take one step per criterion.
  return Number.isFinite(c) && c > 0 ? c : SERVICE_MAX_PER_MINUTE;
}

/**
 * The steps from `notified` things (and `counter`, the count the ramp follows) to `targets`.
 * Bounded: the rate grows by at least 10 % a level and stops at the cap, so a ramp has at
 * most a few hundred steps whatever the target count.
 */
function stepsFrom(rate: RolloutRate, targets: number, notified: number, counter: number, ceiling: number): RampStep[] {
  const steps: RampStep[] = [];
  let n = Math.max(0, notified);
  let c = Math.max(0, counter);
  let minute = 0;
  while (n < targets) {
    let r: number;
    let things: number;
    if (rate.kind === "exponential") {
      const level = Math.floor(c / rate.every);
      r = rateAtLevel(rate, level, ceiling);
      const atCap = r >= Math.min(rate.maximumPerMinute ?? Infinity, ceiling);
      things = atCap ? targets - n : Math.min(targets - n, (level + 1) * rate.every - c);
    } else {
      r = rateAtLevel(rate, 0, ceiling);
      things = targets - n;
    }
    const last = steps[steps.length - 1];
    const minutes = things / r;
    // Rounding can keep the rate at one level for several increases (base 1, factor 1.1): one step.
    if (last && last.ratePerMinute === r) {
      last.toThings += things;
      last.endMinute += minutes;
    } else {
      steps.push({ ratePerMinute: r, fromThings: n, toThings: n + things, startMinute: minute, endMinute: minute + minutes });
    }
    n += things;
    c += things;
    minute += minutes;
  }
  return steps;
}

/** The whole schedule of a rollout to `targets` things, from its first minute. */
export function rampSchedule(rate: RolloutRate, targets: number, options?: RampOptions): RampStep[] {
  return stepsFrom(rate, Math.max(0, Math.floor(targets)), 0, 0, ceilingOf(options));
}

/**
 * Minutes until every target has been notified, from the job's counts now (fractional;
 * 0 when all are). The devices' own work after the notification is not included.
 */
export function estimateRemainingMinutes(rate: RolloutRate, targets: number, notified: number, succeeded: number, options?: RampOptions): number {
  const counter = rate.kind === "exponential" && rate.criterion === "succeeded" ? succeeded : notified;
  const steps = stepsFrom(rate, Math.max(0, Math.floor(targets)), notified, counter, ceilingOf(options));
  return steps.length ? steps[steps.length - 1]!.endMinute : 0;
}

/** Chart points of a schedule: the cumulative notified count at each step's ends, with its rate. */
export function rampPoints(steps: readonly RampStep[]): Array<{ minute: number; notified: number; ratePerMinute: number }> {
  const points: Array<{ minute: number; notified: number; ratePerMinute: number }> = [];
  for (const s of steps) {
    points.push({ minute: s.startMinute, notified: s.fromThings, ratePerMinute: s.ratePerMinute });
    points.push({ minute: s.endMinute, notified: s.toThings, ratePerMinute: s.ratePerMinute });
  }
  return points;
}

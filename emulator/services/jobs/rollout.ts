import type { RolloutConfig } from "./records";

/**
 * Rollout pacing (jobExecutionsRolloutConfig), pure. `maximumPerMinute` spreads releases
 * evenly, one every 60/r seconds, rather than a burst at each minute's start. An
 * exponential rate starts at `baseRatePerMinute` and is multiplied by `incrementFactor`
 * each time another `rateIncreaseCriteria` things have been notified (or have succeeded):
 * base 50, factor 2, criteria 1000 gives 50, 100, 200, 400 at 1000, 2000, 3000 (DG "Job
 * rollout, scheduling, and abort configurations"). With both set, maximumPerMinute caps the
 * ramp (the developer guide does not say; unverified).
 */

/** The rate in things per minute now, or undefined for no limit. */
export function currentRate(cfg: RolloutConfig | undefined, notified: number, succeeded: number): number | undefined {
  const exp = cfg?.exponentialRate;
  const cap = cfg?.maximumPerMinute;
  if (!exp) return cap;
  const criteria = exp.rateIncreaseCriteria;
  const step = criteria.numberOfNotifiedThings ?? criteria.numberOfSucceededThings ?? Infinity;
  const count = criteria.numberOfNotifiedThings !== undefined ? notified : succeeded;
  const steps = Number.isFinite(step) ? Math.floor(count / step) : 0;
  // Past ~50 steps the rate is astronomically high anyway; stop multiplying before Infinity.
  const rate = Math.floor(exp.baseRatePerMinute * Math.pow(exp.incrementFactor, Math.min(steps, 50)));
  return cap !== undefined ? Math.min(cap, rate) : rate;
}

/** Milliseconds between two releases at `rate` per minute. */
export function releaseInterval(rate: number): number {
  return 60_000 / rate;
}

/**
 * How far a paced rollout may lag behind its schedule before the lag is forgiven: after a
 * pause (the emulator stopped, time advanced, a maintenance window opened) at most one
 * minute's worth is released at once, so no minute sees more than about twice the rate.
 */
export const MAX_CATCH_UP_MS = 60_000;

import { failuresOfType, totalsOf } from "./status";
import type { AbortCriterion, ExecutionCounts } from "./types";

/**
 * How close each abort criterion of a job is to cancelling it (pure). AWS documents
 * `minNumberOfExecutedThings` as "things which must receive job execution notifications
 * before the job can be aborted" and `thresholdPercentage` as "the minimum percentage of
 * job execution failures"; it does not name the share's denominator. The console takes
 * failures over notified things, as the emulator does (emulator/services/jobs/engine.ts
 * checkAbort), and says so in the UI.
 */
export interface AbortProximity {
  criterion: AbortCriterion;
  /** Failures of the criterion's type so far. */
  failures: number;
  /** Things notified so far, and how many more before the criterion can apply. */
  notified: number;
  notifiedToGo: number;
  /** failures / notified, 0..100 (0 before anything was notified). */
  percent: number;
  /** percent / threshold, capped at 1 (1: the threshold is reached). */
  ratio: number;
  /**
   * More failures that would trip it if no other execution were notified meanwhile, once the
   * minimum is met: the smallest f with (failures + f) / (notified + f) ≥ threshold. Null
   * while the minimum is not met, or when the threshold is 100 % and successes already exist.
   */
  failuresToTrip: number | null;
  state: "armed" | "waiting" | "tripped";
}

/** Percentages are compared with two decimals, as AWS takes them (10.99). */
const EPS = 1e-9;

export function abortProximity(criterion: AbortCriterion, counts: ExecutionCounts): AbortProximity {
  const { notified } = totalsOf(counts);
  const failures = failuresOfType(counts, criterion.failureType);
  const threshold = criterion.thresholdPercentage;
  const percent = notified > 0 ? (failures * 100) / notified : 0;
  const ratio = threshold > 0 ? Math.min(1, percent / threshold) : 1;
  const notifiedToGo = Math.max(0, criterion.minNumberOfExecutedThings - notified);
  const minimumMet = notifiedToGo === 0;
  const reached = notified > 0 && percent + EPS >= threshold;
  const state = minimumMet && reached ? "tripped" : minimumMet ? "armed" : "waiting";
  return {
    criterion,
    failures,
    notified,
    notifiedToGo,
    percent,
    ratio,
    failuresToTrip: minimumMet ? failuresToTrip(failures, notified, threshold) : null,
    state,
  };
}

/** The smallest f ≥ 0 with (failures + f) * 100 ≥ threshold * (notified + f); null when none exists. */
function failuresToTrip(failures: number, notified: number, threshold: number): number | null {
  if (notified > 0 && (failures * 100) / notified + EPS >= threshold) return 0;
  if (threshold >= 100) return failures === notified ? Math.max(0, notified === 0 ? 1 : 0) : null;
  // (F + f) * 100 >= t * (N + f)  ⇔  f >= (t*N - 100*F) / (100 - t)
  const f = Math.ceil((threshold * notified - 100 * failures) / (100 - threshold) - EPS);
  return Math.max(notified === 0 ? 1 : 0, f);
}

/** Every criterion of a job, the closest to tripping first. */
export function abortProximities(criteria: readonly AbortCriterion[], counts: ExecutionCounts): AbortProximity[] {
  const rank = { tripped: 0, armed: 1, waiting: 2 } as const;
  return criteria.map((c) => abortProximity(c, counts)).sort((a, b) => rank[a.state] - rank[b.state] || b.ratio - a.ratio);
}

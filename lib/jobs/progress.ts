import { rampSchedule, type RampStep, type RolloutRate } from "./rollout";
import type { ExecutionStatus } from "./types";

/**
 * A job's progress over time against its configured rate (pure), for the job page's chart.
 *
 * Derived from the executions' own timestamps rather than sampled counts: an execution is
 * created when the rollout notifies its thing (`queuedAt`), and its `lastUpdatedAt` is when
 * it reached its outcome once terminal. So the curve is exact for every execution loaded,
 * survives a reload, and is the same for every operator watching; sampling DescribeJob in
 * the browser would only know what happened while the page was open. Its cost is that the
 * executions must be loaded (the table pages through them all anyway); the page says how
 * many of how many the curve is built from.
 */
export interface ProgressExecution {
  thingName: string;
  status: ExecutionStatus;
  queuedAtMs: number | null;
  lastUpdatedAtMs: number | null;
}

export interface ProgressPoint {
  /** Minutes since the rollout started. */
  minute: number;
  /** Things notified by then (cumulative). */
  notified: number;
  succeeded: number;
  /** FAILED, TIMED_OUT or REJECTED by then. */
  failed: number;
  /** What the configured rate allows by then (capped at the targets), when a target count is known. */
  expected: number | null;
}

export interface ProgressOptions {
  /** When the rollout started (the job's creation, or its scheduled start). */
  startMs: number;
  nowMs: number;
  rate: RolloutRate;
  /** Things targeted, when known: caps the expected curve. */
  targetCount: number | null;
  /** At most this many points (the chart's resolution). */
  maxPoints?: number;
}

const FAILED: ReadonlySet<ExecutionStatus> = new Set(["FAILED", "TIMED_OUT", "REJECTED"]);

/** Things notified by `minute` under the schedule (linear within a step). */
export function expectedNotified(rate: RolloutRate, targetCount: number, minute: number, steps: readonly RampStep[] = rampSchedule(rate, targetCount)): number {
  if (minute <= 0) return 0;
  for (const s of steps) {
    if (minute < s.endMinute) return Math.floor(s.fromThings + (minute - s.startMinute) * s.ratePerMinute);
  }
  return targetCount;
}

/** The cumulative series, bucketed into at most `maxPoints` points from the start to now. */
export function progressSeries(executions: readonly ProgressExecution[], opts: ProgressOptions): ProgressPoint[] {
  const maxPoints = Math.max(2, opts.maxPoints ?? 120);
  // A thing's first notification counts (a retry is a later execution of the same thing).
  const firstQueued = new Map<string, number>();
  const outcomes: Array<{ at: number; ok: boolean }> = [];
  let last = opts.startMs;
  for (const e of executions) {
    if (e.queuedAtMs !== null) {
      const prev = firstQueued.get(e.thingName);
      if (prev === undefined || e.queuedAtMs < prev) firstQueued.set(e.thingName, e.queuedAtMs);
      last = Math.max(last, e.queuedAtMs);
    }
    if (e.lastUpdatedAtMs !== null && (e.status === "SUCCEEDED" || FAILED.has(e.status))) {
      outcomes.push({ at: e.lastUpdatedAtMs, ok: e.status === "SUCCEEDED" });
      last = Math.max(last, e.lastUpdatedAtMs);
    }
  }
  const end = Math.max(last, Math.min(opts.nowMs, Math.max(last, opts.startMs) + 24 * 3600_000));
  const span = Math.max(1_000, end - opts.startMs);
  const buckets = maxPoints - 1;
  const notifiedAt = new Array<number>(buckets + 1).fill(0);
  const succeededAt = new Array<number>(buckets + 1).fill(0);
  const failedAt = new Array<number>(buckets + 1).fill(0);
  // The bucket whose end is at or after t: an event counts from the first point at or after it.
  const bucketOf = (t: number) => Math.min(buckets, Math.max(0, Math.ceil(((t - opts.startMs) / span) * buckets)));
  for (const t of firstQueued.values()) notifiedAt[bucketOf(t)]!++;
  for (const o of outcomes) (o.ok ? succeededAt : failedAt)[bucketOf(o.at)]!++;

  const steps = opts.targetCount !== null ? rampSchedule(opts.rate, opts.targetCount) : [];
  const points: ProgressPoint[] = [];
  let n = 0;
  let s = 0;
  let f = 0;
  for (let i = 0; i <= buckets; i++) {
    n += notifiedAt[i]!;
    s += succeededAt[i]!;
    f += failedAt[i]!;
    const minute = ((span / buckets) * i) / 60_000;
    points.push({
      minute,
      notified: n,
      succeeded: s,
      failed: f,
      expected: opts.targetCount !== null ? expectedNotified(opts.rate, opts.targetCount, minute, steps) : null,
    });
  }
  return points;
}

/**
 * The series with its last point replaced by the job's live counts (DescribeJob, polled),
 * so the curve's end moves with the rollout between reloads of the executions. Counts
 * never go backwards: a point is at least the one before it.
 */
export function withLivePoint(points: readonly ProgressPoint[], live: { notified: number; succeeded: number; failed: number }): ProgressPoint[] {
  if (points.length === 0) return [];
  const out = points.slice();
  const last = out[out.length - 1]!;
  const before = out.length > 1 ? out[out.length - 2]! : null;
  out[out.length - 1] = {
    ...last,
    notified: Math.max(live.notified, before?.notified ?? 0),
    succeeded: Math.max(live.succeeded, before?.succeeded ?? 0),
    failed: Math.max(live.failed, before?.failed ?? 0),
  };
  return out;
}

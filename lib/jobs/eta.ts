import { formatCount } from "@/lib/format/count";
import { estimateRemainingMinutes, rolloutRateFromConfig } from "./rollout";
import { ACTIVE_JOB, totalsOf } from "./status";
import type { JobDetail, TargetCount } from "./types";

/**
 * What the job page says about the rest of a rollout (pure): when every target will have
 * been notified at the configured rate (lib/jobs/rollout.ts's model; the devices' own work
 * after that is not included), or why there is no estimate.
 */
export type JobEta =
  | { kind: "ended" }
  | { kind: "scheduled"; startMs: number | null }
  | { kind: "unknown"; why: string }
  | { kind: "notified" }
  /** `atLeast`: the target count is a lower bound, so the estimate is too. */
  | { kind: "minutes"; minutes: number; atMs: number; atLeast: boolean };

export function jobEta(
  job: Pick<JobDetail, "status" | "counts" | "rollout" | "targetSelection" | "scheduledStartMs">,
  target: TargetCount | null,
  nowMs: number,
): JobEta {
  if (!ACTIVE_JOB.has(job.status)) return { kind: "ended" };
  if (job.status === "SCHEDULED") return { kind: "scheduled", startMs: job.scheduledStartMs };
  if (target === null) return { kind: "unknown", why: "the number of things targeted could not be read" };
  const { notified, succeeded } = totalsOf(job.counts);
  if (notified >= target.count) {
    // Past a lower bound nothing says how many are left.
    if (target.atLeast) return { kind: "unknown", why: `more than ${formatCount(target.count)} things are targeted and the rest were not counted` };
    return { kind: "notified" };
  }
  const minutes = estimateRemainingMinutes(rolloutRateFromConfig(job.rollout), target.count, notified, succeeded);
  return { kind: "minutes", minutes, atMs: nowMs + minutes * 60_000, atLeast: target.atLeast };
}

/** "about 12 min", "about 2 h 10 min", "under a minute". */
export function formatEtaMinutes(minutes: number): string {
  if (minutes < 1) return "under a minute";
  const m = Math.ceil(minutes);
  if (m < 60) return `about ${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h < 48) return `about ${h} h${rest ? ` ${rest} min` : ""}`;
  return `about ${Math.round(h / 24)} days`;
}

/** The configured rate in words: "60 things a minute", "from 50 a minute, ×2 every 1,000 notified (up to 400)". */
export function rateLabel(rollout: JobDetail["rollout"]): string {
  const rate = rolloutRateFromConfig(rollout);
  const n = (v: number) => new Intl.NumberFormat("en-US").format(v);
  switch (rate.kind) {
    case "unlimited":
      return "No rate limit: every target is notified at once";
    case "fixed":
      return `${n(rate.maximumPerMinute)} things a minute`;
    case "exponential":
      return `From ${n(rate.baseRatePerMinute)} a minute, ×${rate.incrementFactor} every ${n(rate.every)} ${rate.criterion}${
        rate.maximumPerMinute ? ` (up to ${n(rate.maximumPerMinute)} a minute)` : ""
      }`;
  }
}

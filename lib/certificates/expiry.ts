import { formatCount } from "@/lib/format/count";
import { toMs } from "@/lib/format/time";

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

export type ExpiryState = "expired" | "expiring" | "valid" | "not_yet_valid" | "unknown";

/**
 * Whole days left until notAfter, rounded down: 0 means "expires within a day",
 * negative means expired that many days ago (rounded towards the past).
 */
export function daysToExpiry(notAfter: string | number | null, nowMs: number): number | null {
  const end = toMs(notAfter);
  if (end === null) return null;
  return Math.floor((end - nowMs) / DAY_MS);
}

export function expiryState(
  validity: { notBefore: string | number | null; notAfter: string | number | null },
  nowMs: number,
  warningDays: number = EXPIRY_WARNING_DAYS,
): ExpiryState {
  const end = toMs(validity.notAfter);
  if (end === null) return "unknown";
  if (end <= nowMs) return "expired";
  const start = toMs(validity.notBefore);
  if (start !== null && start > nowMs) return "not_yet_valid";
  return end - nowMs < warningDays * DAY_MS ? "expiring" : "valid";
}

/** "expires in 12 days", "expired 3 days ago", "expires today". */
export function describeExpiry(notAfter: string | number | null, nowMs: number): string {
  const end = toMs(notAfter);
  if (end === null) return "validity unknown";
  if (end <= nowMs) {
    const ago = Math.floor((nowMs - end) / DAY_MS);
    return ago === 0 ? "expired today" : `expired ${formatCount(ago)} day${ago === 1 ? "" : "s"} ago`;
  }
  const days = Math.floor((end - nowMs) / DAY_MS);
  return days === 0 ? "expires within a day" : `expires in ${formatCount(days)} day${days === 1 ? "" : "s"}`;
}

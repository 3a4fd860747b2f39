/**
 * Time formatting for the console. Absolute times are UTC in a fixed format so the
 * server and the browser render the same text (no hydration mismatch) and operators in
 * different time zones read the same clock. Relative times are for a glance.
 */
const pad = (n: number) => String(n).padStart(2, "0");

export function toMs(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const ms = typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** "2026-11-23 14:05:09 UTC" */
export function formatUtc(value: string | number | null | undefined): string {
  const ms = toMs(value);
  if (ms === null) return "—";
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** "2026-11-23" */
export function formatUtcDate(value: string | number | null | undefined): string {
  const ms = toMs(value);
  if (ms === null) return "—";
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const UNITS: Array<[limitSeconds: number, unitSeconds: number, unit: string]> = [
  [60, 1, "s"],
  [3600, 60, "min"],
  [86400, 3600, "h"],
  [86400 * 60, 86400, "d"],
  [86400 * 365 * 2, 86400 * 30, "mo"],
  [Infinity, 86400 * 365, "y"],
];

/** "just now", "5 min ago", "3 h ago", "in 12 d". Rounds down, so "59 s" never reads "1 min". */
export function formatRelative(value: string | number | null | undefined, nowMs: number): string {
  const ms = toMs(value);
  if (ms === null) return "—";
  const diffS = Math.round((nowMs - ms) / 1000);
  const abs = Math.abs(diffS);
  if (abs < 5) return "just now";
  for (const [limit, unitS, unit] of UNITS) {
    if (abs < limit) {
      const n = Math.floor(abs / unitS);
      return diffS >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return "—";
}

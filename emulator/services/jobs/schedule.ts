import { Cron } from "croner";
import { invalid } from "../../server/errors";
import type { MaintenanceWindow } from "./records";

/**
 * schedulingConfig times. `startTime`/`endTime` are StringDateTime (`YYYY-MM-DDTHH:MM`,
 * UTC unless an offset is given); maintenance windows start at an AWS cron expression
 * `cron(minutes hours day-of-month month day-of-week year)` (EventBridge syntax: day of week
 * 1-7 = SUN-SAT, `?` in one of the two day fields) and last durationInMinutes.
 */

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

export function parseDateTime(value: string, member: string): number {
  const ms = DATE_TIME.test(value) ? Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`${member} '${value}' is not a date and time in the format YYYY-MM-DDTHH:MM`);
  return ms;
}

/** The year field of a window's cron expression: which years match, and the first matching one after a year. */
export interface YearSet {
  matches(year: number): boolean;
  /** The first matching year after `year`, or undefined when none is left. */
  after(year: number): number | undefined;
}

export interface CompiledWindow {
  cron: Cron;
  years?: YearSet;
  durationMs: number;
}

/** Day-of-week numbers: EventBridge's 1-7 (SUN-SAT) to croner's 0-6. */
function dayOfWeek(field: string): string {
  return field.replace(/\d+/g, (n, offset: number, whole: string) => {
    // The number after `#` is the week of the month, not a day.
    if (whole[offset - 1] === "#") return n;
    const d = Number(n);
    if (d < 1 || d > 7) throw new Error(`day of week ${n} is not 1-7`);
    return String(d - 1);
  });
}

function yearMatcher(field: string): YearSet | undefined {
  if (field === "*" || field === "?") return undefined;
  const parts = field.split(",").map((p) => {
    const m = /^(\d{4})(?:-(\d{4}))?$/.exec(p);
    if (!m) throw new Error(`year ${p} is not a year or a range of years`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) throw new Error(`year range ${p} ends before it starts`);
    return [a, b] as const;
  });
  return {
    matches: (y) => parts.some(([a, b]) => y >= a && y <= b),
    after(y) {
      let best: number | undefined;
      for (const [a, b] of parts) {
        const candidate = a > y ? a : b > y ? y + 1 : undefined;
        if (candidate !== undefined && (best === undefined || candidate < best)) best = candidate;
      }
      return best;
    },
  };
}

export function compileWindow(w: MaintenanceWindow, member: string): CompiledWindow {
  const m = /^cron\((.*)\)$/.exec(w.startTime.trim());
  const fields = (m ? m[1] : w.startTime).trim().split(/\s+/);
  try {
    if (fields.length !== 6) throw new Error("a cron expression has six fields: minutes hours day-of-month month day-of-week year");
    const [min, hour, dom, mon, dow, year] = fields;
    if ((dom === "?") === (dow === "?")) throw new Error("exactly one of day-of-month and day-of-week must be ?");
    const cron = new Cron(`0 ${min} ${hour} ${dom} ${mon} ${dow === "?" ? "?" : dayOfWeek(dow)}`, { paused: true, timezone: "Etc/UTC" });
    return { cron, years: yearMatcher(year), durationMs: w.durationInMinutes * 60_000 };
  } catch (err) {
    throw invalid(`${member} '${w.startTime}' is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The first start of a window strictly after `afterMs`, or undefined when it never starts
 * again. A run in a year the year field leaves out jumps straight to the next year it
 * names (January 1), so a window of a later year costs a few steps, not one per run.
 * croner gives up by itself on a date that never comes (`cron(0 0 31 2 ? *)`).
 */
export function nextStart(w: CompiledWindow, afterMs: number): number | undefined {
  let from = new Date(afterMs);
  // Each step either answers or moves to a later matching year; the field names few.
  for (let i = 0; i < 1000; i++) {
    const next = w.cron.nextRun(from);
    if (!next) return undefined;
    const year = next.getUTCFullYear();
    if (!w.years || w.years.matches(year)) return next.getTime();
    const later = w.years.after(year);
    if (later === undefined) return undefined;
    // croner answers runs strictly after `from`: one millisecond before the new year.
    from = new Date(Date.UTC(later, 0, 1) - 1);
  }
  return undefined;
}

/** Whether `now` falls inside one of the windows, and when that next changes. */
export function windowState(windows: CompiledWindow[], now: number): { inside: boolean; nextChangeMs?: number } {
  let insideUntil: number | undefined;
  let nextOpen: number | undefined;
  for (const w of windows) {
    const start = nextStart(w, now - w.durationMs);
    if (start === undefined) continue;
    if (start <= now) insideUntil = Math.max(insideUntil ?? 0, start + w.durationMs);
    else nextOpen = Math.min(nextOpen ?? Infinity, start);
  }
  if (insideUntil !== undefined) return { inside: true, nextChangeMs: insideUntil };
  return { inside: false, nextChangeMs: nextOpen };
}

/** The next `count` window starts from `now` (DescribeJob's scheduledJobRollouts). */
export function upcomingStarts(windows: CompiledWindow[], now: number, count: number): number[] {
  const out: number[] = [];
  for (const w of windows) {
    let at = now;
    for (let i = 0; i < count; i++) {
      const s = nextStart(w, at);
      if (s === undefined) break;
      out.push(s);
      at = s;
    }
  }
  return out.sort((a, b) => a - b).slice(0, count);
}

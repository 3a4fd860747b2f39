import type { ConsoleDb } from "@/lib/db/console-db";
import { limitKey } from "@/lib/http/address-key";
import { recordAudit, type AuditInput } from "./audit";

/**
 * How much of the audit trail callers without a session can make it write. A refused or
 * failed anonymous call is worth a record, but a loop of them must not fill the disk
 * (one connection once wrote 270 MB in 10 s). Each client address (an IPv6 /64 counts as
 * one: a host gets a whole /64) has a token bucket of records, and all anonymous callers
 * together share one more. Past either, calls are counted instead of written, and once
 * per window each address's count goes into one "N more suppressed" record (what was
 * tried, how often, against which targets), so the trail still says what happened.
 *
 * What is written keeps only the shape of the caller's parameters (key names, types and
 * sizes, at most 512 bytes: lib/audit/audit.ts) and 64 characters of its target, so a
 * record stays well under 1 KB and the global budget (120 a minute) about 0.1 GB a day
 * at most, however the calls are filled.
 *
 * Successful calls never pass through here (a sign-in is always recorded). State is per
 * process and kept on globalThis (Next may evaluate this module more than once); counts
 * not yet flushed when the process dies are lost, which loses no individual record.
 */
export const ANONYMOUS_AUDIT_LIMITS = {
  perAddressBurst: 20,
  perAddressPerMinute: 10,
  globalBurst: 200,
  globalPerMinute: 120,
  windowMs: 60_000,
  /** Addresses with a bucket; past it, idle buckets are dropped, and new addresses are suppressed. */
  maxTrackedAddresses: 10_000,
  /** Addresses that get their own suppressed record per window; the rest share one. */
  maxSummarisedAddresses: 100,
  /** Distinct targets named in one suppressed record. */
  maxTargets: 10,
  /** Characters of an anonymous record's target (it is the caller's text). */
  maxTargetChars: 64,
} as const;

export const SUPPRESSED_ACTION = "audit.suppressed";

interface Bucket {
  tokens: number;
  at: number;
}
interface Suppressed {
  ip: string | null;
  count: number;
  calls: Map<string, number>;
  targets: Set<string>;
  moreTargets: boolean;
  allDenied: boolean;
}
interface State {
  buckets: Map<string, Bucket>;
  global: Bucket | null;
  suppressed: Map<string, Suppressed>;
  timer: ReturnType<typeof setTimeout> | null;
  db: ConsoleDb | null;
}

const KEY = Symbol.for("fleet-console.anonymous-audit-limit");
const OTHERS = "*";

function state(): State {
  const holder = globalThis as { [KEY]?: State };
  return (holder[KEY] ??= { buckets: new Map(), global: null, suppressed: new Map(), timer: null, db: null });
}

const clipTarget = (target: string | null | undefined) => (target ? String(target).slice(0, ANONYMOUS_AUDIT_LIMITS.maxTargetChars) : target);

/** The tokens `bucket` holds at `now` (it refills at `perMinute`, up to `burst`). */
function refilled(bucket: Bucket, burst: number, perMinute: number, now: number): number {
  return Math.min(burst, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
}

function take(bucket: Bucket, burst: number, perMinute: number, now: number): boolean {
  bucket.tokens = refilled(bucket, burst, perMinute, now);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

function full(bucket: Bucket, now: number): boolean {
  const L = ANONYMOUS_AUDIT_LIMITS;
  return refilled(bucket, L.perAddressBurst, L.perAddressPerMinute, now) >= L.perAddressBurst;
}

/** Whether an anonymous caller at `ip` may have one more record written now. */
function admit(s: State, ip: string | null | undefined, now: number): boolean {
  const L = ANONYMOUS_AUDIT_LIMITS;
  const key = limitKey(ip);
  let bucket = s.buckets.get(key);
  if (!bucket) {
    if (s.buckets.size >= L.maxTrackedAddresses) {
      for (const [k, b] of s.buckets) if (full(b, now)) s.buckets.delete(k);
      if (s.buckets.size >= L.maxTrackedAddresses) return false;
    }
    bucket = { tokens: L.perAddressBurst, at: now };
    s.buckets.set(key, bucket);
  }
  s.global ??= { tokens: L.globalBurst, at: now };
  // Peek at the global bucket first so a refused call does not spend the address's token.
  if (refilled(s.global, L.globalBurst, L.globalPerMinute, now) < 1) return false;
  if (!take(bucket, L.perAddressBurst, L.perAddressPerMinute, now)) return false;
  return take(s.global, L.globalBurst, L.globalPerMinute, now);
}

function countSuppressed(s: State, input: AuditInput): void {
  const L = ANONYMOUS_AUDIT_LIMITS;
  const ip = input.ip ?? null;
  let key = limitKey(ip);
  if (!s.suppressed.has(key) && s.suppressed.size >= L.maxSummarisedAddresses) key = OTHERS;
  let entry = s.suppressed.get(key);
  if (!entry) {
    entry = { ip: key === OTHERS ? null : ip, count: 0, calls: new Map(), targets: new Set(), moreTargets: false, allDenied: true };
    s.suppressed.set(key, entry);
  }
  entry.count++;
  // Action names and results come from the code, not the caller: a bounded set of keys.
  const call = `${input.action} ${input.result}`;
  entry.calls.set(call, (entry.calls.get(call) ?? 0) + 1);
  if (input.result !== "denied") entry.allDenied = false;
  const target = clipTarget(input.target) ?? null;
  if (target && !entry.targets.has(target)) {
    if (entry.targets.size < L.maxTargets) entry.targets.add(target);
    else entry.moreTargets = true;
  }
}

/**
 * Writes `input` (a call by someone without a session) unless that address, or anonymous
 * callers as a whole, are past their budget; then it is counted for the window's summary.
 */
export function recordAnonymousAudit(db: ConsoleDb, input: AuditInput, now = Date.now()): "written" | "suppressed" {
  const s = state();
  if (admit(s, input.ip, now)) {
    // Of an anonymous caller's input only the shape, and a short target: the budget bounds
    // how many records, this how big each is.
    recordAudit(db, { ...input, target: clipTarget(input.target) }, now, "shape");
    return "written";
  }
  countSuppressed(s, input);
  s.db = db;
  if (!s.timer) {
    s.timer = setTimeout(() => {
      s.timer = null;
      try {
        flushSuppressedAudit();
      } catch (err) {
        console.error("[audit] could not write the suppressed-calls summary", err);
      }
    }, ANONYMOUS_AUDIT_LIMITS.windowMs);
    s.timer.unref?.();
  }
  return "suppressed";
}

/** Writes one summary record per address counted since the last flush; returns how many. */
export function flushSuppressedAudit(db: ConsoleDb | null = state().db, now = Date.now()): number {
  const s = state();
  if (!db || s.suppressed.size === 0) return 0;
  const entries = [...s.suppressed.values()];
  s.suppressed.clear();
  for (const e of entries) {
    recordAudit(
      db,
      {
        actor: "anonymous",
        role: null,
        action: SUPPRESSED_ACTION,
        target: null,
        params: {
          suppressed: e.count,
          calls: Object.fromEntries(e.calls),
          targets: [...e.targets],
          ...(e.moreTargets ? { moreTargets: true } : {}),
          ...(e.ip === null ? { from: "other addresses" } : {}),
        },
        result: e.allDenied ? "denied" : "failure",
        errorCode: "audit_rate_limited",
        ip: e.ip,
      },
      now,
    );
  }
  return entries.length;
}

/** Forgets every bucket and pending count (tests). */
export function resetAnonymousAuditLimits(): void {
  const s = state();
  if (s.timer) clearTimeout(s.timer);
  (globalThis as { [KEY]?: State })[KEY] = undefined;
}

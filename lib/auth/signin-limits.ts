import type { ConsoleDb } from "@/lib/db/console-db";
import { readEnv, type RawEnv } from "@/lib/env";
import { limitKey } from "@/lib/http/address-key";

/**
 * How many password checks sign-in allows, and to whom. The policy:
 *
 * - **Per (account, address), a growing backoff.** After `perAccount` (5) failures from
 *   one address, that address waits 1 minute before its next check for the account, then
 *   2, 4, 8… up to the window (15 minutes) for each further failure. A quiet window after
 *   the last wait ends the streak; a success from that address ends it at once.
 * - **Per account, a ceiling for strangers.** Addresses the account has not signed in
 *   from (in the last 90 days) share `perAccount` failures per window, so rotating
 *   addresses buys an attacker no more guesses. Addresses it has signed in from are not
 *   held by the ceiling, only by their own backoff: an attacker elsewhere cannot lock the
 *   user out of their usual place. Anyone else locked out by the ceiling is let in again
 *   by an admin's Unlock (Users page, `npm run users -- unlock`, or a password reset).
 * - **Per address, a flat limit** of `perAddress` (20) failures per window across all
 *   accounts (password spraying). An unlock does not lift it; the window does.
 *
 * An "address" is an IPv4 address or an IPv6 /64 (lib/http/address-key.ts): a host gets a
 * whole /64, so full IPv6 addresses would let it rotate past every per-address limit. The
 * `ip` columns hold that key. When the console cannot see client addresses at all (started
 * without scripts/console-server.ts), every client is "unknown": the per-address limit
 * still applies to them all together (refusing the guesser matters more than sparing the
 * others), the refusal says why (reason "unidentified"), and "unknown" never becomes an
 * address the account is known at (it is everyone).
 *
 * Each check is reserved before the password is hashed, in the same SQLite transaction
 * that checks the limits (IMMEDIATE, so it also holds across processes sharing the file):
 * however many guesses arrive at once, only the allowed number reach the hash. A
 * reservation counts as a failure until the check succeeds, which deletes it. Unknown
 * user names are limited exactly like real ones, so the answers reveal nothing.
 */
export interface SigninLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
  /** The first wait of the backoff; it doubles per further failure, up to `windowMs`. */
  backoffMs: number;
}

export function signinLimits(source?: RawEnv): SigninLimits {
  const env = readEnv(["SIGNIN_WINDOW_MINUTES", "SIGNIN_MAX_FAILURES_PER_ACCOUNT", "SIGNIN_MAX_FAILURES_PER_ADDRESS"], source);
  const windowMs = Math.max(1, env.SIGNIN_WINDOW_MINUTES) * 60_000;
  return {
    windowMs,
    perAccount: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
    perAddress: env.SIGNIN_MAX_FAILURES_PER_ADDRESS,
    backoffMs: Math.min(60_000, windowMs),
  };
}

const UNKNOWN = limitKey(null);

/** How long a success makes an address "known" to the account (exempt from the ceiling). */
const KNOWN_ADDRESS_MS = 90 * 86_400_000;
/** Attempts are kept this long (a backoff streak can outlive the window). */
const RETAIN_MS = 86_400_000;

/** "unidentified": the per-address limit, reached by clients whose address nobody knows. */
export type SigninBlockReason = "pair" | "account" | "address" | "unidentified";
export interface SigninBlock {
  reason: SigninBlockReason;
  retryAfterMs: number;
}

/**
 * The backoff of one (account, address) pair: given its failure times (any order), the
 * time before which it may not try again (0 or a past time: it may now). Pure.
 */
export function backoffUntil(failures: readonly number[], limits: Pick<SigninLimits, "perAccount" | "windowMs" | "backoffMs">): number {
  let count = 0;
  let until = 0;
  let last = -Infinity;
  for (const at of [...failures].sort((a, b) => a - b)) {
    if (count > 0 && at - Math.max(until, last) > limits.windowMs) count = 0;
    count++;
    last = at;
    until = count >= limits.perAccount ? at + Math.min(limits.windowMs, limits.backoffMs * 2 ** (count - limits.perAccount)) : 0;
  }
  return until;
}

/** Failures beyond this many add nothing to a pair's backoff (it has reached the window). */
const pairDepth = (l: SigninLimits) => l.perAccount + Math.ceil(Math.log2(Math.max(1, l.windowMs / l.backoffMs))) + 1;

export const accountKey = (username: string) => username.trim().toLowerCase();

function pairUntil(db: ConsoleDb, account: string, ip: string, limits: SigninLimits, now: number): number {
  const rows = db
    .prepare("SELECT at FROM signin_attempts WHERE account = ? AND ip = ? AND cleared = 0 AND at >= ? ORDER BY at DESC LIMIT ?")
    .all(account, ip, now - RETAIN_MS, pairDepth(limits)) as { at: number }[];
  return backoffUntil(
    rows.map((r) => r.at),
    limits,
  );
}

/** When the oldest of the last `max` rows leaves the window (0 when fewer than `max`). */
function windowUntil(rows: { at: number }[], max: number, windowMs: number): number {
  return rows.length < max ? 0 : rows[rows.length - 1].at + windowMs;
}

function ceilingUntil(db: ConsoleDb, account: string, limits: SigninLimits, now: number): number {
  const rows = db
    .prepare("SELECT at FROM signin_attempts WHERE account = ? AND known_address = 0 AND cleared = 0 AND at >= ? ORDER BY at DESC LIMIT ?")
    .all(account, now - limits.windowMs, limits.perAccount) as { at: number }[];
  return windowUntil(rows, limits.perAccount, limits.windowMs);
}

function isKnownAddress(db: ConsoleDb, account: string, ip: string, now: number): boolean {
  if (ip === UNKNOWN) return false;
  return (
    db.prepare("SELECT 1 FROM signin_known_addresses WHERE account = ? AND ip = ? AND last_success_at >= ?").get(account, ip, now - KNOWN_ADDRESS_MS) !==
    undefined
  );
}

function blockFor(db: ConsoleDb, account: string, ip: string, known: boolean, limits: SigninLimits, now: number): SigninBlock | null {
  const addressRows = db
    .prepare("SELECT at FROM signin_attempts WHERE ip = ? AND at >= ? ORDER BY at DESC LIMIT ?")
    .all(ip, now - limits.windowMs, limits.perAddress) as {
    at: number;
  }[];
  const candidates: Array<[SigninBlockReason, number]> = [
    [ip === UNKNOWN ? "unidentified" : "address", windowUntil(addressRows, limits.perAddress, limits.windowMs)],
    ["account", known ? 0 : ceilingUntil(db, account, limits, now)],
    ["pair", pairUntil(db, account, ip, limits, now)],
  ];
  // The longest wait is the one to tell (waiting less would only meet the next limit).
  const [reason, until] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return until > now ? { reason, retryAfterMs: until - now } : null;
}

const WARNED = Symbol.for("fleet-console.signin-unidentified-warned");

/** The server log says why everyone is refused, at most once per window (the sign-in form only says to ask). */
function warnUnidentified(limits: SigninLimits, now: number): void {
  const holder = globalThis as { [WARNED]?: number };
  if ((holder[WARNED] ?? -Infinity) > now - limits.windowMs) return;
  holder[WARNED] = now;
  console.warn(
    `[auth] ${limits.perAddress} failed sign-ins from clients of unknown address: sign-in is refused for EVERYONE for up to ${Math.ceil(limits.windowMs / 60_000)} minutes. ` +
      "The console cannot see client addresses: start it with `npm start` (scripts/console-server.ts), not `next start`, and behind a reverse proxy set TRUST_PROXY_HOPS.",
  );
}

/**
 * Checks every limit and, if none is reached, reserves one password check, in one
 * transaction. The reservation is a failure until signinSucceeded (or released).
 */
export function reserveSigninAttempt(
  db: ConsoleDb,
  username: string,
  ip: string,
  limits: SigninLimits,
  now = Date.now(),
): { ok: true; attemptId: number } | { ok: false; block: SigninBlock } {
  const account = accountKey(username);
  const key = limitKey(ip);
  const result = db
    .transaction(() => {
      db.prepare("DELETE FROM signin_attempts WHERE at < ?").run(now - RETAIN_MS);
      const known = isKnownAddress(db, account, key, now);
      const block = blockFor(db, account, key, known, limits, now);
      if (block) return { ok: false as const, block };
      const { lastInsertRowid } = db
        .prepare("INSERT INTO signin_attempts (account, ip, known_address, at) VALUES (?, ?, ?, ?)")
        .run(account, key, known ? 1 : 0, now);
      return { ok: true as const, attemptId: Number(lastInsertRowid) };
    })
    .immediate();
  if (!result.ok && result.block.reason === "unidentified") warnUnidentified(limits, now);
  return result;
}

/** The reserved check did not happen (or was not a guess): it does not count. */
export function releaseSigninAttempt(db: ConsoleDb, attemptId: number): void {
  db.prepare("DELETE FROM signin_attempts WHERE id = ?").run(attemptId);
}

/** The right password from `ip`: the check is no failure, the pair's streak ends, the address (its key) becomes known. */
export function signinSucceeded(db: ConsoleDb, attemptId: number, username: string, ip: string, now = Date.now()): void {
  const account = accountKey(username);
  const key = limitKey(ip);
  db.transaction(() => {
    db.prepare("DELETE FROM signin_attempts WHERE id = ?").run(attemptId);
    db.prepare("UPDATE signin_attempts SET cleared = 1 WHERE account = ? AND ip = ?").run(account, key);
    if (key !== UNKNOWN) {
      db.prepare(
        "INSERT INTO signin_known_addresses (account, ip, last_success_at) VALUES (?, ?, ?) ON CONFLICT (account, ip) DO UPDATE SET last_success_at = excluded.last_success_at",
      ).run(account, key, now);
    }
    db.prepare("DELETE FROM signin_known_addresses WHERE last_success_at < ?").run(now - KNOWN_ADDRESS_MS);
  })();
}

/** An admin's unlock: the account's failures stop counting (per account and per pair). Returns how many. */
export function unlockAccount(db: ConsoleDb, username: string): number {
  return db.prepare("UPDATE signin_attempts SET cleared = 1 WHERE account = ? AND cleared = 0").run(accountKey(username)).changes;
}

export interface AccountLock {
  /** Until when some address (or every address it has not signed in from) is refused. */
  untilMs: number;
  /** Whether addresses the account has not signed in from are all refused (the ceiling). */
  ceiling: boolean;
  failures: number;
  addresses: number;
}

/** Whether sign-in to the account is refused anywhere right now, and until when; null if not. */
export function accountLock(db: ConsoleDb, username: string, limits: SigninLimits, now = Date.now()): AccountLock | null {
  const account = accountKey(username);
  const ips = db
    .prepare("SELECT ip, COUNT(*) AS n FROM signin_attempts WHERE account = ? AND cleared = 0 AND at >= ? GROUP BY ip")
    .all(account, now - RETAIN_MS) as {
    ip: string;
    n: number;
  }[];
  if (ips.length === 0) return null;
  const ceiling = ceilingUntil(db, account, limits, now);
  const until = Math.max(ceiling, ...ips.map((r) => pairUntil(db, account, r.ip, limits, now)));
  if (until <= now) return null;
  return { untilMs: until, ceiling: ceiling > now, failures: ips.reduce((n, r) => n + r.n, 0), addresses: ips.length };
}

/** accountLock for every existing user with failures, keyed by lower-cased user name. */
export function lockedAccounts(db: ConsoleDb, limits: SigninLimits, now = Date.now()): Map<string, AccountLock> {
  // Joined with users (NOCASE): names sprayed by guessers that are nobody's are not listed.
  const accounts = db
    .prepare("SELECT DISTINCT a.account FROM signin_attempts a JOIN users u ON u.username = a.account WHERE a.cleared = 0 AND a.at >= ?")
    .all(now - RETAIN_MS) as { account: string }[];
  const out = new Map<string, AccountLock>();
  for (const { account } of accounts) {
    const lock = accountLock(db, account, limits, now);
    if (lock) out.set(account, lock);
  }
  return out;
}

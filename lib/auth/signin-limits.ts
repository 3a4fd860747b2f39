import type { ConsoleDb } from "@/lib/db/console-db";

/**
 * Failed sign-ins are limited per account and per client address within a sliding
 * window. Past the limit, sign-in is refused (even with the right password) until the
 * oldest failure leaves the window, and the caller is told when to try again.
 */
export interface SigninLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export function signinLimits(env: NodeJS.ProcessEnv = process.env): SigninLimits {
  return {
    windowMs: Number(env.SIGNIN_WINDOW_MINUTES || 15) * 60_000,
    perAccount: Number(env.SIGNIN_MAX_FAILURES_PER_ACCOUNT || 5),
    perAddress: Number(env.SIGNIN_MAX_FAILURES_PER_ADDRESS || 20),
  };
}

const accountKey = (username: string) => `account:${username.toLowerCase()}`;
const addressKey = (ip: string) => `address:${ip}`;

/** Milliseconds until sign-in is allowed again, or 0 when it is allowed now. */
export function signinBlockedFor(db: ConsoleDb, username: string, ip: string, limits: SigninLimits, now = Date.now()): number {
  const since = now - limits.windowMs;
  db.prepare("DELETE FROM signin_failures WHERE at < ?").run(since);
  const check = (key: string, max: number) => {
    const rows = db.prepare("SELECT at FROM signin_failures WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?").all(key, since, max) as { at: number }[];
    if (rows.length < max) return 0;
    return rows[rows.length - 1].at + limits.windowMs - now;
  };
  return Math.max(check(accountKey(username), limits.perAccount), check(addressKey(ip), limits.perAddress));
}

export function recordSigninFailure(db: ConsoleDb, username: string, ip: string, now = Date.now()): void {
  const insert = db.prepare("INSERT INTO signin_failures (key, at) VALUES (?, ?)");
  insert.run(accountKey(username), now);
  insert.run(addressKey(ip), now);
}

export function clearSigninFailures(db: ConsoleDb, username: string): void {
  db.prepare("DELETE FROM signin_failures WHERE key = ?").run(accountKey(username));
}

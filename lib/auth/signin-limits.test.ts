import { beforeEach, describe, expect, it, vi } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import {
  accountLock,
  backoffUntil,
  lockedAccounts,
  releaseSigninAttempt,
  reserveSigninAttempt,
  signinLimits,
  signinSucceeded,
  unlockAccount,
  type SigninLimits,
} from "./signin-limits";
import { signinBlockedMessage } from "./signin-messages";
import { createLocalUser } from "./users";

const SEC = 1000;
const MIN = 60_000;
const limits: SigninLimits = { windowMs: 15 * MIN, perAccount: 5, perAddress: 20, backoffMs: MIN };
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let db: ConsoleDb;

beforeEach(() => {
  db = openConsoleDb(":memory:");
});

/** A failed check: reserved and never released (what a wrong password leaves). */
const fail = (user: string, ip: string, at: number) => {
  const r = reserveSigninAttempt(db, user, ip, limits, at);
  if (!r.ok) throw new Error(`unexpectedly blocked at +${(at - T0) / SEC}s: ${r.block.reason}`);
  return r.attemptId;
};
const blocked = (user: string, ip: string, at: number) => {
  const r = reserveSigninAttempt(db, user, ip, limits, at);
  if (r.ok) releaseSigninAttempt(db, r.attemptId);
  return r.ok ? null : r.block;
};
const succeed = (user: string, ip: string, at: number) => signinSucceeded(db, fail(user, ip, at), user, ip, at);

describe("backoffUntil (pure)", () => {
  it("allows 4 failures, then waits 1, 2, 4, 8 minutes after each further one, up to the window", () => {
    const at = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * SEC);
    expect(backoffUntil([], limits)).toBe(0);
    expect(backoffUntil(at(4), limits)).toBe(0);
    expect(backoffUntil(at(5), limits)).toBe(T0 + 4 * SEC + 1 * MIN);
    expect(backoffUntil(at(6), limits)).toBe(T0 + 5 * SEC + 2 * MIN);
    expect(backoffUntil(at(7), limits)).toBe(T0 + 6 * SEC + 4 * MIN);
    expect(backoffUntil(at(8), limits)).toBe(T0 + 7 * SEC + 8 * MIN);
    expect(backoffUntil(at(9), limits)).toBe(T0 + 8 * SEC + 15 * MIN);
    expect(backoffUntil(at(30), limits)).toBe(T0 + 29 * SEC + 15 * MIN);
  });

  it("does not care about the order it is given the failures in", () => {
    const times = [T0 + 3 * SEC, T0, T0 + 4 * SEC, T0 + SEC, T0 + 2 * SEC];
    expect(backoffUntil(times, limits)).toBe(T0 + 4 * SEC + MIN);
  });

  it("forgets a streak after a quiet window following its last wait", () => {
    const streak = [0, 1, 2, 3, 4].map((i) => T0 + i * SEC); // waits until T0+4s+1min
    const quietEnd = T0 + 4 * SEC + MIN + 15 * MIN;
    // One more failure just inside the quiet window continues the streak (2-minute wait)…
    expect(backoffUntil([...streak, quietEnd], limits)).toBe(quietEnd + 2 * MIN);
    // …just after it starts a new one: a single failure, no wait.
    expect(backoffUntil([...streak, quietEnd + 1], limits)).toBe(0);
  });

  it("uses the limits it is given", () => {
    expect(backoffUntil([T0, T0 + 1], { perAccount: 2, windowMs: 10 * MIN, backoffMs: 30 * SEC })).toBe(T0 + 1 + 30 * SEC);
  });
});

describe("reserving checks", () => {
  it("reserves each check before it happens: the sixth is refused, however close together", () => {
    for (let i = 0; i < 5; i++) fail("alice", "10.0.0.1", T0);
    expect(blocked("alice", "10.0.0.1", T0)).toEqual({ reason: "account", retryAfterMs: 15 * MIN });
  });

  it("an address the account signs in from has a backoff of its own, not held by the ceiling", () => {
    succeed("alice", "10.0.0.1", T0 - 60 * MIN); // her office: a known address
    // Someone else burns the ceiling for strangers…
    for (let i = 0; i < 5; i++) fail("alice", `198.51.100.${i}`, T0 + i * SEC);
    expect(blocked("alice", "198.51.100.99", T0 + 10 * SEC)).toMatchObject({ reason: "account" });
    // …and alice still gets in from her office.
    expect(blocked("alice", "10.0.0.1", T0 + 10 * SEC)).toBeNull();
    // Her own typos there lead to the growing backoff: 1 minute after 5, then 2.
    for (let i = 0; i < 5; i++) fail("alice", "10.0.0.1", T0 + 20 * SEC);
    expect(blocked("alice", "10.0.0.1", T0 + 30 * SEC)).toEqual({ reason: "pair", retryAfterMs: 50 * SEC });
    fail("alice", "10.0.0.1", T0 + 80 * SEC + 1);
    expect(blocked("alice", "10.0.0.1", T0 + 81 * SEC)).toEqual({ reason: "pair", retryAfterMs: 2 * MIN - SEC + 1 });
  });

  it("rotating addresses against one account gets strangers 5 checks per window in all", () => {
    for (let i = 0; i < 5; i++) fail("admin", `203.0.113.${i}`, T0 + i * MIN);
    // Every further address is refused until the oldest failure leaves the window.
    for (const ip of ["203.0.113.50", "2001:db8::1", "192.0.2.7"])
      expect(blocked("admin", ip, T0 + 5 * MIN)).toEqual({ reason: "account", retryAfterMs: 10 * MIN });
    expect(blocked("admin", "203.0.113.50", T0 + 15 * MIN)).toBeNull();
    // Other accounts are not affected.
    expect(blocked("bob", "203.0.113.50", T0 + 5 * MIN)).toBeNull();
  });

  it("counts user names case-insensitively", () => {
    for (const name of ["Alice", "ALICE", "alice", "aLiCe", " alicE "]) fail(name, "10.1.1.1", T0);
    expect(blocked("alice", "10.9.9.9", T0 + 1)?.reason).toBe("account");
  });

  it("limits an address across accounts (password spraying), and says so", () => {
    for (let i = 0; i < 20; i++) fail(`user${i}`, "203.0.113.7", T0 + i * SEC);
    expect(blocked("new-account", "203.0.113.7", T0 + 20 * SEC)).toEqual({ reason: "address", retryAfterMs: 15 * MIN - 20 * SEC });
    expect(blocked("new-account", "198.51.100.1", T0 + 20 * SEC)).toBeNull();
  });

  it("tells the longest wait when several limits apply", () => {
    for (let i = 0; i < 20; i++) fail(`user${i}`, "203.0.113.7", T0);
    for (let i = 0; i < 5; i++) fail("alice", "198.51.100.1", T0 + 5 * MIN);
    expect(blocked("alice", "203.0.113.7", T0 + 6 * MIN)).toEqual({ reason: "account", retryAfterMs: 14 * MIN });
  });

  it("a released reservation does not count (the check never happened)", () => {
    for (let i = 0; i < 10; i++) releaseSigninAttempt(db, fail("alice", "10.0.0.1", T0));
    expect(blocked("alice", "10.0.0.1", T0)).toBeNull();
  });

  it("a success is not a failure, ends that address's streak, and keeps the address's count", () => {
    for (let i = 0; i < 4; i++) fail("alice", "10.0.0.1", T0);
    succeed("alice", "10.0.0.1", T0 + 1);
    for (let i = 0; i < 4; i++) fail("alice", "10.0.0.1", T0 + 2);
    expect(blocked("alice", "10.0.0.1", T0 + 3)).toBeNull();
    // The per-address limit still sees all eight failures (12 more make 20).
    for (let i = 0; i < 12; i++) fail(`other${i}`, "10.0.0.1", T0 + 4);
    expect(blocked("carol", "10.0.0.1", T0 + 5)?.reason).toBe("address");
  });

  it("forgets attempts a day old", () => {
    for (let i = 0; i < 9; i++) fail("alice", "10.0.0.1", T0 + i * 16 * MIN);
    reserveSigninAttempt(db, "someone", "10.0.0.2", limits, T0 + 27 * 60 * MIN);
    expect((db.prepare("SELECT COUNT(*) AS n FROM signin_attempts WHERE account = 'alice'").get() as { n: number }).n).toBe(0);
  });
});

describe("IPv6: a /64 is one address", () => {
  // One host is given a whole /64: rotating through it must not buy more guesses.
  const inPrefix = (i: number) => `2001:db8:1:2:${(i + 1).toString(16)}::${(i * 7 + 3).toString(16)}`;

  it("the per-address limit counts every address of a /64 together, and only that /64", () => {
    for (let i = 0; i < 20; i++) fail(`user${i}`, inPrefix(i), T0 + i * SEC);
    expect(blocked("new-account", "2001:db8:1:2:ffff:ffff:ffff:ffff", T0 + 20 * SEC)).toEqual({ reason: "address", retryAfterMs: 15 * MIN - 20 * SEC });
    // Written another way, still the same /64.
    expect(blocked("new-account", "2001:0DB8:0001:0002::1", T0 + 20 * SEC)?.reason).toBe("address");
    expect(blocked("new-account", "2001:db8:1:3::1", T0 + 20 * SEC)).toBeNull();
  });

  it("the (account, address) backoff holds a host that rotates within its /64", () => {
    succeed("alice", "2001:db8:1:2::10", T0 - MIN); // known: the ceiling does not hold this /64
    for (let i = 0; i < 5; i++) fail("alice", inPrefix(i), T0 + i * SEC);
    expect(blocked("alice", inPrefix(99), T0 + 5 * SEC)).toEqual({ reason: "pair", retryAfterMs: MIN - SEC });
  });

  it("a success makes the user's /64 known, so an address change within it keeps her out of the ceiling", () => {
    succeed("alice", "2001:db8:1:2::10", T0 - MIN);
    for (let i = 0; i < 5; i++) fail("alice", `198.51.100.${i}`, T0 + i * SEC);
    expect(blocked("alice", "198.51.100.99", T0 + 10 * SEC)?.reason).toBe("account");
    expect(blocked("alice", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", T0 + 10 * SEC)).toBeNull();
    expect(blocked("alice", "2001:db8:1:3::10", T0 + 10 * SEC)?.reason).toBe("account");
  });
});

describe("clients of unknown address (the console started without scripts/console-server.ts)", () => {
  it("the per-address limit still holds them all together, and says it is a setup problem", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      for (let i = 0; i < 20; i++) fail(`user${i}`, "unknown", T0 + i * SEC);
      const block = blocked("anyone", "unknown", T0 + 20 * SEC);
      expect(block).toEqual({ reason: "unidentified", retryAfterMs: 15 * MIN - 20 * SEC });
      expect(signinBlockedMessage(block!)).toMatch(/server log/);
      expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/npm start.*scripts\/console-server\.ts/);
    } finally {
      warn.mockRestore();
    }
  });

  it("a success from 'unknown' does not make 'unknown' a known address (it is everyone)", () => {
    succeed("alice", "unknown", T0 - MIN);
    for (let i = 0; i < 5; i++) fail("alice", `198.51.100.${i}`, T0 + i * SEC);
    expect(blocked("alice", "unknown", T0 + 10 * SEC)?.reason).toBe("account");
  });
});

describe("unlock and lock status", () => {
  it("unlock lifts the ceiling and every address's backoff, but not the per-address limit", async () => {
    await createLocalUser(db, { username: "alice", password: "alice-password-1", role: "viewer" });
    for (let i = 0; i < 5; i++) fail("alice", "10.0.0.1", T0);
    for (let i = 0; i < 15; i++) fail(`x${i}`, "10.0.0.1", T0);
    expect(accountLock(db, "alice", limits, T0 + MIN)).toEqual({ untilMs: T0 + 15 * MIN, ceiling: true, failures: 5, addresses: 1 });
    expect([...lockedAccounts(db, limits, T0 + MIN).keys()]).toEqual(["alice"]); // x0…x14 are nobody's accounts
    expect(unlockAccount(db, "ALICE")).toBe(5);
    expect(accountLock(db, "alice", limits, T0 + MIN)).toBeNull();
    expect(lockedAccounts(db, limits, T0 + MIN).size).toBe(0);
    expect(blocked("alice", "10.0.0.2", T0 + MIN)).toBeNull();
    // 20 failures from 10.0.0.1 are still 20 failures from there.
    expect(blocked("alice", "10.0.0.1", T0 + MIN)?.reason).toBe("address");
  });

  it("reports a backoff of one address as a lock with its end", () => {
    succeed("alice", "10.0.0.1", T0 - MIN);
    for (let i = 0; i < 5; i++) fail("alice", "10.0.0.1", T0);
    expect(accountLock(db, "alice", limits, T0 + 10 * SEC)).toEqual({ untilMs: T0 + MIN, ceiling: false, failures: 5, addresses: 1 });
    expect(accountLock(db, "alice", limits, T0 + MIN + 1)).toBeNull();
  });
});

describe("configuration", () => {
  it("reads its limits from the environment", () => {
    expect(signinLimits({} as unknown as NodeJS.ProcessEnv)).toEqual({ windowMs: 15 * MIN, perAccount: 5, perAddress: 20, backoffMs: MIN });
    expect(
      signinLimits({ SIGNIN_WINDOW_MINUTES: "5", SIGNIN_MAX_FAILURES_PER_ACCOUNT: "3", SIGNIN_MAX_FAILURES_PER_ADDRESS: "50" } as unknown as NodeJS.ProcessEnv),
    ).toEqual({ windowMs: 5 * MIN, perAccount: 3, perAddress: 50, backoffMs: MIN });
  });
});

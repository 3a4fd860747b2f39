import { beforeEach, describe, expect, it } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { clearSigninFailures, recordSigninFailure, signinBlockedFor, signinLimits, type SigninLimits } from "./signin-limits";

const MIN = 60_000;
const limits: SigninLimits = { windowMs: 15 * MIN, perAccount: 5, perAddress: 20 };
let db: ConsoleDb;

beforeEach(() => {
  db = openConsoleDb(":memory:");
});

describe("sign-in failure limits", () => {
  it("blocks an account after its limit of failures, from any address, until the oldest leaves the window", () => {
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) recordSigninFailure(db, "alice", `10.0.0.${i}`, t0 + i * MIN);
    expect(signinBlockedFor(db, "alice", "10.0.0.9", limits, t0 + 4 * MIN)).toBe(0);
    recordSigninFailure(db, "alice", "10.0.0.4", t0 + 4 * MIN);
    // Blocked for everyone trying alice, until the first failure (t0) is 15 minutes old.
    expect(signinBlockedFor(db, "alice", "192.168.1.1", limits, t0 + 5 * MIN)).toBe(10 * MIN);
    expect(signinBlockedFor(db, "alice", "192.168.1.1", limits, t0 + 14 * MIN)).toBe(1 * MIN);
    expect(signinBlockedFor(db, "alice", "192.168.1.1", limits, t0 + 15 * MIN + 1)).toBe(0);
    // Other accounts are not affected by alice's failures (from other addresses).
    expect(signinBlockedFor(db, "bob", "192.168.1.1", limits, t0 + 5 * MIN)).toBe(0);
  });

  it("counts user names case-insensitively", () => {
    const t0 = Date.now();
    for (const name of ["Alice", "ALICE", "alice", "aLiCe", "alicE"]) recordSigninFailure(db, name, "10.1.1.1", t0);
    expect(signinBlockedFor(db, "alice", "10.9.9.9", limits, t0 + 1)).toBeGreaterThan(0);
  });

  it("blocks an address that fails across many accounts (password spraying)", () => {
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) recordSigninFailure(db, `user${i}`, "203.0.113.7", t0 + i * 1000);
    // A fresh account from that address is refused; the same account from elsewhere is not.
    expect(signinBlockedFor(db, "new-account", "203.0.113.7", limits, t0 + 20_000)).toBe(15 * MIN - 20_000);
    expect(signinBlockedFor(db, "new-account", "198.51.100.1", limits, t0 + 20_000)).toBe(0);
  });

  it("takes the longer wait when both the account and the address are blocked", () => {
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) recordSigninFailure(db, `user${i}`, "203.0.113.7", t0);
    for (let i = 0; i < 5; i++) recordSigninFailure(db, "alice", "198.51.100.1", t0 + 5 * MIN);
    expect(signinBlockedFor(db, "alice", "203.0.113.7", limits, t0 + 6 * MIN)).toBe(14 * MIN);
  });

  it("a successful sign-in clears the account's failures but not the address's", () => {
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) recordSigninFailure(db, "alice", "10.0.0.1", t0);
    clearSigninFailures(db, "ALICE");
    recordSigninFailure(db, "alice", "10.0.0.1", t0 + 1);
    expect(signinBlockedFor(db, "alice", "10.0.0.2", limits, t0 + 2)).toBe(0);
    const n = (db.prepare("SELECT COUNT(*) AS n FROM signin_failures WHERE key = 'address:10.0.0.1'").get() as { n: number }).n;
    expect(n).toBe(5);
  });

  it("forgets failures older than the window", () => {
    const t0 = Date.now() - 60 * MIN;
    for (let i = 0; i < 10; i++) recordSigninFailure(db, "alice", "10.0.0.1", t0);
    expect(signinBlockedFor(db, "alice", "10.0.0.1", limits)).toBe(0);
    expect((db.prepare("SELECT COUNT(*) AS n FROM signin_failures").get() as { n: number }).n).toBe(0);
  });

  it("reads its limits from the environment", () => {
    expect(signinLimits({} as unknown as NodeJS.ProcessEnv)).toEqual({ windowMs: 15 * MIN, perAccount: 5, perAddress: 20 });
    expect(
      signinLimits({ SIGNIN_WINDOW_MINUTES: "5", SIGNIN_MAX_FAILURES_PER_ACCOUNT: "3", SIGNIN_MAX_FAILURES_PER_ADDRESS: "50" } as unknown as NodeJS.ProcessEnv),
    ).toEqual({ windowMs: 5 * MIN, perAccount: 3, perAddress: 50 });
  });
});

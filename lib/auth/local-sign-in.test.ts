import { beforeEach, describe, expect, it, vi } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import type { AppError } from "@/lib/errors";
import { signInLocal, type LocalSignInInput } from "./local-sign-in";
import { verifyPassword } from "./password";
import { createSession, resolveSession, type SessionPolicy } from "./sessions";
import type { SigninLimits } from "./signin-limits";
import { createLocalUser, findUser, setUserDisabled, upsertOidcUser } from "./users";
import { appErrorOf } from "@/tests/support/app-error";

const policy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
// Every password check sign-in makes, counted (the real function still runs).
vi.mock("./password", async (importOriginal) => {
  const real = await importOriginal<typeof import("./password")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});
const checks = vi.mocked(verifyPassword);

const limits: SigninLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20, backoffMs: 60_000 };
const opts = { policy, limits };
let db: ConsoleDb;

beforeEach(async () => {
  db = openConsoleDb(":memory:");
  await createLocalUser(db, { username: "alice", password: "alice-password-1", role: "responder" });
  checks.mockClear();
});

const attempt = (over: Partial<LocalSignInInput> = {}) => signInLocal(db, { username: "alice", password: "alice-password-1", ip: "10.0.0.1", ...over }, opts);

const failure = appErrorOf;

describe("local sign-in", () => {
  it("signs in with the right password and issues a working session", async () => {
    const { user, token } = await attempt({ username: "ALICE" });
    expect(user).toMatchObject({ username: "alice", role: "responder" });
    expect(user).not.toHaveProperty("passwordHash");
    expect(resolveSession(db, token, policy)?.username).toBe("alice");
    expect(findUser(db, "alice")!.lastLoginAtMs).not.toBeNull();
  });

  it("gives the same answer for a wrong password, an unknown user and an SSO user", async () => {
    upsertOidcUser(db, { username: "sso-user", role: "admin" });
    const wrong = await failure(attempt({ password: "not-her-password" }));
    const unknown = await failure(attempt({ username: "mallory" }));
    const sso = await failure(attempt({ username: "sso-user", password: "" }));
    for (const e of [wrong, unknown, sso]) expect(e.toData()).toEqual({ code: "unauthenticated", message: "Wrong user name or password." });
  });

  it("refuses a disabled account only once the password is right", async () => {
    setUserDisabled(db, "alice", true);
    expect((await failure(attempt({ password: "wrong-password" }))).message).toBe("Wrong user name or password.");
    const e = await failure(attempt());
    expect(e.code).toBe("forbidden");
    expect(e.message).toMatch(/disabled/);
  });

  it("after 5 failures refuses even the right password and says when to retry", async () => {
    for (let i = 0; i < 5; i++) await failure(attempt({ password: `wrong-${i}` }));
    const e = await failure(attempt());
    expect(e.code).toBe("throttled");
    expect(e.message).toBe("Too many failed sign-ins for this account. Try again in 15 minutes, or ask an administrator to unlock the account.");
    // The same account from another address is refused too: strangers share one ceiling.
    expect((await failure(attempt({ ip: "10.9.9.9" }))).code).toBe("throttled");
    expect(checks).toHaveBeenCalledTimes(5);
  });

  it("from an address the user signs in from, typos lead to a short wait, not the 15-minute ceiling", async () => {
    await attempt(); // 10.0.0.1 is now one of alice's addresses
    for (let i = 0; i < 5; i++) await failure(attempt({ password: `wrong-${i}` }));
    expect((await failure(attempt())).message).toMatch(
      /^Too many failed sign-ins for this account from your address\. Try again in (59|60) seconds, or ask an administrator to unlock the account\.$/,
    );
  });

  it("someone guessing from elsewhere does not lock the user out of their usual address", async () => {
    await attempt();
    for (let i = 0; i < 5; i++) await failure(attempt({ password: `guess-${i}`, ip: `198.51.100.${i}` }));
    expect((await failure(attempt({ ip: "198.51.100.77" }))).code).toBe("throttled");
    await expect(attempt()).resolves.toHaveProperty("token");
  });

  it("limits an address across accounts", async () => {
    for (let i = 0; i < 20; i++) await failure(attempt({ username: `guess${i}`, password: "password-guess", ip: "203.0.113.5" }));
    expect((await failure(attempt({ ip: "203.0.113.5" }))).code).toBe("throttled");
    await expect(attempt({ ip: "10.0.0.2" })).resolves.toHaveProperty("token");
  });

  it("a success clears the account's earlier failures from that address", async () => {
    for (let i = 0; i < 4; i++) await failure(attempt({ password: `wrong-${i}` }));
    await attempt();
    for (let i = 0; i < 4; i++) await failure(attempt({ password: `wrong-${i}` }));
    await expect(attempt()).resolves.toHaveProperty("token");
  });

  it("a disabled account's right password is no failure", async () => {
    setUserDisabled(db, "alice", true);
    for (let i = 0; i < 6; i++) expect((await failure(attempt())).code).toBe("forbidden");
  });

  it("rotates: the session the browser came with is deleted, a new one issued", async () => {
    const alice = findUser(db, "alice")!;
    const planted = createSession(db, alice.id, alice.role, {}, policy).token;
    const { token } = await attempt({ currentToken: planted });
    expect(token).not.toBe(planted);
    expect(resolveSession(db, planted, policy)).toBeNull();
    expect(resolveSession(db, token, policy)).not.toBeNull();
  });
});

describe("local sign-in under concurrency", () => {
  const burst = (n: number, rightAt: number, ip: (i: number) => string) =>
    Promise.allSettled(Array.from({ length: n }, (_, i) => attempt({ password: i === rightAt ? "alice-password-1" : `guess-${i}`, ip: ip(i) })));

  it("100 guesses at once from one address get at most 5 password checks, and the right one among them is refused", async () => {
    const results = await burst(100, 50, () => "203.0.113.9");
    expect(checks.mock.calls.length).toBeGreaterThan(0);
    expect(checks.mock.calls.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === "fulfilled")).toEqual([]);
    expect(results[50]).toMatchObject({ status: "rejected", reason: { code: "throttled" } });
    expect(results.filter((r) => r.status === "rejected" && (r.reason as AppError).code === "throttled").length).toBeGreaterThanOrEqual(95);
  });

  it("100 guesses at once from 100 addresses get at most 5 password checks in all", async () => {
    const results = await burst(100, 99, (i) => `198.51.100.${i}`);
    expect(checks.mock.calls.length).toBeLessThanOrEqual(5);
    expect(results[99]).toMatchObject({ status: "rejected", reason: { code: "throttled" } });
  });

  it("the right password sent first in a burst gets in, and the rest still count as guesses", async () => {
    const results = await burst(20, 0, () => "203.0.113.9");
    expect(results[0].status).toBe("fulfilled");
    expect(checks.mock.calls.length).toBeLessThanOrEqual(6);
  });
});

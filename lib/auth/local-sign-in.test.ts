import { beforeEach, describe, expect, it } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { signInLocal, type LocalSignInInput } from "./local-sign-in";
import { createSession, resolveSession, type SessionPolicy } from "./sessions";
import type { SigninLimits } from "./signin-limits";
import { createLocalUser, findUser, setUserDisabled, upsertOidcUser } from "./users";

const policy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const limits: SigninLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 };
const opts = { policy, limits };
let db: ConsoleDb;

beforeEach(async () => {
  db = openConsoleDb(":memory:");
  await createLocalUser(db, { username: "alice", password: "alice-password-1", role: "responder" });
});

const attempt = (over: Partial<LocalSignInInput> = {}) => signInLocal(db, { username: "alice", password: "alice-password-1", ip: "10.0.0.1", ...over }, opts);

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected the sign-in to fail");
}

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
    expect(e.message).toBe("Too many failed sign-ins for this account or address. Try again in 15 minutes.");
    // The same account from another address is refused too: the limit is per account.
    expect((await failure(attempt({ ip: "10.9.9.9" }))).code).toBe("throttled");
  });

  it("limits an address across accounts", async () => {
    for (let i = 0; i < 20; i++) await failure(attempt({ username: `guess${i}`, password: "password-guess", ip: "203.0.113.5" }));
    expect((await failure(attempt({ ip: "203.0.113.5" }))).code).toBe("throttled");
    await expect(attempt({ ip: "10.0.0.2" })).resolves.toHaveProperty("token");
  });

  it("a success clears the account's earlier failures", async () => {
    for (let i = 0; i < 4; i++) await failure(attempt({ password: `wrong-${i}` }));
    await attempt();
    for (let i = 0; i < 4; i++) await failure(attempt({ password: `wrong-${i}` }));
    await expect(attempt()).resolves.toHaveProperty("token");
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

import { beforeEach, describe, expect, it } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { changeOwnPassword } from "./change-password";
import { ensureFirstAdmin } from "./first-admin";
import { signInLocal } from "./local-sign-in";
import { verifyPassword } from "./password";
import { createSession, resolveSession, type SessionPolicy } from "./sessions";
import type { SigninLimits } from "./signin-limits";
import { findUser, resetPassword, upsertOidcUser } from "./users";
import { appErrorOf } from "@/tests/support/app-error";

const policy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const limits: SigninLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20, backoffMs: 60_000 };
const IP = "10.0.0.1";
let db: ConsoleDb;
let generated: string;

beforeEach(async () => {
  db = openConsoleDb(":memory:");
  generated = (await ensureFirstAdmin(db, {} as unknown as NodeJS.ProcessEnv, () => undefined))!.generatedPassword!;
});

const failure = appErrorOf;

const change = (over: Partial<{ currentPassword: string; newPassword: string; ip: string }> = {}) =>
  changeOwnPassword(db, { userId: findUser(db, "admin")!.id, currentPassword: generated, newPassword: "my own admin passphrase", ip: IP, ...over }, limits);

describe("the first admin's generated password must be changed", () => {
  it("signs in, but the session says the password must change first", async () => {
    const { user, token } = await signInLocal(db, { username: "admin", password: generated, ip: IP }, { limits, policy });
    expect(user.mustChangePassword).toBe(true);
    expect(resolveSession(db, token, policy)?.mustChangePassword).toBe(true);
  });

  it("setting a new password clears the flag, replaces the password and ends every session", async () => {
    const admin = findUser(db, "admin")!;
    const token = createSession(db, admin.id, admin.role, {}, policy).token;
    const updated = await change();
    expect(updated.mustChangePassword).toBe(false);
    expect(resolveSession(db, token, policy)).toBeNull();
    const hash = findUser(db, "admin")!.passwordHash;
    expect(await verifyPassword("my own admin passphrase", hash)).toBe(true);
    expect(await verifyPassword(generated, hash)).toBe(false);
    const { token: fresh } = await signInLocal(db, { username: "admin", password: "my own admin passphrase", ip: IP }, { limits, policy });
    expect(resolveSession(db, fresh, policy)?.mustChangePassword).toBe(false);
  });

  it("needs the right current password, a new one that follows the rules, and a different one", async () => {
    expect((await failure(change({ currentPassword: "not the current one" }))).message).toBe("The current password is not right.");
    expect((await failure(change({ newPassword: "Password123!" }))).message).toMatch(/common password/);
    expect((await failure(change({ newPassword: "Admin2024!!!" }))).message).toBe("Do not use the user name as the password.");
    expect((await failure(change({ newPassword: generated }))).message).toBe("Choose a new password, different from the current one.");
    expect(findUser(db, "admin")!.mustChangePassword).toBe(true);
  });

  it("counts wrong current passwords under the sign-in limits", async () => {
    for (let i = 0; i < 5; i++) await failure(change({ currentPassword: `guess number ${i}` }));
    const e = await failure(change());
    expect(e.code).toBe("throttled");
    expect(e.message).toMatch(/Try again in/);
  });

  it("refuses single-sign-on users, whose password is the identity provider's", async () => {
    const sso = upsertOidcUser(db, { username: "sso-user", role: "viewer" });
    const e = await failure(changeOwnPassword(db, { userId: sso.id, currentPassword: "x", newPassword: "a fine new password", ip: IP }, limits));
    expect(e.message).toMatch(/identity provider/);
  });
});

describe("an admin's reset", () => {
  it("is temporary when asked: the user must choose their own at the next sign-in", async () => {
    await resetPassword(db, "admin", "set-by-another-admin", { temporary: true });
    const { token } = await signInLocal(db, { username: "admin", password: "set-by-another-admin", ip: IP }, { limits, policy });
    expect(resolveSession(db, token, policy)?.mustChangePassword).toBe(true);
  });
});

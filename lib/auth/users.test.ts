import { beforeEach, describe, expect, it } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { verifyPassword } from "./password";
import { accountLock, reserveSigninAttempt, signinLimits } from "./signin-limits";
import {
  countUsers,
  createLocalUser,
  findUser,
  listUsers,
  markSignedIn,
  resetPassword,
  setUserDisabled,
  setUserRole,
  upsertOidcUser,
  UserError,
} from "./users";

let db: ConsoleDb;
beforeEach(() => {
  db = openConsoleDb(":memory:");
});

const rejects = async (p: Promise<unknown> | (() => unknown), code: UserError["code"]) => {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe(code);
    return (err as UserError).message;
  }
  throw new Error(`expected a ${code} UserError`);
};

describe("local users", () => {
  it("creates a user with a hashed password and lists users by name", async () => {
    await createLocalUser(db, { username: "zoe", password: "zoe-password-01", role: "admin" });
    const bob = await createLocalUser(db, { username: "bob", password: "bob-password-01", role: "viewer", displayName: "Bob B." });
    expect(bob).toMatchObject({ username: "bob", role: "viewer", source: "local", disabled: false, displayName: "Bob B.", lastLoginAtMs: null });
    expect(listUsers(db).map((u) => u.username)).toEqual(["bob", "zoe"]);
    expect(countUsers(db)).toBe(2);
    const stored = findUser(db, "bob")!;
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("bob-password-01", stored.passwordHash)).toBe(true);
    // The listing never carries password hashes.
    expect(JSON.stringify(listUsers(db))).not.toContain("scrypt");
  });

  it("refuses invalid names, weak passwords and taken names (case-insensitively)", async () => {
    expect(await rejects(createLocalUser(db, { username: "a", password: "long-enough-pass", role: "viewer" }), "invalid_input")).toMatch(/2-64/);
    await rejects(createLocalUser(db, { username: "has space", password: "long-enough-pass", role: "viewer" }), "invalid_input");
    await rejects(createLocalUser(db, { username: "<script>", password: "long-enough-pass", role: "viewer" }), "invalid_input");
    expect(await rejects(createLocalUser(db, { username: "carol", password: "short", role: "viewer" }), "invalid_input")).toMatch(/12/);
    await createLocalUser(db, { username: "carol", password: "long-enough-pass", role: "viewer" });
    await rejects(createLocalUser(db, { username: "Carol", password: "long-enough-pass", role: "admin" }), "conflict");
    expect(findUser(db, "CAROL")?.username).toBe("carol");
  });

  it("changes roles and enables/disables; unknown users are not_found", async () => {
    await createLocalUser(db, { username: "dave", password: "dave-password-01", role: "viewer" });
    expect(setUserRole(db, "dave", "responder").role).toBe("responder");
    expect(setUserDisabled(db, "dave", true).disabled).toBe(true);
    expect(setUserDisabled(db, "dave", false).disabled).toBe(false);
    await rejects(() => setUserRole(db, "nobody", "admin"), "not_found");
    await rejects(() => setUserDisabled(db, "nobody", true), "not_found");
    await rejects(resetPassword(db, "nobody", "a-new-password-1"), "not_found");
  });

  it("resets a password: the old one stops working, the new one must follow the rules", async () => {
    await createLocalUser(db, { username: "erin", password: "erin-password-01", role: "viewer" });
    await rejects(resetPassword(db, "erin", "short"), "invalid_input");
    await resetPassword(db, "erin", "erin-password-02");
    const hash = findUser(db, "erin")!.passwordHash;
    expect(await verifyPassword("erin-password-01", hash)).toBe(false);
    expect(await verifyPassword("erin-password-02", hash)).toBe(true);
  });

  it("a reset unlocks sign-in and, when temporary, makes the user choose their own next", async () => {
    const limits = signinLimits({} as unknown as NodeJS.ProcessEnv);
    await createLocalUser(db, { username: "gina", password: "gina-password-01", role: "viewer" });
    for (let i = 0; i < 5; i++) reserveSigninAttempt(db, "gina", `203.0.113.${i}`, limits);
    expect(accountLock(db, "gina", limits)).not.toBeNull();
    expect((await resetPassword(db, "gina", "gina-password-02", { temporary: true })).mustChangePassword).toBe(true);
    expect(accountLock(db, "gina", limits)).toBeNull();
    expect(reserveSigninAttempt(db, "gina", "203.0.113.99", limits).ok).toBe(true);
    // Reset again without `temporary` (an admin's own password): the flag goes.
    expect((await resetPassword(db, "gina", "gina-password-03")).mustChangePassword).toBe(false);
  });

  it("applies the password rules with the user name", async () => {
    await rejects(createLocalUser(db, { username: "maintenance-bot", password: "Maintenance-Bot1", role: "viewer" }), "invalid_input");
    await createLocalUser(db, { username: "hal", password: "hal-password-01", role: "viewer" });
    await rejects(resetPassword(db, "hal", "Password1234!"), "invalid_input");
  });

  it("keeps single-sign-on users and local accounts apart", async () => {
    const sso = upsertOidcUser(db, { username: "frank@example.com", role: "viewer", displayName: "Frank" });
    expect(sso).toMatchObject({ source: "oidc", role: "viewer" });
    expect(findUser(db, "frank@example.com")!.passwordHash).toBeNull();
    // The provider's role wins at every sign-in.
    expect(upsertOidcUser(db, { username: "frank@example.com", role: "responder" }).role).toBe("responder");
    // No local password for an SSO user; no SSO sign-in for a local account.
    await rejects(resetPassword(db, "frank@example.com", "a-local-password"), "invalid_input");
    await createLocalUser(db, { username: "grace", password: "grace-password-1", role: "admin" });
    await rejects(() => upsertOidcUser(db, { username: "grace", role: "viewer" }), "conflict");
    expect(findUser(db, "grace")!.role).toBe("admin");
  });

  it("records the last sign-in", async () => {
    const u = await createLocalUser(db, { username: "heidi", password: "heidi-password-1", role: "viewer" });
    const before = Date.now();
    markSignedIn(db, u.id);
    expect(findUser(db, "heidi")!.lastLoginAtMs).toBeGreaterThanOrEqual(before);
  });
});

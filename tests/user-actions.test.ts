import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * The user-management actions (lib/actions/*-user*.ts) as an admin calls them: what
 * they change, what they refuse, and what their audit records say, above all that no
 * password (typed, set or generated) ever lands in the trail.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "198.51.100.4"));
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), revalidatePath }));

const dataDir = mkdtempSync(join(tmpdir(), "fc-user-actions-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { consoleDb } = await import("@/lib/db/console-db");
const { createLocalUser, findUser, upsertOidcUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy, resolveSession } = await import("@/lib/auth/sessions");
const { verifyPassword } = await import("@/lib/auth/password");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { createUser } = await import("@/lib/actions/create-user");
const { setUserRole } = await import("@/lib/actions/set-user-role");
const { setUserDisabled } = await import("@/lib/actions/set-user-disabled");
const { resetUserPassword } = await import("@/lib/actions/reset-user-password");
const { unlockUser } = await import("@/lib/actions/unlock-user");
const { accountLock, reserveSigninAttempt, signinLimits } = await import("@/lib/auth/signin-limits");

const db = consoleDb();
const admin = await createLocalUser(db, { username: "boss", password: "boss-password-123", role: "admin" });
const viewer = await createLocalUser(db, { username: "watcher", password: "watcher-password-1", role: "viewer" });

function signIn(user: { id: string; role: "viewer" | "responder" | "admin" }) {
  const { token } = createSession(db, user.id, user.role, {}, sessionPolicy());
  state.cookies = new Map([[SESSION_COOKIE, token]]);
  return token;
}

type AuditRow = {
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  params: string | null;
  result: string;
  error_code: string | null;
  ip: string | null;
};
const lastAudit = () => db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").get() as AuditRow;
const allAuditText = () => JSON.stringify(db.prepare("SELECT * FROM audit_log").all());

beforeEach(() => {
  signIn(admin);
  revalidatePath.mockClear();
});

describe("createUser", () => {
  it("adds a local user, audits who/what/target without the password, and refreshes the list", async () => {
    const r = await createUser({ username: "  alice ", displayName: "Alice A.", role: "responder", password: "alice-secret-pass" });
    expect(r).toEqual({ ok: true, data: { username: "alice", role: "responder" } });
    const alice = findUser(db, "alice")!;
    expect(alice).toMatchObject({ displayName: "Alice A.", role: "responder", source: "local", disabled: false });
    expect(await verifyPassword("alice-secret-pass", alice.passwordHash)).toBe(true);
    expect(lastAudit()).toMatchObject({ actor: "boss", role: "admin", action: "users.create", target: "alice", result: "success", ip: "198.51.100.4" });
    expect(JSON.parse(lastAudit().params!)).toMatchObject({ username: "alice", role: "responder", password: "[redacted]" });
    expect(allAuditText()).not.toContain("alice-secret-pass");
    expect(revalidatePath).toHaveBeenCalledWith("/admin/users");
  });

  it("returns field errors for each bad field, audited as a failure without the password", async () => {
    const r = await createUser({ username: "no spaces!", role: "superuser", password: "short-pw" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("invalid_input");
    expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(["password", "role", "username"]);
    expect(r.fieldErrors?.password).toBe("Use at least 12 characters.");
    expect(lastAudit()).toMatchObject({ action: "users.create", target: "no spaces!", result: "failure", error_code: "invalid_input" });
    expect(allAuditText()).not.toContain("short-pw");
  });

  it("accepts a form post (FormData) the same way", async () => {
    const fd = new FormData();
    fd.set("username", "formuser");
    fd.set("displayName", "");
    fd.set("role", "viewer");
    fd.set("password", "form-password-123");
    expect(await createUser(undefined, fd)).toMatchObject({ ok: true, data: { username: "formuser" } });
    expect(findUser(db, "formuser")?.displayName).toBeNull();
  });

  it("refuses a taken name (any case) as a conflict", async () => {
    const r = await createUser({ username: "ALICE", role: "viewer", password: "another-pass-123" });
    expect(r).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(lastAudit()).toMatchObject({ action: "users.create", target: "ALICE", result: "failure", error_code: "conflict" });
  });

  it("is denied to a viewer, and the denial is audited without the password", async () => {
    signIn(viewer);
    const r = await createUser({ username: "mallory", role: "admin", password: "mallory-password" });
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(findUser(db, "mallory")).toBeNull();
    expect(lastAudit()).toMatchObject({
      actor: "watcher",
      role: "viewer",
      action: "users.create",
      target: "mallory",
      result: "denied",
      error_code: "forbidden",
    });
    expect(allAuditText()).not.toContain("mallory-password");
  });
});

describe("setUserRole", () => {
  it("changes the role, ends that user's sessions, and records the previous role", async () => {
    const bob = await createLocalUser(db, { username: "bob", password: "bob-password-123", role: "viewer" });
    const bobToken = createSession(db, bob.id, "viewer", {}, sessionPolicy()).token;
    expect(await setUserRole({ username: "bob", role: "responder" })).toEqual({ ok: true, data: { username: "bob", role: "responder" } });
    expect(findUser(db, "bob")?.role).toBe("responder");
    expect(resolveSession(db, bobToken, sessionPolicy())).toBeNull();
    expect(lastAudit()).toMatchObject({ action: "users.set_role", target: "bob", result: "success" });
    expect(JSON.parse(lastAudit().params!)).toEqual({ username: "bob", role: "responder", previousRole: "viewer" });
  });

  it("will not let an admin demote themselves, with a clear message", async () => {
    const r = await setUserRole({ username: "boss", role: "viewer" });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringMatching(/cannot change your own role/) } });
    expect(findUser(db, "boss")?.role).toBe("admin");
    expect(lastAudit()).toMatchObject({ action: "users.set_role", target: "boss", result: "failure" });
  });

  it("leaves single-sign-on roles to the identity provider", async () => {
    upsertOidcUser(db, { username: "sso-carol", role: "viewer" });
    const r = await setUserRole({ username: "sso-carol", role: "admin" });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringMatching(/identity provider/) } });
    expect(findUser(db, "sso-carol")?.role).toBe("viewer");
  });

  it("answers not_found for an unknown user", async () => {
    expect(await setUserRole({ username: "ghost", role: "viewer" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("setUserDisabled", () => {
  it("disables (signing the user out) and enables again", async () => {
    const dave = await createLocalUser(db, { username: "dave", password: "dave-password-123", role: "viewer" });
    const daveToken = createSession(db, dave.id, "viewer", {}, sessionPolicy()).token;
    expect(await setUserDisabled({ username: "dave", disabled: true })).toEqual({ ok: true, data: { username: "dave", disabled: true } });
    expect(resolveSession(db, daveToken, sessionPolicy())).toBeNull();
    expect(JSON.parse(lastAudit().params!)).toEqual({ username: "dave", disabled: true, previouslyDisabled: false });
    expect(await setUserDisabled({ username: "dave", disabled: "false" })).toEqual({ ok: true, data: { username: "dave", disabled: false } });
  });

  it("will not let an admin disable themselves, with a clear message", async () => {
    const r = await setUserDisabled({ username: "boss", disabled: true });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringMatching(/cannot disable your own account/) } });
    expect(findUser(db, "boss")?.disabled).toBe(false);
  });
});

describe("resetUserPassword", () => {
  it("generates a password, returns it once, and keeps it out of the trail", async () => {
    const erin = await createLocalUser(db, { username: "erin", password: "erin-password-123", role: "viewer" });
    const erinToken = createSession(db, erin.id, "viewer", {}, sessionPolicy()).token;
    const r = await resetUserPassword({ username: "erin", mode: "generate" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const generated = r.data.generatedPassword!;
    expect(generated.length).toBeGreaterThanOrEqual(12);
    expect(await verifyPassword(generated, findUser(db, "erin")!.passwordHash)).toBe(true);
    expect(resolveSession(db, erinToken, sessionPolicy())).toBeNull();
    expect(lastAudit()).toMatchObject({ action: "users.reset_password", target: "erin", result: "success" });
    expect(JSON.parse(lastAudit().params!)).toEqual({ username: "erin", mode: "generate", temporary: true });
    // Someone else's reset is temporary: erin chooses her own at the next sign-in.
    expect(findUser(db, "erin")!.mustChangePassword).toBe(true);
    expect(allAuditText()).not.toContain(generated);
  });

  it("sets a typed password, checked by the same rules, never stored in the trail", async () => {
    const short = await resetUserPassword({ username: "erin", mode: "set", password: "too-short" });
    expect(short).toMatchObject({ ok: false, error: { code: "invalid_input" }, fieldErrors: { password: "Use at least 12 characters." } });
    expect(await resetUserPassword({ username: "erin", mode: "set", password: "erin-new-password" })).toEqual({
      ok: true,
      data: { username: "erin", generatedPassword: null, temporary: true },
    });
    expect(await verifyPassword("erin-new-password", findUser(db, "erin")!.passwordHash)).toBe(true);
    expect(allAuditText()).not.toContain("too-short");
    expect(allAuditText()).not.toContain("erin-new-password");
  });

  it("refuses single-sign-on users, who have no local password", async () => {
    expect(await resetUserPassword({ username: "sso-carol", mode: "generate" })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  });
});

describe("resetUserPassword and locks", () => {
  it("unlocks a user locked out by failed sign-ins; an admin's own reset is not temporary", async () => {
    const limits = signinLimits();
    await createLocalUser(db, { username: "ivan", password: "ivan-password-123", role: "viewer" });
    for (let i = 0; i < 5; i++) reserveSigninAttempt(db, "ivan", `203.0.113.${i}`, limits);
    expect(accountLock(db, "ivan", limits)).not.toBeNull();
    expect(await resetUserPassword({ username: "ivan", mode: "generate" })).toMatchObject({ ok: true });
    expect(accountLock(db, "ivan", limits)).toBeNull();

    expect(await resetUserPassword({ username: "boss", mode: "set", password: "boss-new-password-1" })).toMatchObject({ ok: true, data: { temporary: false } });
    expect(findUser(db, "boss")!.mustChangePassword).toBe(false);
    signIn(findUser(db, "boss")!);
  });
});

describe("unlockUser", () => {
  it("lets a locked user try again at once, audited with what it lifted", async () => {
    const limits = signinLimits();
    await createLocalUser(db, { username: "judy", password: "judy-password-123", role: "viewer" });
    for (let i = 0; i < 5; i++) reserveSigninAttempt(db, "judy", `198.51.100.${i}`, limits);
    expect(reserveSigninAttempt(db, "judy", "198.51.100.50", limits).ok).toBe(false);

    expect(await unlockUser({ username: "JUDY" })).toEqual({ ok: true, data: { username: "judy", wasLocked: true } });
    expect(accountLock(db, "judy", limits)).toBeNull();
    expect(reserveSigninAttempt(db, "judy", "198.51.100.50", limits).ok).toBe(true);
    expect(lastAudit()).toMatchObject({ actor: "boss", role: "admin", action: "users.unlock", target: "judy", result: "success" });
    expect(JSON.parse(lastAudit().params!)).toMatchObject({ username: "judy", wasLocked: true, forgottenFailures: 5 });
    expect(revalidatePath).toHaveBeenCalledWith("/admin/users");
  });

  it("answers not_found for an unknown user, and is denied to a viewer (audited)", async () => {
    expect(await unlockUser({ username: "ghost" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    signIn(viewer);
    expect(await unlockUser({ username: "judy" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(lastAudit()).toMatchObject({ actor: "watcher", action: "users.unlock", target: "judy", result: "denied" });
  });
});

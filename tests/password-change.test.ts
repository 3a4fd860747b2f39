import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * A user with a temporary password (the first admin's generated one, an admin's reset)
 * may only set their own, or sign out: every page sends them to the change-password
 * page, every other action and route handler refuses them, on the server.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "198.51.100.8"));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), revalidatePath: vi.fn() }));

const dataDir = mkdtempSync(join(tmpdir(), "fc-password-change-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { NextRequest } = await import("next/server");
const { consoleDb } = await import("@/lib/db/console-db");
const { createLocalUser, findUser, resetPassword } = await import("@/lib/auth/users");
const { createSession, resolveSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { verifyPassword } = await import("@/lib/auth/password");
const { requirePage, route } = await import("@/lib/auth/guard");
const { changePassword } = await import("@/lib/actions/change-password");
const { signIn } = await import("@/lib/actions/sign-in");
const { signOut } = await import("@/lib/actions/sign-out");
const { saveQuery } = await import("@/lib/actions/save-query");
const { createUser } = await import("@/lib/actions/create-user");

const db = consoleDb();
const TEMP = "temporary-pass-123";
type AuditRow = { actor: string; action: string; target: string | null; params: string | null; result: string; error_code: string | null };
const lastAudit = () => db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").get() as AuditRow;

let n = 0;
/** A fresh user whose password an admin has just reset (temporary), signed in. */
async function temporaryUser(role: "viewer" | "admin" = "admin") {
  const username = `temp-${++n}`;
  const u = await createLocalUser(db, { username, password: "first-pass-1234", role });
  await resetPassword(db, username, TEMP, { temporary: true });
  const { token } = createSession(db, u.id, role, {}, sessionPolicy());
  state.cookies = new Map([[SESSION_COOKIE, token]]);
  return { username, token };
}

beforeEach(() => state.cookies.clear());

async function redirectOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const digest = String((err as { digest?: unknown }).digest ?? "");
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2];
    throw err;
  }
  throw new Error("expected a redirect");
}

describe("a session with a temporary password", () => {
  it("is sent from every page to the change-password page, which alone opens", async () => {
    await temporaryUser();
    expect(await redirectOf(requirePage("fleet.read"))).toBe("/account/password?next=%2F");
    expect(await redirectOf(requirePage("users.manage"))).toMatch(/^\/account\/password\?next=/);
    await expect(requirePage("authenticated", { duringPasswordChange: true })).resolves.toMatchObject({ mustChangePassword: true });
  });

  it("is refused by other actions (audited as denied) but may sign out", async () => {
    const { username } = await temporaryUser();
    const r = await createUser({ username: "new-person", role: "viewer", password: "a-good-password-1" });
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/temporary: set your own password first/) } });
    expect(findUser(db, "new-person")).toBeNull();
    expect(lastAudit()).toMatchObject({ actor: username, action: "users.create", result: "denied", error_code: "forbidden" });
    expect(await saveQuery({ name: "q", query: "thingName:x", columns: [] })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await signOut({})).toMatchObject({ ok: true });
  });

  it("is refused by route handlers with a 403 that says why", async () => {
    await temporaryUser();
    const handler = route("fleet.read", async () => Response.json({ reached: true }));
    const res = await handler(new NextRequest("http://console.test/api/x"), { params: Promise.resolve({}) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "forbidden", message: expect.stringMatching(/temporary/) } });
  });

  it("is where sign-in sends such a user, keeping where they were going", async () => {
    const { username } = await temporaryUser("viewer");
    state.cookies.clear();
    expect(await signIn({ username, password: TEMP, next: "/groups" })).toEqual({ ok: true, data: { next: "/account/password?next=%2Fgroups" } });
  });
});

describe("changePassword", () => {
  it("checks the fields, with errors by the field", async () => {
    await temporaryUser();
    const r = await changePassword({ currentPassword: TEMP, newPassword: "Password123!", confirmPassword: "something else" });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    if (r.ok) return;
    expect(r.fieldErrors?.newPassword).toMatch(/common password/);
    const mismatch = await changePassword({ currentPassword: TEMP, newPassword: "my own passphrase 1", confirmPassword: "my own passphrase 2" });
    expect(mismatch).toMatchObject({ ok: false, fieldErrors: { confirmPassword: "The two new passwords are not the same." } });
  });

  it("sets the user's own password, opens the console, and signs this browser in afresh", async () => {
    const { username, token } = await temporaryUser();
    const r = await changePassword({ currentPassword: TEMP, newPassword: "my own passphrase 1", confirmPassword: "my own passphrase 1", next: "/groups" });
    expect(r).toEqual({ ok: true, data: { next: "/groups" } });
    expect(findUser(db, username)!.mustChangePassword).toBe(false);
    expect(await verifyPassword("my own passphrase 1", findUser(db, username)!.passwordHash)).toBe(true);
    // The old session (and any other) has ended; the cookie holds a new, unrestricted one.
    expect(resolveSession(db, token, sessionPolicy())).toBeNull();
    const fresh = state.cookies.get(SESSION_COOKIE)!;
    expect(fresh).not.toBe(token);
    expect(resolveSession(db, fresh, sessionPolicy())).toMatchObject({ username, mustChangePassword: false });
    await expect(requirePage("fleet.read")).resolves.toMatchObject({ username });

    expect(lastAudit()).toMatchObject({ actor: username, action: "auth.change_password", target: username, result: "success" });
    const trail = JSON.stringify(db.prepare("SELECT * FROM audit_log").all());
    expect(trail).not.toContain("my own passphrase");
    expect(trail).not.toContain(TEMP);
  });

  it("refuses a wrong current password, audited as a failure", async () => {
    const { username } = await temporaryUser();
    const r = await changePassword({ currentPassword: "not-the-password", newPassword: "my own passphrase 1", confirmPassword: "my own passphrase 1" });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: "The current password is not right." } });
    expect(findUser(db, username)!.mustChangePassword).toBe(true);
    expect(lastAudit()).toMatchObject({ action: "auth.change_password", target: username, result: "failure" });
  });

  it("is refused without a session", async () => {
    expect(await changePassword({ currentPassword: TEMP, newPassword: "my own passphrase 1", confirmPassword: "my own passphrase 1" })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
  });
});

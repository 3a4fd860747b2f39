import { describe, expect, it } from "vitest";
import { queryAudit } from "@/lib/audit/audit";
import { openConsoleDb } from "@/lib/db/console-db";
import { ensureFirstAdmin } from "./first-admin";
import { verifyPassword } from "./password";
import { countUsers, createLocalUser, findUser } from "./users";

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("first admin", () => {
  it("is created with the configured name and password, which are not printed", async () => {
    const db = openConsoleDb(":memory:");
    const logs: string[] = [];
    const made = await ensureFirstAdmin(db, env({ ADMIN_USERNAME: "root-admin", ADMIN_PASSWORD: "configured-pass-1" }), (t) => logs.push(t));
    expect(made).toEqual({ username: "root-admin", generatedPassword: null });
    const u = findUser(db, "root-admin")!;
    expect(u.role).toBe("admin");
    expect(await verifyPassword("configured-pass-1", u.passwordHash)).toBe(true);
    // The operator chose it: not a temporary password.
    expect(u.mustChangePassword).toBe(false);
    expect(logs.join("\n")).not.toContain("configured-pass-1");
    expect(queryAudit(db, { action: "users.create" }, { limit: 5 }).records[0]).toMatchObject({ actor: "system", target: "root-admin", result: "success" });
  });

  it("gets a generated password printed once, in a box, and never again", async () => {
    const db = openConsoleDb(":memory:");
    const logs: string[] = [];
    const made = await ensureFirstAdmin(db, env({}), (t) => logs.push(t));
    expect(made?.username).toBe("admin");
    const password = made!.generatedPassword!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`first admin: admin / ${password} `);
    expect(logs[0]).toMatch(/asks you to choose your own/);
    expect(logs[0].split("\n")[0]).toMatch(/^┌─+┐$/);
    expect(await verifyPassword(password, findUser(db, "admin")!.passwordHash)).toBe(true);
    // It has been in a log: the first sign-in must replace it.
    expect(findUser(db, "admin")!.mustChangePassword).toBe(true);
    expect(JSON.parse(queryAudit(db, { action: "users.create" }, { limit: 5 }).records[0].params!)).toMatchObject({ firstAdmin: true, temporary: true });

    // Every later start: nothing created, nothing printed.
    expect(await ensureFirstAdmin(db, env({}), (t) => logs.push(t))).toBeNull();
    expect(await ensureFirstAdmin(db, env({ ADMIN_PASSWORD: "changed-later-1" }), (t) => logs.push(t))).toBeNull();
    expect(logs).toHaveLength(1);
    expect(countUsers(db)).toBe(1);
  });

  it("does nothing when any user exists", async () => {
    const db = openConsoleDb(":memory:");
    await createLocalUser(db, { username: "someone", password: "someone-pass-1", role: "viewer" });
    expect(await ensureFirstAdmin(db, env({}), () => undefined)).toBeNull();
    expect(findUser(db, "admin")).toBeNull();
  });

  it("refuses to start with an unusable configured password or name", async () => {
    await expect(ensureFirstAdmin(openConsoleDb(":memory:"), env({ ADMIN_PASSWORD: "short" }), () => undefined)).rejects.toThrow(/ADMIN_PASSWORD.*12/);
    await expect(ensureFirstAdmin(openConsoleDb(":memory:"), env({ ADMIN_PASSWORD: "Password123!" }), () => undefined)).rejects.toThrow(
      /ADMIN_PASSWORD.*common password/,
    );
    await expect(ensureFirstAdmin(openConsoleDb(":memory:"), env({ ADMIN_USERNAME: "bad name" }), () => undefined)).rejects.toThrow(/ADMIN_USERNAME/);
  });
});

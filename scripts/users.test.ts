import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { queryAudit } from "@/lib/audit/audit";
import { verifyPassword } from "@/lib/auth/password";
import { createSession, resolveSession, sessionPolicy } from "@/lib/auth/sessions";
import { accountLock, reserveSigninAttempt, signinLimits } from "@/lib/auth/signin-limits";
import { findUser } from "@/lib/auth/users";
import { openConsoleDb } from "@/lib/db/console-db";

// `npm run users` end to end: the real script in a child process, on a store in a temp DATA_DIR.
const ROOT = join(import.meta.dirname, "..");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dataDir = mkdtempSync(join(tmpdir(), "fc-users-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") };
  delete env.CONSOLE_DB_PATH;
  // Run from the temp dir: the CLI reads `.env` from its working directory, and a
  // developer's .env must not point this test at their real store.
  const r = spawnSync(process.execPath, ["--import", TSX, join(ROOT, "scripts/users.ts"), ...args], { cwd: dataDir, env, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const db = () => openConsoleDb(join(dataDir, "console.sqlite"));

describe("npm run users", () => {
  it("adds a user with a given password, into DATA_DIR/console.sqlite", async () => {
    const r = cli("add", "alice", "--role", "responder", "--password", "alice-password-1");
    expect(r).toMatchObject({ code: 0, out: "Created alice (responder).\n" });
    const d = db();
    const u = findUser(d, "alice")!;
    expect(u.role).toBe("responder");
    expect(await verifyPassword("alice-password-1", u.passwordHash)).toBe(true);
    d.close();
  });

  it("generates and prints a password when none is given", async () => {
    const r = cli("add", "bob", "--role=viewer");
    expect(r.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(r.out)?.[1];
    expect(password).toBeTruthy();
    const d = db();
    expect(await verifyPassword(password!, findUser(d, "bob")!.passwordHash)).toBe(true);
    d.close();
  });

  it("lists users as a table and as JSON, without password hashes", () => {
    const table = cli("list");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^USER\s+ROLE\s+SOURCE\s+STATUS\s+LAST SIGN-IN\n/);
    expect(table.out).toMatch(/alice\s+responder\s+local\s+active\s+never/);
    const json = cli("list", "--json");
    const users = JSON.parse(json.out) as Array<{ username: string; role: string }>;
    expect(users.map((u) => [u.username, u.role])).toEqual([
      ["alice", "responder"],
      ["bob", "viewer"],
    ]);
    expect(json.out).not.toContain("scrypt");
  });

  it("disables (ending sessions), enables and changes roles", () => {
    let d = db();
    const alice = findUser(d, "alice")!;
    const { token } = createSession(d, alice.id, alice.role, {}, sessionPolicy());
    d.close();

    expect(cli("disable", "alice")).toMatchObject({ code: 0 });
    d = db();
    expect(findUser(d, "alice")!.disabled).toBe(true);
    expect(resolveSession(d, token, sessionPolicy())).toBeNull();
    d.close();
    expect(cli("list").out).toMatch(/alice\s+responder\s+local\s+disabled/);

    expect(cli("enable", "alice").code).toBe(0);
    expect(cli("set-role", "alice", "admin")).toMatchObject({ code: 0, out: "alice is now admin; their sessions have ended.\n" });
    d = db();
    expect(findUser(d, "alice")).toMatchObject({ role: "admin", disabled: false });
    d.close();
  });

  it("resets a password, given or generated", async () => {
    expect(cli("reset-password", "alice", "--password", "alice-password-2").code).toBe(0);
    const r = cli("reset-password", "bob");
    const generated = /New password for bob \(shown once\): (\S+)/.exec(r.out)?.[1];
    const d = db();
    expect(await verifyPassword("alice-password-2", findUser(d, "alice")!.passwordHash)).toBe(true);
    expect(await verifyPassword(generated!, findUser(d, "bob")!.passwordHash)).toBe(true);
    d.close();
  });

  it("refuses with a clear message and exit code 1", () => {
    expect(cli("add", "alice", "--role", "viewer", "--password", "long-enough-pass")).toMatchObject({
      code: 1,
      err: "Error: A user named alice already exists.\n",
    });
    expect(cli("add", "carol", "--role", "viewer", "--password", "short")).toMatchObject({ code: 1, err: "Error: Use at least 12 characters.\n" });
    expect(cli("disable", "nobody")).toMatchObject({ code: 1, err: "Error: There is no user named nobody.\n" });
    expect(cli("add", "bad name", "--role", "viewer", "--password", "long-enough-pass").code).toBe(1);
  });

  it("answers usage errors with the usage and exit code 2", () => {
    for (const args of [
      [],
      ["frob"],
      ["add", "dave"],
      ["add", "dave", "--role", "root"],
      ["set-role", "alice"],
      ["list", "--colour"],
      ["add", "dave", "--role"],
    ]) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toContain("Usage: npm run users");
    }
    expect(cli("--help")).toMatchObject({ code: 0 });
  });

  it("warns when no enabled admin is left", () => {
    const r = cli("set-role", "alice", "viewer");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no enabled admin is left/);
    expect(cli("set-role", "alice", "admin").err).toBe("");
  });

  it("writes every change to the audit trail as `cli`, never a password", () => {
    const d = db();
    const records = queryAudit(d, { actor: "cli" }, { limit: 100 }).records.reverse();
    d.close();
    expect(records.map((r) => `${r.action} ${r.target} ${r.result}`)).toEqual([
      "users.create alice success",
      "users.create bob success",
      "users.set_disabled alice success",
      "users.set_disabled alice success",
      "users.set_role alice success",
      "users.reset_password alice success",
      "users.reset_password bob success",
      "users.create alice failure",
      "users.create carol failure",
      "users.set_disabled nobody failure",
      "users.create bad name failure",
      "users.set_role alice success",
      "users.set_role alice success",
    ]);
    const all = JSON.stringify(records);
    expect(all).not.toContain("alice-password");
    expect(all).not.toContain("long-enough-pass");
  });
});

describe("npm run users -- unlock, and resets that unlock", () => {
  const limits = signinLimits({} as unknown as NodeJS.ProcessEnv);
  /** Five failed sign-ins from strangers: the account is locked for addresses it has not signed in from. */
  const lock = (name: string) => {
    const d = db();
    for (let i = 0; i < 5; i++) reserveSigninAttempt(d, name, `203.0.113.${i}`, limits);
    expect(accountLock(d, name, limits)).not.toBeNull();
    d.close();
  };
  const locked = (name: string) => {
    const d = db();
    const l = accountLock(d, name, limits);
    d.close();
    return l !== null;
  };

  it("shows a locked account in the list, unlocks it, and says until when it was locked", () => {
    lock("alice");
    expect(cli("list").out).toMatch(/alice\s+\w+\s+local\s+locked until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    const r = cli("unlock", "alice");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Unlocked alice \(was locked until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); they can sign in again now\.\n$/);
    expect(locked("alice")).toBe(false);
    expect(cli("list").out).toMatch(/alice\s+\w+\s+local\s+active/);
    expect(cli("unlock", "alice")).toMatchObject({ code: 0, out: "alice was not locked.\n" });
    expect(cli("unlock", "nobody")).toMatchObject({ code: 1, err: "Error: There is no user named nobody.\n" });
    expect(cli("unlock").code).toBe(2);
  });

  it("reset-password unlocks too; a generated password is temporary, a given one is not", () => {
    lock("bob");
    const r = cli("reset-password", "bob");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bob chooses their own at the next sign-in/);
    expect(locked("bob")).toBe(false);
    let d = db();
    expect(findUser(d, "bob")!.mustChangePassword).toBe(true);
    d.close();

    lock("bob");
    expect(cli("reset-password", "bob", "--password", "bob-chosen-password-1")).toMatchObject({
      code: 0,
      out: "Password of bob changed; their sessions have ended and sign-in is unlocked.\n",
    });
    expect(locked("bob")).toBe(false);
    d = db();
    expect(findUser(d, "bob")!.mustChangePassword).toBe(false);
    d.close();
  });

  it("refuses weak passwords with the reason", () => {
    expect(cli("add", "carol", "--role", "viewer", "--password", "Password123!")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^Error: This is a common password/),
    });
    expect(cli("add", "carol", "--role", "viewer", "--password", "abcdefghijklmn")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^Error: Do not use a sequence/),
    });
    expect(cli("add", "carol-the-admin", "--role", "viewer", "--password", "Carol-The-Admin")).toMatchObject({
      code: 1,
      err: "Error: Do not use the user name as the password.\n",
    });
  });

  it("audits unlocks as `cli`", () => {
    const d = db();
    const records = queryAudit(d, { action: "users.unlock" }, { limit: 10 }).records.reverse();
    d.close();
    expect(records.map((r) => `${r.actor} ${r.target} ${r.result}`)).toEqual(["cli alice success", "cli alice success", "cli nobody failure"]);
    expect(JSON.parse(records[0].params!)).toMatchObject({ wasLocked: true, forgottenFailures: 5 });
  });
});

/**
 * `npm run users -- <command>`: manage the console's local accounts from a shell, for the
 * first admin's day and for the day every admin is locked out. Works on the same store as
 * the console (CONSOLE_DB_PATH, or DATA_DIR/console.sqlite; `.env` is read), while it runs.
 *
 *   add <name> --role viewer|responder|admin [--password P]   (generated and printed when omitted)
 *   list [--json]
 *   disable <name> | enable <name>
 *   set-role <name> <role>
 *   reset-password <name> [--password P]                       (generated and printed when omitted)
 *   unlock <name>
 *
 * Every change is written to the audit trail with actor `cli`. Changing a role, disabling
 * an account or resetting its password ends that user's sessions at once. A generated
 * password is temporary (the user chooses their own at the next sign-in); a reset, like
 * unlock, lets a user locked out by failed sign-ins try again at once.
 * Exit codes: 0 done, 1 refused (unknown user, name taken, weak password…), 2 usage error.
 *
 * Imports only modules without "server-only" (tsx runs this outside Next.js).
 */
import { recordAudit } from "@/lib/audit/audit";
import { generatePassword } from "@/lib/auth/password";
import { isRole, ROLES, type Role } from "@/lib/auth/permissions";
import { accountKey, lockedAccounts, signinLimits, type AccountLock } from "@/lib/auth/signin-limits";
import { createLocalUser, listUsers, resetPassword, setUserDisabled, setUserRole, unlockUserSignIn, UserError, type User } from "@/lib/auth/users";
import { consoleDbPath, openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { loadDotEnv } from "./lib/env";

const USAGE = `Usage: npm run users -- <command>

  add <name> --role <role> [--password P]   create a local account; role: ${ROLES.join(", ")}
                                            (a password is generated and printed when omitted)
  list [--json]                             list accounts
  disable <name>                            refuse sign-in and end the user's sessions
  enable <name>                             allow sign-in again
  set-role <name> <role>                    change the role (ends the user's sessions)
  reset-password <name> [--password P]      set a new password (ends sessions, unlocks); when omitted
                                            one is generated, which the user replaces at next sign-in
  unlock <name>                             let a user locked out by failed sign-ins try again now

The store is CONSOLE_DB_PATH, or DATA_DIR/console.sqlite (default ./.data).`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  options: Map<string, string | true>;
}

const VALUE_OPTIONS = new Set(["role", "password"]);
const FLAG_OPTIONS = new Set(["json", "help"]);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h") {
      options.set("help", true);
      continue;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (FLAG_OPTIONS.has(name)) {
      options.set(name, true);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value.`);
      options.set(name, value);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return { positional, options };
}

function expectArgs(p: Parsed, count: number, what: string): string[] {
  if (p.positional.length - 1 !== count) throw new UsageError(`Expected ${what}.`);
  return p.positional.slice(1);
}

function roleArg(value: string | true | undefined): Role {
  if (typeof value !== "string") throw new UsageError(`--role is required (${ROLES.join(", ")}).`);
  if (!isRole(value)) throw new UsageError(`'${value}' is not a role: use ${ROLES.join(", ")}.`);
  return value;
}

function passwordArg(p: Parsed): { password: string; generated: boolean } {
  const given = p.options.get("password");
  return typeof given === "string" ? { password: given, generated: false } : { password: generatePassword(), generated: true };
}

function audit(db: ConsoleDb, action: string, target: string, params: Record<string, unknown> | undefined, result: "success" | "failure", errorCode?: string) {
  recordAudit(db, { actor: "cli", role: null, action, target, params, result, errorCode });
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function formatTable(users: User[], locks: Map<string, AccountLock>): string {
  if (users.length === 0) return "No users.";
  const rows = users.map((u) => {
    const lock = locks.get(accountKey(u.username));
    return [
      u.username,
      u.role,
      u.source,
      u.disabled ? "disabled" : lock ? `locked until ${isoSecond(lock.untilMs)}` : "active",
      u.lastLoginAtMs ? isoSecond(u.lastLoginAtMs) : "never",
    ];
  });
  const header = ["USER", "ROLE", "SOURCE", "STATUS", "LAST SIGN-IN"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Allowed (the CLI is how a locked-out console is repaired) but never silently. */
function warnIfNoAdminLeft(db: ConsoleDb): void {
  if (!listUsers(db).some((u) => u.role === "admin" && !u.disabled)) {
    console.error("Warning: no enabled admin is left; nobody can manage users in the console until one is enabled or promoted here.");
  }
}

/** One command against `db`; returns what to print. Throws UsageError or UserError. */
async function run(db: ConsoleDb, p: Parsed): Promise<string> {
  const command = p.positional[0];
  switch (command) {
    case "list": {
      expectArgs(p, 0, "no arguments after list");
      const users = listUsers(db);
      return p.options.has("json") ? JSON.stringify(users, null, 2) : formatTable(users, lockedAccounts(db, signinLimits()));
    }
    case "add": {
      const [name] = expectArgs(p, 1, "add <name> --role <role>");
      const role = roleArg(p.options.get("role"));
      const { password, generated } = passwordArg(p);
      const params = { role };
      try {
        await createLocalUser(db, { username: name, password, role, mustChangePassword: generated });
      } catch (err) {
        if (err instanceof UserError) audit(db, "users.create", name, params, "failure", err.code);
        throw err;
      }
      audit(db, "users.create", name, params, "success");
      return generated
        ? `Created ${name} (${role}). Password (shown once): ${password}\n${name} chooses their own at the first sign-in.`
        : `Created ${name} (${role}).`;
    }
    case "disable":
    case "enable": {
      const [name] = expectArgs(p, 1, `${command} <name>`);
      const action = "users.set_disabled";
      try {
        setUserDisabled(db, name, command === "disable");
      } catch (err) {
        if (err instanceof UserError) audit(db, action, name, { disabled: command === "disable" }, "failure", err.code);
        throw err;
      }
      audit(db, action, name, { disabled: command === "disable" }, "success");
      warnIfNoAdminLeft(db);
      return command === "disable" ? `Disabled ${name}; their sessions have ended.` : `Enabled ${name}.`;
    }
    case "set-role": {
      const [name, roleText] = expectArgs(p, 2, "set-role <name> <role>");
      const role = roleArg(roleText);
      try {
        setUserRole(db, name, role);
      } catch (err) {
        if (err instanceof UserError) audit(db, "users.set_role", name, { role }, "failure", err.code);
        throw err;
      }
      audit(db, "users.set_role", name, { role }, "success");
      warnIfNoAdminLeft(db);
      return `${name} is now ${role}; their sessions have ended.`;
    }
    case "reset-password": {
      const [name] = expectArgs(p, 1, "reset-password <name> [--password P]");
      const { password, generated } = passwordArg(p);
      const params = { temporary: generated };
      try {
        await resetPassword(db, name, password, { temporary: generated });
      } catch (err) {
        if (err instanceof UserError) audit(db, "users.reset_password", name, params, "failure", err.code);
        throw err;
      }
      audit(db, "users.reset_password", name, params, "success");
      return generated
        ? `New password for ${name} (shown once): ${password}\n${name} chooses their own at the next sign-in; their sessions have ended and sign-in is unlocked.`
        : `Password of ${name} changed; their sessions have ended and sign-in is unlocked.`;
    }
    case "unlock": {
      const [name] = expectArgs(p, 1, "unlock <name>");
      let unlocked: ReturnType<typeof unlockUserSignIn>;
      try {
        unlocked = unlockUserSignIn(db, name, signinLimits());
      } catch (err) {
        if (err instanceof UserError) audit(db, "users.unlock", name, undefined, "failure", err.code);
        throw err;
      }
      const { user, lock, forgotten } = unlocked;
      audit(db, "users.unlock", user.username, { wasLocked: lock !== null, forgottenFailures: forgotten }, "success");
      return lock
        ? `Unlocked ${user.username} (was locked until ${isoSecond(lock.untilMs)}); they can sign in again now.`
        : forgotten === 0
          ? `${user.username} was not locked.`
          : `${user.username} was not locked; ${forgotten} recent failed sign-in${forgotten === 1 ? "" : "s"} no longer count.`;
    }
    case undefined:
      throw new UsageError("No command given.");
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.options.has("help") || parsed.positional[0] === "help") {
    console.log(USAGE);
    return 0;
  }
  loadDotEnv();
  let db: ConsoleDb | undefined;
  try {
    db = openConsoleDb(consoleDbPath());
    console.log(await run(db, parsed));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof UserError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    db?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));

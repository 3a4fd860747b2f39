import { recordAudit } from "@/lib/audit/audit";
import type { ConsoleDb } from "@/lib/db/console-db";
import { readEnv, type RawEnv } from "@/lib/env";
import { generatePassword, passwordProblem } from "./password";
import { countUsers, createLocalUser, UserError, USERNAME_PATTERN } from "./users";

/**
 * At first start (no users at all) the console creates one admin, so there is always a
 * way in: ADMIN_USERNAME (default `admin`) with ADMIN_PASSWORD, or a generated password
 * printed once to the server log. A generated password has been in a log, so it is
 * temporary: the first sign-in asks for a new one before anything else opens. (One from
 * ADMIN_PASSWORD was chosen by the operator and stays.) Once any user exists this does
 * nothing, so the password is never printed again and ADMIN_PASSWORD is ignored after
 * the first start.
 *
 * No server-only imports: called from instrumentation.ts and from tests.
 */
export interface FirstAdmin {
  username: string;
  /** Set only when the password was generated (and so had to be shown). */
  generatedPassword: string | null;
}

export async function ensureFirstAdmin(db: ConsoleDb, env?: RawEnv, log: (text: string) => void = console.log): Promise<FirstAdmin | null> {
  if (countUsers(db) > 0) return null;
  const { ADMIN_USERNAME: username, ADMIN_PASSWORD: configured } = readEnv(["ADMIN_USERNAME", "ADMIN_PASSWORD"], env);
  if (!USERNAME_PATTERN.test(username)) throw new Error(`ADMIN_USERNAME '${username}' is not valid: use 2-64 letters, digits, '.', '_', '@' or '-'.`);
  if (configured) {
    const problem = passwordProblem(configured, username);
    if (problem) throw new Error(`ADMIN_PASSWORD is not usable: ${problem}`);
  }
  const password = configured || generatePassword();
  try {
    await createLocalUser(db, { username, password, role: "admin", mustChangePassword: !configured });
  } catch (err) {
    // Another process (a second console on the same store) got there first.
    if (err instanceof UserError && err.code === "conflict") return null;
    throw err;
  }
  recordAudit(db, {
    actor: "system",
    role: null,
    action: "users.create",
    target: username,
    params: { role: "admin", firstAdmin: true, temporary: !configured },
    result: "success",
  });
  if (configured) {
    log(`[console] first admin '${username}' created with the password from ADMIN_PASSWORD`);
    return { username, generatedPassword: null };
  }
  log(firstAdminBox(username, password));
  return { username, generatedPassword: password };
}

export function firstAdminBox(username: string, password: string): string {
  const lines = [
    `first admin: ${username} / ${password}`,
    "This password is shown once and never again. Sign in with it: the console",
    "then asks you to choose your own before anything else.",
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "─".repeat(width + 2);
  return [`┌${bar}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${bar}┘`].join("\n");
}

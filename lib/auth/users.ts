import { randomUUID } from "node:crypto";
import type { ConsoleDb } from "@/lib/db/console-db";
import { hashPassword, passwordProblem } from "./password";
import { isRole, type Role } from "./permissions";
import { accountLock, unlockAccount, type AccountLock, type SigninLimits } from "./signin-limits";

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  source: "local" | "oidc";
  disabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  lastLoginAtMs: number | null;
  /** Signs in with a password someone else chose or saw: must set their own before anything else. */
  mustChangePassword: boolean;
}

interface Row {
  id: string;
  username: string;
  display_name: string | null;
  role: string;
  source: string;
  password_hash: string | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  must_change_password: number;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{2,64}$/;

function toUser(r: Row): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: isRole(r.role) ? r.role : "viewer",
    source: r.source === "oidc" ? "oidc" : "local",
    disabled: r.disabled === 1,
    createdAtMs: r.created_at,
    updatedAtMs: r.updated_at,
    lastLoginAtMs: r.last_login_at,
    mustChangePassword: r.must_change_password === 1,
  };
}

export class UserError extends Error {
  constructor(
    readonly code: "invalid_input" | "conflict" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

export function listUsers(db: ConsoleDb): User[] {
  return (db.prepare("SELECT * FROM users ORDER BY username").all() as Row[]).map(toUser);
}

export function findUser(db: ConsoleDb, username: string): (User & { passwordHash: string | null }) | null {
  const r = db.prepare("SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
  return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
}

export function getUser(db: ConsoleDb, id: string): User | null {
  const r = db.prepare("SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
  return r ? toUser(r) : null;
}

export function countUsers(db: ConsoleDb): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n;
}

export async function createLocalUser(
  db: ConsoleDb,
  input: { username: string; password: string; role: Role; displayName?: string; mustChangePassword?: boolean },
): Promise<User> {
  if (!USERNAME_PATTERN.test(input.username)) throw new UserError("invalid_input", "User names are 2-64 letters, digits, '.', '_', '@' or '-'.");
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw new UserError("invalid_input", problem);
  if (findUser(db, input.username)) throw new UserError("conflict", `A user named ${input.username} already exists.`);
  const now = Date.now();
  const id = randomUUID();
  const hash = await hashPassword(input.password);
  db.prepare(
    "INSERT INTO users (id, username, display_name, role, source, password_hash, disabled, created_at, updated_at, must_change_password) VALUES (?, ?, ?, ?, 'local', ?, 0, ?, ?, ?)",
  ).run(id, input.username, input.displayName ?? null, input.role, hash, now, now, input.mustChangePassword ? 1 : 0);
  return getUser(db, id)!;
}

/** The local record of an OIDC user, created or refreshed at each sign-in (role from the provider's claims). */
export function upsertOidcUser(db: ConsoleDb, input: { username: string; displayName?: string; role: Role }): User {
  const now = Date.now();
  const existing = findUser(db, input.username);
  if (existing && existing.source !== "oidc")
    throw new UserError("conflict", `${input.username} is a local account; it cannot sign in through single sign-on.`);
  if (existing) {
    db.prepare("UPDATE users SET role = ?, display_name = ?, updated_at = ? WHERE id = ?").run(
      input.role,
      input.displayName ?? existing.displayName,
      now,
      existing.id,
    );
    return getUser(db, existing.id)!;
  }
  const id = randomUUID();
  db.prepare(
    "INSERT INTO users (id, username, display_name, role, source, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, 'oidc', NULL, 0, ?, ?)",
  ).run(id, input.username, input.displayName ?? null, input.role, now, now);
  return getUser(db, id)!;
}

function requireUser(db: ConsoleDb, username: string): User & { passwordHash: string | null } {
  const u = findUser(db, username);
  if (!u) throw new UserError("not_found", `There is no user named ${username}.`);
  return u;
}

export function setUserRole(db: ConsoleDb, username: string, role: Role): User {
  const u = requireUser(db, username);
  db.prepare("UPDATE users SET role = ?, updated_at = ? WHERE id = ?").run(role, Date.now(), u.id);
  // A changed role takes effect at once: existing sessions carry the old one.
  db.prepare("DELETE FROM sessions WHERE user_id = ?").run(u.id);
  return getUser(db, u.id)!;
}

export function setUserDisabled(db: ConsoleDb, username: string, disabled: boolean): User {
  const u = requireUser(db, username);
  db.prepare("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?").run(disabled ? 1 : 0, Date.now(), u.id);
  if (disabled) db.prepare("DELETE FROM sessions WHERE user_id = ?").run(u.id);
  return getUser(db, u.id)!;
}

/**
 * An admin's reset (web or CLI): new password, sessions ended, sign-in unlocked (a reset
 * is how a locked-out user gets back in). `temporary`: the user must set their own at
 * the next sign-in (the admin chose or saw this one).
 */
export async function resetPassword(db: ConsoleDb, username: string, password: string, options: { temporary?: boolean } = {}): Promise<User> {
  const u = requireUser(db, username);
  if (u.source !== "local") throw new UserError("invalid_input", `${username} signs in through single sign-on and has no local password.`);
  const problem = passwordProblem(password, u.username);
  if (problem) throw new UserError("invalid_input", problem);
  const hash = await hashPassword(password);
  db.transaction(() => {
    storePasswordHash(db, u.id, hash, options.temporary ?? false);
    unlockAccount(db, u.username);
  })();
  return getUser(db, u.id)!;
}

/** A new password hash for the user (temporary or not), and every session of theirs ended. */
export function storePasswordHash(db: ConsoleDb, userId: string, hash: string, temporary: boolean): void {
  db.transaction(() => {
    db.prepare("UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?").run(hash, temporary ? 1 : 0, Date.now(), userId);
    db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
  })();
}

/**
 * An admin's unlock (web or CLI): the user's failed sign-ins stop counting. Returns the
 * lock that was in force (null when there was none) and how many failures were forgotten.
 */
export function unlockUserSignIn(db: ConsoleDb, username: string, limits: SigninLimits): { user: User; lock: AccountLock | null; forgotten: number } {
  const { passwordHash: _hash, ...user } = requireUser(db, username);
  const lock = accountLock(db, user.username, limits);
  return { user, lock, forgotten: unlockAccount(db, user.username) };
}

export function markSignedIn(db: ConsoleDb, userId: string): void {
  db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?").run(Date.now(), userId);
}

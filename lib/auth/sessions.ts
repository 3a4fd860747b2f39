import { createHash, randomBytes } from "node:crypto";
import type { ConsoleDb } from "@/lib/db/console-db";
import { readEnv, type RawEnv } from "@/lib/env";
import { isRole, type Role } from "./permissions";

/**
 * Server-side sessions. The cookie holds a random 256-bit token; the store keeps only its
 * SHA-256, so a copy of the database does not hand out live sessions. A session ends
 * after `idleMs` without use or `absoluteMs` after sign-in, whichever comes first.
 */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export function sessionPolicy(env?: RawEnv): SessionPolicy {
  const { SESSION_IDLE_MINUTES: idleMin, SESSION_ABSOLUTE_HOURS: absHours } = readEnv(["SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS"], env);
  return { idleMs: Math.max(1, idleMin) * 60_000, absoluteMs: Math.max(1 / 60, absHours) * 3_600_000 };
}

export interface Session {
  userId: string;
  username: string;
  displayName: string | null;
  role: Role;
  source: "local" | "oidc";
  createdAtMs: number;
  expiresAtMs: number;
  /** The user signed in with a temporary password: only the change-password page is open (lib/auth/guard.ts). */
  mustChangePassword: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

export function createSession(
  db: ConsoleDb,
  userId: string,
  role: Role,
  meta: { ip?: string; userAgent?: string },
  policy: SessionPolicy,
): { token: string; expiresAtMs: number } {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const absolute = now + policy.absoluteMs;
  db.prepare(
    "INSERT INTO sessions (id_hash, user_id, role, created_at, last_seen_at, absolute_expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(hashToken(token), userId, role, now, now, absolute, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null);
  // Opportunistic clean-up of expired sessions.
  db.prepare("DELETE FROM sessions WHERE absolute_expires_at < ? OR last_seen_at < ?").run(now, now - policy.idleMs);
  return { token, expiresAtMs: Math.min(absolute, now + policy.idleMs) };
}

interface Row {
  user_id: string;
  role: string;
  created_at: number;
  last_seen_at: number;
  absolute_expires_at: number;
  username: string;
  display_name: string | null;
  source: string;
  disabled: number;
  must_change_password: number;
}

/** The live session for `token`, touching its idle timer; null when unknown, expired or the user is disabled. */
export function resolveSession(db: ConsoleDb, token: string | undefined, policy: SessionPolicy, now = Date.now()): Session | null {
  if (!token || token.length > 100) return null;
  const idHash = hashToken(token);
  const r = db
    .prepare(
      `SELECT s.user_id, s.role, s.created_at, s.last_seen_at, s.absolute_expires_at, u.username, u.display_name, u.source, u.disabled, u.must_change_password
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    )
    .get(idHash) as Row | undefined;
  if (!r) return null;
  if (r.disabled || now > r.absolute_expires_at || now - r.last_seen_at > policy.idleMs || !isRole(r.role)) {
    db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
    return null;
  }
  // Touch at most once a minute: reads are far more frequent than writes are useful.
  if (now - r.last_seen_at > 60_000) db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(now, idHash);
  return {
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    source: r.source === "oidc" ? "oidc" : "local",
    createdAtMs: r.created_at,
    expiresAtMs: Math.min(r.absolute_expires_at, now + policy.idleMs),
    mustChangePassword: r.must_change_password === 1,
  };
}

export function deleteSession(db: ConsoleDb, token: string | undefined): void {
  if (token) db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashToken(token));
}

import "server-only";
import type { ConsoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { PasswordHashingBusyError, verifyPassword } from "./password";
import { createSession, deleteSession, type SessionPolicy } from "./sessions";
import { signinBlockedMessage } from "./signin-messages";
import { releaseSigninAttempt, reserveSigninAttempt, signinSucceeded, type SigninLimits } from "./signin-limits";
import { findUser, markSignedIn, type User } from "./users";

export interface LocalSignInInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string;
  /** The session token the browser came with, if any: replaced, never reused. */
  currentToken?: string;
}

/**
 * Sign-in with a local account, in order:
 * 1. reserve one password check under the limits (lib/auth/signin-limits.ts), or refuse
 *    (even with the right password) saying when to try again. This happens before any
 *    await, atomically, so concurrent guesses are counted before any of them is hashed;
 * 2. check the password: unknown users, single-sign-on users and wrong passwords cost the
 *    same scrypt work and get the same answer; the reservation stays as the failure;
 * 3. refuse disabled accounts, only once the password is right (so nobody learns which
 *    accounts exist or are disabled);
 * 4. rotate: the session the browser came with is deleted and a new one created, so a
 *    token planted before sign-in is worthless after it.
 * Errors are AppErrors whose message is meant for the sign-in form.
 */
/**
 * The password check a reservation was made for. Turned away by the hashing queue, no
 * password was checked, so the reservation is released (nothing to count).
 */
export async function verifyReserved(db: ConsoleDb, attemptId: number, password: string, stored: string | null | undefined): Promise<boolean> {
  try {
    return await verifyPassword(password, stored);
  } catch (err) {
    if (err instanceof PasswordHashingBusyError) releaseSigninAttempt(db, attemptId);
    throw err;
  }
}

export async function signInLocal(
  db: ConsoleDb,
  input: LocalSignInInput,
  opts: { limits: SigninLimits; policy: SessionPolicy },
): Promise<{ user: User; token: string; expiresAtMs: number }> {
  const reserved = reserveSigninAttempt(db, input.username, input.ip, opts.limits);
  if (!reserved.ok) throw new AppError("throttled", signinBlockedMessage(reserved.block));

  const found = findUser(db, input.username);
  const passwordOk = await verifyReserved(db, reserved.attemptId, input.password, found?.source === "local" ? found.passwordHash : null);
  if (!found || !passwordOk) throw new AppError("unauthenticated", "Wrong user name or password.");
  if (found.disabled) {
    releaseSigninAttempt(db, reserved.attemptId);
    throw new AppError("forbidden", "This account is disabled. Ask an administrator to enable it.");
  }

  signinSucceeded(db, reserved.attemptId, found.username, input.ip);
  deleteSession(db, input.currentToken);
  const { token, expiresAtMs } = createSession(db, found.id, found.role, { ip: input.ip, userAgent: input.userAgent }, opts.policy);
  markSignedIn(db, found.id);
  const { passwordHash: _hash, ...user } = found;
  return { user, token, expiresAtMs };
}

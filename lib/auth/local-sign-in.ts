import type { ConsoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { verifyPassword } from "./password";
import { createSession, deleteSession, type SessionPolicy } from "./sessions";
import { retryAfterMessage } from "./signin-messages";
import { clearSigninFailures, recordSigninFailure, signinBlockedFor, type SigninLimits } from "./signin-limits";
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
 * 1. refuse while the account or the address is over its failure limit (even with the
 *    right password), saying when to try again;
 * 2. check the password: unknown users, single-sign-on users and wrong passwords cost the
 *    same scrypt work and get the same answer, and count as a failure;
 * 3. refuse disabled accounts, only once the password is right (so nobody learns which
 *    accounts exist or are disabled);
 * 4. rotate: the session the browser came with is deleted and a new one created, so a
 *    token planted before sign-in is worthless after it.
 * Errors are AppErrors whose message is meant for the sign-in form.
 */
export async function signInLocal(
  db: ConsoleDb,
  input: LocalSignInInput,
  opts: { limits: SigninLimits; policy: SessionPolicy },
): Promise<{ user: User; token: string; expiresAtMs: number }> {
  const blockedMs = signinBlockedFor(db, input.username, input.ip, opts.limits);
  if (blockedMs > 0) throw new AppError("throttled", retryAfterMessage(blockedMs));

  const found = findUser(db, input.username);
  const passwordOk = await verifyPassword(input.password, found?.source === "local" ? found.passwordHash : null);
  if (!found || !passwordOk) {
    recordSigninFailure(db, input.username, input.ip);
    throw new AppError("unauthenticated", "Wrong user name or password.");
  }
  if (found.disabled) throw new AppError("forbidden", "This account is disabled. Ask an administrator to enable it.");

  clearSigninFailures(db, input.username);
  deleteSession(db, input.currentToken);
  const { token, expiresAtMs } = createSession(db, found.id, found.role, { ip: input.ip, userAgent: input.userAgent }, opts.policy);
  markSignedIn(db, found.id);
  const { passwordHash: _hash, ...user } = found;
  return { user, token, expiresAtMs };
}

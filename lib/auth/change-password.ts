import "server-only";
import type { ConsoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { verifyReserved } from "./local-sign-in";
import { hashPassword, passwordProblem } from "./password";
import { releaseSigninAttempt, reserveSigninAttempt, type SigninLimits } from "./signin-limits";
import { signinBlockedMessage } from "./signin-messages";
import { findUser, getUser, storePasswordHash, type User } from "./users";

export interface ChangeOwnPasswordInput {
  userId: string;
  currentPassword: string;
  newPassword: string;
  ip: string;
}

/**
 * A signed-in user sets their own password (the only thing a user flagged "must change
 * password" may do). The current password is checked under the sign-in limits, so a
 * borrowed session cannot be used to guess it; the new one follows passwordProblem and
 * must differ from it. Ends every session of the user (the caller issues a new one) and
 * clears the flag. Errors are AppErrors whose message is meant for the form.
 */
export async function changeOwnPassword(db: ConsoleDb, input: ChangeOwnPasswordInput, limits: SigninLimits): Promise<User> {
  const user = getUser(db, input.userId);
  if (!user) throw new AppError("unauthenticated");
  if (user.source !== "local") throw new AppError("invalid_input", "Your password is kept by the identity provider: change it there.");
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw new AppError("invalid_input", problem);
  if (input.newPassword.normalize("NFKC") === input.currentPassword.normalize("NFKC")) {
    throw new AppError("invalid_input", "Choose a new password, different from the current one.");
  }

  const reserved = reserveSigninAttempt(db, user.username, input.ip, limits);
  if (!reserved.ok) throw new AppError("throttled", signinBlockedMessage(reserved.block));
  const ok = await verifyReserved(db, reserved.attemptId, input.currentPassword, findUser(db, user.username)?.passwordHash);
  if (!ok) throw new AppError("invalid_input", "The current password is not right.");
  releaseSigninAttempt(db, reserved.attemptId);

  storePasswordHash(db, user.id, await hashPassword(input.newPassword), false);
  return getUser(db, user.id)!;
}

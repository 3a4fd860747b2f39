"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { accountLock, signinLimits, unlockAccount } from "@/lib/auth/signin-limits";
import { findUser } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";

const input = z.object({
  username: z.string({ error: "Name a user." }).trim().min(1, "Name a user."),
});

/**
 * Lets a user locked out by failed sign-ins (someone guessing, or their own typos) try
 * again at once: their failures stop counting, from every address. The per-address limit
 * against password spraying is not lifted (it ends with its window).
 */
export const unlockUser = action({ name: "users.unlock", requirement: "users.manage", input, target: targetField("username") }, async (data, ctx) => {
  ctx.audit.target = data.username;
  const db = consoleDb();
  const user = findUser(db, data.username);
  if (!user) throw new AppError("not_found", `There is no user named ${data.username}.`);
  ctx.audit.target = user.username;
  const lock = accountLock(db, user.username, signinLimits());
  const forgotten = unlockAccount(db, user.username);
  ctx.audit.params = { username: user.username, wasLocked: lock !== null, lockedUntil: lock ? new Date(lock.untilMs).toISOString() : null, forgottenFailures: forgotten };
  revalidatePath("/admin/users");
  return { username: user.username, wasLocked: lock !== null };
});

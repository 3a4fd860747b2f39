"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { signinLimits } from "@/lib/auth/signin-limits";
import { unlockUserSignIn, UserError } from "@/lib/auth/users";
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
  let unlocked: ReturnType<typeof unlockUserSignIn>;
  try {
    unlocked = unlockUserSignIn(consoleDb(), data.username, signinLimits());
  } catch (err) {
    throw err instanceof UserError ? new AppError(err.code, err.message) : err;
  }
  const { user, lock, forgotten } = unlocked;
  ctx.audit.target = user.username;
  ctx.audit.params = {
    username: user.username,
    wasLocked: lock !== null,
    lockedUntil: lock ? new Date(lock.untilMs).toISOString() : null,
    forgottenFailures: forgotten,
  };
  revalidatePath("/admin/users");
  return { username: user.username, wasLocked: lock !== null };
});

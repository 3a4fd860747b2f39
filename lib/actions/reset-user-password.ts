"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { generatePassword, passwordProblem } from "@/lib/auth/password";
import { findUser, resetPassword, UserError } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";

const username = z.string({ error: "Name a user." }).trim().min(1, "Name a user.");
const input = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("generate"), username }),
    z.object({
      mode: z.literal("set"),
      username,
      password: z.string({ error: "Enter a password." }).superRefine((value, ctx) => {
        const problem = passwordProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    }),
  ],
  { error: "Choose to generate a password or set one." },
);

/**
 * Gives a local user a new password, either generated (returned once, to show once) or
 * typed by the admin, ends the user's sessions and unlocks their sign-in. The password
 * is temporary (the user must set their own at the next sign-in: the admin has seen it),
 * unless admins reset their own. The audit record never holds it.
 */
export const resetUserPassword = action(
  { name: "users.reset_password", requirement: "users.manage", input, target: targetField("username") },
  async (data, ctx) => {
    ctx.audit.target = data.username;
    const db = consoleDb();
    const temporary = findUser(db, data.username)?.id !== ctx.session?.userId;
    ctx.audit.params = { username: data.username, mode: data.mode, temporary };
    const password = data.mode === "generate" ? generatePassword() : data.password;
    try {
      const user = await resetPassword(db, data.username, password, { temporary });
      revalidatePath("/admin/users");
      return { username: user.username, generatedPassword: data.mode === "generate" ? password : null, temporary };
    } catch (err) {
      throw err instanceof UserError ? new AppError(err.code, err.message) : err;
    }
  },
);

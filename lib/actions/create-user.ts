"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { passwordProblem } from "@/lib/auth/password";
import { ROLES } from "@/lib/auth/permissions";
import { createLocalUser, USERNAME_PATTERN, UserError } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";

const input = z
  .object({
    username: z.string({ error: "Enter a user name." }).trim().regex(USERNAME_PATTERN, "User names are 2-64 letters, digits, '.', '_', '@' or '-'."),
    displayName: z
      .string()
      .trim()
      .max(100, "Use at most 100 characters.")
      .optional()
      .transform((v) => v || undefined),
    role: z.enum(ROLES, { error: "Choose a role." }),
    password: z.string({ error: "Enter a password." }).superRefine((value, ctx) => {
      const problem = passwordProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  })
  // Once the fields are valid: the rules that need the user name (not the password itself).
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password, value.username);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

/** Adds a local account (name and password). Single-sign-on users appear on their first sign-in instead. */
export const createUser = action({ name: "users.create", requirement: "users.manage", input, target: targetField("username") }, async (data, ctx) => {
  ctx.audit.target = data.username;
  try {
    const user = await createLocalUser(consoleDb(), data);
    revalidatePath("/admin/users");
    return { username: user.username, role: user.role };
  } catch (err) {
    throw err instanceof UserError ? new AppError(err.code, err.message) : err;
  }
});

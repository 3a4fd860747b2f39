"use server";
import "server-only";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { changeOwnPassword } from "@/lib/auth/change-password";
import { SESSION_COOKIE, sessionCookieOptions } from "@/lib/auth/cookie";
import { secureCookies } from "@/lib/auth/current";
import { action } from "@/lib/auth/guard";
import { safeNextPath } from "@/lib/auth/next-path";
import { passwordProblem } from "@/lib/auth/password";
import { createSession, sessionPolicy } from "@/lib/auth/sessions";
import { signinLimits } from "@/lib/auth/signin-limits";
import { consoleDb } from "@/lib/db/console-db";

const input = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(256, "Passwords are at most 256 characters."),
    newPassword: z.string({ error: "Enter a new password." }).superRefine((value, ctx) => {
      const problem = passwordProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    confirmPassword: z.string({ error: "Type the new password again." }),
    next: z.string().optional(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords are not the same." });

/**
 * A signed-in local user sets their own password: the one thing (with signing out) open
 * to a user whose password is temporary. Checks the current password (under the sign-in
 * limits), ends every session of the user and signs this browser in afresh. The audit
 * record names the user, never a password.
 */
export const changePassword = action(
  { name: "auth.change_password", requirement: "authenticated", input, duringPasswordChange: true },
  async ({ currentPassword, newPassword, next }, ctx) => {
    const session = ctx.session!;
    ctx.audit.target = session.username;
    ctx.audit.params = { username: session.username, wasTemporary: session.mustChangePassword };
    const db = consoleDb();
    const user = await changeOwnPassword(db, { userId: session.userId, currentPassword, newPassword, ip: ctx.ip }, signinLimits());
    const policy = sessionPolicy();
    const { token } = createSession(db, user.id, user.role, { ip: ctx.ip, userAgent: (await headers()).get("user-agent") ?? undefined }, policy);
    (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(await secureCookies(), policy));
    return { next: safeNextPath(next) };
  },
);

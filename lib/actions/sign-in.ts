"use server";
import "server-only";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { SESSION_COOKIE, sessionCookieOptions } from "@/lib/auth/cookie";
import { secureCookies } from "@/lib/auth/current";
import { action, CHANGE_PASSWORD_PATH, targetField } from "@/lib/auth/guard";
import { signInLocal } from "@/lib/auth/local-sign-in";
import { safeNextPath } from "@/lib/auth/next-path";
import { sessionPolicy } from "@/lib/auth/sessions";
import { signinLimits } from "@/lib/auth/signin-limits";
import { consoleDb } from "@/lib/db/console-db";

const input = z.object({
  username: z.string().trim().min(1, "Enter your user name.").max(64, "User names are at most 64 characters."),
  password: z.string().min(1, "Enter your password.").max(256, "Passwords are at most 256 characters."),
  next: z.string().optional(),
});

/**
 * Sign in with a local account; open to anyone on purpose (requirement null). The rules
 * (limits, constant-work password check, disabled accounts, session rotation) are in
 * lib/auth/local-sign-in.ts; this sets the cookie. The audit record names the typed user
 * name as actor and target, never the password.
 */
export const signIn = action({ name: "auth.sign_in", requirement: null, input, target: targetField("username") }, async ({ username, password, next }, ctx) => {
  ctx.audit.actor = username;
  ctx.audit.target = username;
  ctx.audit.params = { username };
  const jar = await cookies();
  const policy = sessionPolicy();
  const { user, token } = await signInLocal(
    consoleDb(),
    { username, password, ip: ctx.ip, userAgent: (await headers()).get("user-agent") ?? undefined, currentToken: jar.get(SESSION_COOKIE)?.value },
    { limits: signinLimits(), policy },
  );
  jar.set(SESSION_COOKIE, token, sessionCookieOptions(await secureCookies(), policy));
  ctx.audit.actor = user.username;
  ctx.audit.target = user.username;
  ctx.audit.params = { username: user.username, role: user.role };
  // A temporary password (first admin, admin reset): the user sets their own first.
  if (user.mustChangePassword) return { next: `${CHANGE_PASSWORD_PATH}?next=${encodeURIComponent(safeNextPath(next))}` };
  return { next: safeNextPath(next) };
});

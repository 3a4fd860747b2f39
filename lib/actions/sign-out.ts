"use server";
import "server-only";

import { cookies } from "next/headers";
import { z } from "zod";
import { clearedSessionCookieOptions, SESSION_COOKIE } from "@/lib/auth/cookie";
import { secureCookies } from "@/lib/auth/current";
import { action } from "@/lib/auth/guard";
import { deleteSession } from "@/lib/auth/sessions";
import { consoleDb } from "@/lib/db/console-db";

/** Ends the caller's session on the server (the token stops working at once) and clears the cookie. */
export const signOut = action({ name: "auth.sign_out", requirement: "authenticated", input: z.object({}), duringPasswordChange: true }, async (_input, ctx) => {
  ctx.audit.target = ctx.session?.username ?? null;
  const jar = await cookies();
  deleteSession(consoleDb(), jar.get(SESSION_COOKIE)?.value);
  jar.set(SESSION_COOKIE, "", clearedSessionCookieOptions(await secureCookies()));
  return { signedOut: true as const };
});

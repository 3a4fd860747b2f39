"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { ROLES } from "@/lib/auth/permissions";
import { findUser, setUserRole as storeUserRole, UserError } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";

const input = z.object({
  username: z.string({ error: "Name a user." }).trim().min(1, "Name a user."),
  role: z.enum(ROLES, { error: "Choose a role." }),
});

/**
 * Changes a local user's role; their sessions end so the new role applies at once. An
 * admin cannot demote themselves (so the console always keeps an admin), and a
 * single-sign-on user's role comes from the identity provider at each sign-in.
 */
export const setUserRole = action({ name: "users.set_role", requirement: "users.manage", input, target: targetField("username") }, async (data, ctx) => {
  ctx.audit.target = data.username;
  const db = consoleDb();
  const user = findUser(db, data.username);
  if (!user) throw new AppError("not_found", `There is no user named ${data.username}.`);
  ctx.audit.params = { ...data, previousRole: user.role };
  if (user.id === ctx.session?.userId && data.role !== "admin") {
    throw new AppError("invalid_input", "You cannot change your own role. Another admin has to do it, so the console is never left without an admin.");
  }
  if (user.source === "oidc") {
    throw new AppError(
      "invalid_input",
      `${user.username} signs in through single sign-on; their role comes from the identity provider's groups at each sign-in.`,
    );
  }
  if (user.role === data.role) return { username: user.username, role: user.role };
  try {
    const updated = storeUserRole(db, user.username, data.role);
    revalidatePath("/admin/users");
    return { username: updated.username, role: updated.role };
  } catch (err) {
    throw err instanceof UserError ? new AppError(err.code, err.message) : err;
  }
});

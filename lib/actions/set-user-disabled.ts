"use server";
import "server-only";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { findUser, setUserDisabled as storeUserDisabled, UserError } from "@/lib/auth/users";
import { consoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";

const input = z.object({
  username: z.string({ error: "Name a user." }).trim().min(1, "Name a user."),
  // Forms send strings; calls from components send booleans.
  disabled: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], { error: "Say whether to disable or enable." }),
});

/** Disables (signing the user out everywhere) or re-enables an account. An admin cannot disable themselves. */
export const setUserDisabled = action(
  { name: "users.set_disabled", requirement: "users.manage", input, target: targetField("username") },
  async (data, ctx) => {
    ctx.audit.target = data.username;
    const db = consoleDb();
    const user = findUser(db, data.username);
    if (!user) throw new AppError("not_found", `There is no user named ${data.username}.`);
    ctx.audit.params = { ...data, previouslyDisabled: user.disabled };
    if (user.id === ctx.session?.userId && data.disabled) {
      throw new AppError("invalid_input", "You cannot disable your own account. Another admin has to do it, so the console is never left without an admin.");
    }
    try {
      const updated = storeUserDisabled(db, user.username, data.disabled);
      revalidatePath("/admin/users");
      return { username: updated.username, disabled: updated.disabled };
    } catch (err) {
      throw err instanceof UserError ? new AppError(err.code, err.message) : err;
    }
  },
);

"use server";
import "server-only";

import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { consoleDb } from "@/lib/db/console-db";
import { removeSavedQuery } from "@/lib/fleet-search/saved-queries";

const input = z.object({ id: z.string({ error: "Name the saved query to delete." }).trim().min(1, "Name the saved query to delete.").max(64) });

/** Deletes a saved query: its owner may, and an admin may delete anyone's (a shared query gone stale). */
export const deleteSavedQuery = action(
  { name: "search.delete_saved_query", requirement: "fleet.search", input, target: targetField("id") },
  async ({ id }, ctx) => {
    const session = ctx.session!;
    const deleted = removeSavedQuery(consoleDb(), id, { username: session.username, isAdmin: allows("queries.manage_any", session.role) });
    ctx.audit.params = { id, name: deleted.name, owner: deleted.owner, shared: deleted.shared };
    return { id: deleted.id };
  },
);

"use server";
import "server-only";

import { z } from "zod";
import { action, targetField } from "@/lib/auth/guard";
import { consoleDb } from "@/lib/db/console-db";
import { parseColumns } from "@/lib/fleet-search/export-columns";
import { queryText } from "@/lib/fleet-search/request-params";
import { upsertSavedQuery } from "@/lib/fleet-search/saved-queries";

const columns = z
  .union([z.array(z.string()), z.string()], { error: "Columns are a list of field paths." })
  .optional()
  .transform((value, ctx) => {
    // Forms send one string: a JSON array or a comma-separated list.
    let list = value ?? [];
    if (typeof list === "string") {
      const text = list.trim();
      try {
        list = text.startsWith("[") ? z.array(z.string()).parse(JSON.parse(text)) : text.split(",");
      } catch {
        ctx.addIssue({ code: "custom", message: "Columns are a list of field paths." });
        return z.NEVER;
      }
    }
    const parsed = parseColumns(list.join(","));
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.columns;
  });

const input = z.object({
  // Forms send "" for a new query.
  id: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => v || undefined),
  name: z.string({ error: "Name the query." }).trim().min(1, "Name the query.").max(100, "Use at most 100 characters."),
  query: queryText("Enter the query to save."),
  columns,
  shared: z
    .union([z.boolean(), z.enum(["true", "false", "on"]).transform((v) => v !== "false")], { error: "Say whether the query is shared." })
    .optional()
    .transform((v) => v ?? false),
});

/**
 * Saves the workbench's query and columns under a name: a new saved query without `id`,
 * otherwise an update of that one (its owner only). Names are unique per owner; a shared
 * query is visible to every signed-in user.
 */
export const saveQuery = action({ name: "search.save_query", requirement: "fleet.search", input, target: targetField("name") }, async (data, ctx) => {
  ctx.audit.target = data.name;
  return upsertSavedQuery(consoleDb(), ctx.session!.username, { ...data, columns: data.columns });
});

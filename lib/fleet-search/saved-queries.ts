import { randomUUID } from "node:crypto";
import type { ConsoleDb } from "@/lib/db/console-db";
import { AppError } from "@/lib/errors";
import { normaliseQuery } from "@/lib/fleet-query/normalise";
import type { QueryHistoryEntry, SavedQuery } from "./contract";

/**
 * Saved queries and query history in the console's store. A saved query belongs to the
 * user who saved it; shared ones are visible to every signed-in user but still change
 * only by their owner (an admin may delete any). History keeps each user's last
 * HISTORY_SIZE distinct queries (whitespace-normalised), newest first.
 */
export const HISTORY_SIZE = 50;

interface SavedRow {
  id: string;
  name: string;
  owner: string;
  shared: number;
  query: string;
  columns: string;
  created_at: number;
  updated_at: number;
}

function parseColumnsJson(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === "string") : [];
  } catch {
    return [];
  }
}

const toSaved = (r: SavedRow): SavedQuery => ({
  id: r.id,
  name: r.name,
  query: r.query,
  columns: parseColumnsJson(r.columns),
  owner: r.owner,
  shared: r.shared === 1,
  createdAtMs: r.created_at,
  updatedAtMs: r.updated_at,
});

/** The caller's own saved queries and everyone's shared ones, by name. */
export function listVisibleSavedQueries(db: ConsoleDb, username: string): SavedQuery[] {
  const rows = db.prepare("SELECT * FROM saved_queries WHERE owner = ? OR shared = 1 ORDER BY name COLLATE NOCASE, owner").all(username) as SavedRow[];
  return rows.map(toSaved);
}

export function getSavedQuery(db: ConsoleDb, id: string): SavedQuery | null {
  const row = db.prepare("SELECT * FROM saved_queries WHERE id = ?").get(id) as SavedRow | undefined;
  return row ? toSaved(row) : null;
}

export interface SavedQueryInput {
  /** Absent: create. Present: update that saved query (its owner only). */
  id?: string;
  name: string;
  query: string;
  columns: string[];
  shared: boolean;
}

function nameTaken(db: ConsoleDb, owner: string, name: string, exceptId?: string): boolean {
  const row = db.prepare("SELECT id FROM saved_queries WHERE owner = ? AND name = ? COLLATE NOCASE").get(owner, name) as { id: string } | undefined;
  return !!row && row.id !== exceptId;
}

const conflict = (name: string) =>
  new AppError("conflict", `You already have a saved query named "${name}". Choose another name, or open that one and save over it.`);

/** Creates or updates (by id) a saved query of `owner`. */
export function upsertSavedQuery(db: ConsoleDb, owner: string, input: SavedQueryInput, now = Date.now()): SavedQuery {
  return db
    .transaction((): SavedQuery => {
      const columns = JSON.stringify(input.columns);
      if (input.id === undefined) {
        if (nameTaken(db, owner, input.name)) throw conflict(input.name);
        const id = randomUUID();
        db.prepare("INSERT INTO saved_queries (id, name, owner, shared, query, columns, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
          id,
          input.name,
          owner,
          input.shared ? 1 : 0,
          input.query,
          columns,
          now,
          now,
        );
        return getSavedQuery(db, id)!;
      }
      const existing = getSavedQuery(db, input.id);
      if (!existing) throw new AppError("not_found", "This saved query no longer exists (it may have been deleted). Save it as a new one.");
      if (existing.owner.toLowerCase() !== owner.toLowerCase()) {
        throw new AppError("forbidden", `Only ${existing.owner}, who saved this query, can change it. Save a copy under a new name instead.`);
      }
      if (nameTaken(db, owner, input.name, input.id)) throw conflict(input.name);
      db.prepare("UPDATE saved_queries SET name = ?, shared = ?, query = ?, columns = ?, updated_at = ? WHERE id = ?").run(
        input.name,
        input.shared ? 1 : 0,
        input.query,
        columns,
        now,
        input.id,
      );
      return getSavedQuery(db, input.id)!;
      // IMMEDIATE: it reads before it writes, and a deferred transaction whose snapshot another
      // process's commit overtook fails with SQLITE_BUSY instead of waiting.
    })
    .immediate();
}

/** Deletes a saved query: its owner may, and so may an admin. Returns what was deleted. */
export function removeSavedQuery(db: ConsoleDb, id: string, actor: { username: string; isAdmin: boolean }): SavedQuery {
  return db
    .transaction((): SavedQuery => {
      const existing = getSavedQuery(db, id);
      if (!existing) throw new AppError("not_found", "This saved query no longer exists.");
      if (!actor.isAdmin && existing.owner.toLowerCase() !== actor.username.toLowerCase()) {
        throw new AppError("forbidden", `Only ${existing.owner}, who saved this query, or an admin can delete it.`);
      }
      db.prepare("DELETE FROM saved_queries WHERE id = ?").run(id);
      return existing;
    })
    .immediate();
}

/** Remembers a query the user ran; a repeat moves it to the top. Keeps the last `keep`. */
export function recordQueryHistory(db: ConsoleDb, owner: string, query: string, now = Date.now(), keep = HISTORY_SIZE): void {
  const q = normaliseQuery(query);
  if (!q) return;
  db.transaction(() => {
    db.prepare("INSERT INTO query_history (owner, query, at) VALUES (?, ?, ?) ON CONFLICT (owner, query) DO UPDATE SET at = excluded.at").run(owner, q, now);
    db.prepare(
      "DELETE FROM query_history WHERE owner = ? AND rowid NOT IN (SELECT rowid FROM query_history WHERE owner = ? ORDER BY at DESC, rowid DESC LIMIT ?)",
    ).run(owner, owner, keep);
  })();
}

/** The user's recent queries, newest first. */
export function listQueryHistory(db: ConsoleDb, owner: string, limit = HISTORY_SIZE): QueryHistoryEntry[] {
  const rows = db.prepare("SELECT query, at FROM query_history WHERE owner = ? ORDER BY at DESC, rowid DESC LIMIT ?").all(owner, limit) as {
    query: string;
    at: number;
  }[];
  return rows.map((r) => ({ query: r.query, atMs: r.at }));
}

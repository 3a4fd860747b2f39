import type Database from "better-sqlite3";

/**
 * Schema versions per kind. A service declares the version of the documents it writes
 * and how to upgrade older ones; `migrations[n](doc, id)` turns a version n-1 document
 * into a version n one (or drops it by returning undefined). Today's formats, written
 * before versions existed, are version 0; a kind with no version recorded is at 0.
 *
 * A definition runs every missing step over the stored documents and records the new
 * version in one SQLite transaction: a crash (or a migration that throws) part-way
 * leaves the documents and the recorded version as they were, and the next start runs
 * the migration again from the start. A store written by a newer emulator (recorded
 * version above the code's) is refused rather than read in a format the code does not
 * know.
 */
// A step is written against the old document's own type; `unknown` would not accept it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Migration = (doc: any, id: string) => unknown;

export interface KindDefinition {
  kind: string;
  /** The version of the documents this code writes: 0, 1, 2, … */
  version: number;
  /** `migrations[n]` upgrades from n-1 to n, for every n in 1..version. */
  migrations?: Readonly<Record<number, Migration>>;
}

/** The store holds documents newer than this code can read. */
export class StoreVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreVersionError";
  }
}

export const versionKey = (kind: string) => `kind-version:${kind}`;

export function recordedVersion(db: Database.Database, kind: string): number | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(versionKey(kind)) as { value: string } | undefined;
  return row === undefined ? undefined : Number(row.value);
}

export function recordVersion(db: Database.Database, kind: string, version: number | undefined): void {
  if (version === undefined) db.prepare("DELETE FROM meta WHERE key = ?").run(versionKey(kind));
  else db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(versionKey(kind), String(version));
}

const PAGE = 1000;

/** Brings the stored documents of `def.kind` to `def.version`; returns how many steps ran. */
export function migrateKind(db: Database.Database, def: KindDefinition): number {
  const { kind, version } = def;
  if (!Number.isInteger(version) || version < 0) throw new Error(`kind ${kind}: version must be a whole number ≥ 0, not ${version}`);
  // A missing step is a programming error: caught on every start, even of a fresh store.
  for (let n = 1; n <= version; n++) {
    if (typeof def.migrations?.[n] !== "function") throw new Error(`kind ${kind}: version ${version} needs migrations[${n}] (upgrading ${n - 1} to ${n})`);
  }
  const recorded = recordedVersion(db, kind);
  const stored = recorded ?? 0;
  if (stored > version) {
    throw new StoreVersionError(
      `the emulator store holds "${kind}" documents at version ${stored}, but this emulator only knows versions up to ${version}: ` +
        `it was written by a newer emulator. Run that version, or start with an empty DATA_DIR.`,
    );
  }
  if (recorded === version) return 0;
  // Nothing to record for a kind that has none yet: no row already means version 0, and
  // a later version is recorded by the first commit that writes the kind (Store.flush), so
  // a region built for one stray request leaves no meta rows behind.
  if (recorded === undefined && (version === 0 || db.prepare("SELECT 1 FROM docs WHERE kind = ? LIMIT 1").get(kind) === undefined)) return 0;
  // The first page takes every id (the empty one included), later pages those after the last.
  const first = db.prepare("SELECT id, body FROM docs WHERE kind = ? ORDER BY id LIMIT ?");
  const select = db.prepare("SELECT id, body FROM docs WHERE kind = ? AND id > ? ORDER BY id LIMIT ?");
  const update = db.prepare("UPDATE docs SET body = ? WHERE kind = ? AND id = ?");
  const remove = db.prepare("DELETE FROM docs WHERE kind = ? AND id = ?");
  db.transaction(() => {
    if (stored < version) {
      // Paged by id, so a kind of a million documents is never all in memory; each page
      // is read in full before it is written (better-sqlite3 cannot write mid-iteration).
      let after: string | undefined;
      for (;;) {
        const rows = (after === undefined ? first.all(kind, PAGE) : select.all(kind, after, PAGE)) as Array<{ id: string; body: string }>;
        if (rows.length === 0) break;
        for (const { id, body } of rows) {
          let doc: unknown = JSON.parse(body);
          for (let n = stored + 1; n <= version && doc !== undefined; n++) {
            try {
              doc = def.migrations![n]!(doc, id);
            } catch (err) {
              throw new Error(`kind ${kind}: migration to version ${n} failed for "${id}": ${err instanceof Error ? err.message : String(err)}`, {
                cause: err,
              });
            }
          }
          if (doc === undefined) remove.run(kind, id);
          else update.run(JSON.stringify(doc), kind, id);
        }
        after = rows[rows.length - 1]!.id;
      }
    }
    recordVersion(db, kind, version);
  })();
  return version - stored;
}

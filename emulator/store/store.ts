import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Persistence for the emulator. The services keep their working state in memory (that
 * is what makes queries fast) and write every change through to SQLite, so a restart
 * finds everything again. Writes are coalesced per (kind, id) and flushed in one
 * transaction at the end of the current tick, so a burst of changes costs one commit.
 *
 * A "kind" is a collection name chosen by a service, such as `thing` or `certificate`.
 * Documents are JSON-serialisable objects.
 */
export class Store {
  private db: Database.Database;
  private pending = new Map<string, { kind: string; id: string; doc: unknown | undefined }>();
  private scheduled = false;
  private upsert: Database.Statement;
  private remove: Database.Statement;
  private closed = false;

  /**
   * `bulkLoad`: for a one-off writer that fills a fresh store (seed:large): a large page
   * cache, so inserting millions of rows does not thrash on B-tree pages, and no fsync.
   */
  constructor(file: string, opts: { bulkLoad?: boolean } = {}) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // A bulk load writes pages once, straight to the file (no WAL copy, no fsync): if it is
    // cut short the store is discarded and the load run again.
    this.db.pragma(opts.bulkLoad ? "journal_mode = OFF" : "journal_mode = WAL");
    this.db.pragma(opts.bulkLoad ? "synchronous = OFF" : "synchronous = NORMAL");
    if (opts.bulkLoad) this.db.pragma("cache_size = -1048576"); // KiB: 1 GiB
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS docs (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID",
    );
    this.db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.upsert = this.db.prepare("INSERT INTO docs (kind, id, body) VALUES (?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body");
    this.remove = this.db.prepare("DELETE FROM docs WHERE kind = ? AND id = ?");
  }

  /** Every stored document of one kind, in insertion order of the table's key. */
  *load<T>(kind: string): Iterable<[string, T]> {
    const stmt = this.db.prepare("SELECT id, body FROM docs WHERE kind = ?");
    for (const row of stmt.iterate(kind) as Iterable<{ id: string; body: string }>) {
      yield [row.id, JSON.parse(row.body) as T];
    }
  }

  put(kind: string, id: string, doc: unknown): void {
    this.pending.set(kind + "\u0000" + id, { kind, id, doc });
    this.schedule();
  }

  delete(kind: string, id: string): void {
    this.pending.set(kind + "\u0000" + id, { kind, id, doc: undefined });
    this.schedule();
  }

  /**
   * Writes many documents of one kind at once, in one transaction, bypassing the
   * coalescing queue: for bulk seeding of large fleets (a million documents in seconds).
   */
  putMany(kind: string, entries: Iterable<[string, unknown]>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const [id, doc] of entries) {
        this.upsert.run(kind, id, JSON.stringify(doc));
        n++;
      }
    })();
    return n;
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes every pending change in one transaction. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0 || this.closed) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.db.transaction(() => {
      for (const { kind, id, doc } of batch) {
        if (doc === undefined) this.remove.run(kind, id);
        else this.upsert.run(kind, id, JSON.stringify(doc));
      }
    })();
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.db.close();
  }
}

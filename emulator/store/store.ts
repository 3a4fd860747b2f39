import Database from "better-sqlite3";
import { createPrivateFile } from "../../lib/fs/private-files";
import { migrateKind, recordedVersion, recordVersion, type KindDefinition } from "./kinds";
import { StoreView, type RecordStore } from "./view";

export { StoreVersionError, type KindDefinition, type Migration } from "./kinds";
export { StoreView, type RecordStore } from "./view";

/**
 * Persistence for the emulator. The services keep their working state in memory (that
 * is what makes queries fast) and write every change through to SQLite, so a restart
 * finds everything again.
 *
 * Group commit: changes are coalesced per (kind, id) and committed in one transaction at
 * the end of the current tick, and a request is answered only once the transaction that
 * holds its changes has committed (`committed()`), so nothing acknowledged is lost when
 * the process is killed, and a burst of requests costs one commit. The WAL is synced at
 * every commit (synchronous = FULL), so it holds through a power cut as well.
 *
 * A failed commit (a full disk, an I/O error) does not lose the batch: it stays queued
 * and is retried with a growing delay (50 ms to 1 s), every request waiting on it is told (and answers
 * with a 5xx), and the process keeps running. Work that must wait until the change is
 * on disk (a shadow's `update/accepted` over MQTT) is queued with `afterCommit`.
 *
 * A "kind" is a collection name chosen by a service, such as `thing` or `certificate`.
 * Documents are JSON-serialisable objects. Reads by key (`get`, `has`, `load`) see
 * queued changes, so a service may keep only part of its state in memory. Per-region
 * state uses `view(prefix)`; schema versions and migrations are in kinds.ts; blobs
 * (object bodies) live beside the store, in blobs.ts.
 */
export class Store implements RecordStore {
  private db: Database.Database;
  private pending = new Map<string, { kind: string; id: string; body: string | undefined }>();
  private waiters: Array<{ resolve: () => void; reject: (err: StoreUnavailableError) => void }> = [];
  private onCommit: Array<() => void> = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;
  private writes = 0;
  private failing: StoreUnavailableError | undefined;
  private upsert: Database.Statement;
  private remove: Database.Statement;
  private selectOne: Database.Statement;
  private closed = false;
  private defined = new Map<string, number>();
  /** Kinds defined at a version above 0 while empty: the first commit that writes one records it. */
  private unrecorded = new Map<string, number>();

  /**
   * `bulkLoad`: for a one-off writer that fills a fresh store (seed:large): a large page
   * cache, so inserting millions of rows does not thrash on B-tree pages, and no fsync.
   */
  constructor(file: string, opts: { bulkLoad?: boolean } = {}) {
    // Holds the emulator CA's private key: owner-only, and so are SQLite's -wal and -shm
    // files, which SQLite creates with the database file's mode.
    if (file !== ":memory:") createPrivateFile(file);
    this.db = new Database(file);
    // A bulk load writes pages once, straight to the file (no WAL copy, no fsync): if it is
    // cut short the store is discarded and the load run again.
    this.db.pragma(opts.bulkLoad ? "journal_mode = OFF" : "journal_mode = WAL");
    this.db.pragma(opts.bulkLoad ? "synchronous = OFF" : "synchronous = FULL");
    if (opts.bulkLoad) this.db.pragma("cache_size = -1048576"); // KiB: 1 GiB
    this.db.exec("CREATE TABLE IF NOT EXISTS docs (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID");
    this.db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.upsert = this.db.prepare("INSERT INTO docs (kind, id, body) VALUES (?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body");
    this.remove = this.db.prepare("DELETE FROM docs WHERE kind = ? AND id = ?");
    this.selectOne = this.db.prepare("SELECT body FROM docs WHERE kind = ? AND id = ?");
  }

  /**
   * Every document of one kind, in the order of the table's key, as the next commit will
   * leave them (queued changes applied; new ones last).
   */
  *load<T>(kind: string): Iterable<[string, T]> {
    const queued = new Map<string, string | undefined>();
    for (const p of this.pending.values()) if (p.kind === kind) queued.set(p.id, p.body);
    const stmt = this.db.prepare("SELECT id, body FROM docs WHERE kind = ?");
    for (const row of stmt.iterate(kind) as Iterable<{ id: string; body: string }>) {
      if (!queued.has(row.id)) {
        yield [row.id, JSON.parse(row.body) as T];
        continue;
      }
      const body = queued.get(row.id);
      queued.delete(row.id);
      if (body !== undefined) yield [row.id, JSON.parse(body) as T];
    }
    for (const [id, body] of queued) if (body !== undefined) yield [id, JSON.parse(body) as T];
  }

  /** One document (a fresh copy), queued changes included: a queued delete reads as undefined. */
  get<T>(kind: string, id: string): T | undefined {
    const queued = this.pending.get(kind + "\u0000" + id);
    const body = queued ? queued.body : (this.selectOne.get(kind, id) as { body: string } | undefined)?.body;
    return body === undefined ? undefined : (JSON.parse(body) as T);
  }

  has(kind: string, id: string): boolean {
    const queued = this.pending.get(kind + "\u0000" + id);
    return queued ? queued.body !== undefined : this.selectOne.get(kind, id) !== undefined;
  }

  /** A view of this store whose kinds are `${prefix}${kind}`: per-(account, region) state. */
  view(prefix: string): StoreView {
    return new StoreView(this, prefix);
  }

  /** The kinds holding at least one document, queued changes included, sorted. */
  kinds(): string[] {
    // A skip scan over the primary key: one lookup per kind, however many documents.
    const rows = this.db
      .prepare(
        "WITH RECURSIVE k(kind) AS (SELECT MIN(kind) FROM docs UNION ALL SELECT (SELECT MIN(kind) FROM docs WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL) SELECT kind FROM k WHERE kind IS NOT NULL",
      )
      .all() as Array<{ kind: string }>;
    const found = new Set(rows.map((r) => r.kind));
    const deletedIn = new Set<string>();
    for (const p of this.pending.values()) {
      if (p.body !== undefined) found.add(p.kind);
      else deletedIn.add(p.kind);
    }
    // A kind whose stored documents are all queued for deletion is gone at the next commit.
    for (const kind of deletedIn) {
      if (!found.has(kind) || [...this.pending.values()].some((p) => p.kind === kind && p.body !== undefined)) continue;
      let left = false;
      for (const { id } of this.db.prepare("SELECT id FROM docs WHERE kind = ?").iterate(kind) as Iterable<{ id: string }>) {
        if (!this.pending.has(kind + "\u0000" + id)) {
          left = true;
          break;
        }
      }
      if (!left) found.delete(kind);
    }
    return [...found].sort();
  }

  /**
   * Renames a kind at once (not queued), in one transaction, with its recorded schema
   * version: for start-up, before the kind is defined or used (the move of today's
   * unprefixed state into the configured region's view). Idempotent: once moved, the
   * source is empty and a repeat does nothing. Refuses (changing nothing) when the
   * destination already holds one of the ids, or documents at another version: which copy
   * is right cannot be told. Returns how many documents moved.
   */
  moveKind(from: string, to: string): number {
    if (this.closed) throw new StoreUnavailableError("the store is closed");
    if (from === to) return 0;
    this.commitQueued([from, to]);
    return this.db.transaction(() => {
      const exists = this.db.prepare("SELECT 1 FROM docs WHERE kind = ? LIMIT 1");
      if (exists.get(from) === undefined) return 0;
      const fromVersion = recordedVersion(this.db, from);
      const toVersion = recordedVersion(this.db, to);
      if ((toVersion !== undefined || exists.get(to) !== undefined) && (toVersion ?? 0) !== (fromVersion ?? 0)) {
        throw new Error(`cannot move kind "${from}" (version ${fromVersion ?? 0}) into "${to}", which holds version ${toVersion ?? 0}`);
      }
      const clash = this.db.prepare("SELECT a.id FROM docs a JOIN docs b ON b.kind = ? AND b.id = a.id WHERE a.kind = ? LIMIT 3").all(to, from) as Array<{
        id: string;
      }>;
      if (clash.length > 0) {
        throw new Error(`cannot move kind "${from}" into "${to}": both hold ${clash.map((c) => JSON.stringify(c.id)).join(", ")}; remove one copy first`);
      }
      const moved = this.db.prepare("UPDATE docs SET kind = ? WHERE kind = ?").run(to, from).changes;
      if (fromVersion !== undefined) {
        recordVersion(this.db, to, fromVersion);
        recordVersion(this.db, from, undefined);
      }
      return moved;
    })();
  }

  /**
   * Declares the schema version of a kind and brings its stored documents to it (see
   * kinds.ts): once per kind and process, before the kind is written. Throws
   * `StoreVersionError` when the store is newer than the code.
   */
  defineKind(def: KindDefinition): void {
    if (this.closed) throw new StoreUnavailableError("the store is closed");
    const known = this.defined.get(def.kind);
    if (known !== undefined) {
      if (known !== def.version) throw new Error(`kind ${def.kind} is already defined at version ${known}, not ${def.version}`);
      return;
    }
    for (const p of this.pending.values()) {
      if (p.kind === def.kind) throw new Error(`kind ${def.kind} must be defined before it is written to`);
    }
    migrateKind(this.db, def);
    this.defined.set(def.kind, def.version);
    if (def.version > 0 && recordedVersion(this.db, def.kind) === undefined) this.unrecorded.set(def.kind, def.version);
  }

  /** Inside a write transaction: the version of each deferred kind among `written`. */
  private recordFirstWrites(written: string[]): void {
    for (const kind of new Set(written)) {
      const version = this.unrecorded.get(kind);
      if (version !== undefined) recordVersion(this.db, kind, version);
    }
  }

  /** Once that transaction committed. */
  private forgetRecorded(written: string[]): void {
    for (const kind of written) this.unrecorded.delete(kind);
  }

  /** Commits what is queued for `kinds` now, so an immediate change sees it on disk. */
  private commitQueued(kinds: string[]): void {
    if (![...this.pending.values()].some((p) => kinds.includes(p.kind))) return;
    if (!this.flush()) throw this.failing ?? new StoreUnavailableError("commit failed");
  }

  put(kind: string, id: string, doc: unknown): void {
    this.queue(kind, id, doc);
  }

  delete(kind: string, id: string): void {
    this.queue(kind, id, undefined);
  }

  /** How many changes were queued since start: a caller compares two readings to tell whether it wrote. */
  get writeCount(): number {
    return this.writes;
  }

  /** Changes queued and not committed yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The error of the last commit when it failed (cleared by the next successful one). */
  get failure(): StoreUnavailableError | undefined {
    return this.failing;
  }

  /**
   * Resolves once every change queued so far is committed; rejects when the commit that
   * held them failed. The changes stay queued then and are retried: the caller may not
   * report success, but nothing is dropped.
   */
  committed(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new StoreUnavailableError("the store is closed"));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Runs `fn` once every change queued so far is committed, however many retries that takes. */
  afterCommit(fn: () => void): void {
    if (this.pending.size === 0) fn();
    else this.onCommit.push(fn);
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
      if (n > 0) this.recordFirstWrites([kind]);
    })();
    if (n > 0) this.forgetRecorded([kind]);
    return n;
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** For tests of a full disk: SQLite answers SQLITE_FULL once the file would pass `pages` pages. */
  limitPages(pages: number | null): void {
    const current = this.db.pragma("page_count", { simple: true }) as number;
    this.db.pragma(`max_page_count = ${pages === null ? 4294967294 : Math.max(pages, current)}`);
    if (pages === null && this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.flush();
    }
  }

  private queue(kind: string, id: string, doc: unknown): void {
    // Background work (a dynamic group settling) may outlive close(); nothing is answered
    // after close, so nothing acknowledged is lost by dropping it.
    if (this.closed) return;
    // Serialised now, in the caller's request: a document that cannot be (too deep, a
    // cycle) fails that request alone instead of wedging every later commit.
    const body = doc === undefined ? undefined : JSON.stringify(doc);
    this.pending.set(kind + "\u0000" + id, { kind, id, body });
    this.writes++;
    // While commits fail, the retry timer commits what is queued (with its growing delay),
    // rather than every new change retrying the whole batch at once.
    if (this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Commits every queued change in one transaction, then answers whoever waited on it.
   * Returns false when the commit failed (the changes stay queued, a retry is scheduled).
   */
  flush(): boolean {
    this.scheduled = false;
    if (this.closed) return false;
    const waiters = this.waiters;
    this.waiters = [];
    if (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      try {
        this.db.transaction(() => {
          for (const { kind, id, body } of batch) {
            if (body === undefined) this.remove.run(kind, id);
            else this.upsert.run(kind, id, body);
          }
          if (this.unrecorded.size > 0) this.recordFirstWrites(batch.filter((p) => p.body !== undefined).map((p) => p.kind));
        })();
        if (this.unrecorded.size > 0) this.forgetRecorded(batch.filter((p) => p.body !== undefined).map((p) => p.kind));
      } catch (err) {
        this.failing = new StoreUnavailableError(describe(err), sqliteCode(err));
        if (this.retryDelayMs === 0) console.error(`[emulator] store commit failed (${this.failing.message}); ${batch.length} changes kept and retried`);
        for (const w of waiters) w.reject(this.failing);
        this.scheduleRetry();
        return false;
      }
      this.pending.clear();
    }
    if (this.failing) console.error(`[emulator] store commit succeeded again after: ${this.failing.message}`);
    this.failing = undefined;
    this.retryDelayMs = 0;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const callbacks = this.onCommit;
    this.onCommit = [];
    for (const w of waiters) w.resolve();
    for (const fn of callbacks) {
      try {
        fn();
      } catch (err) {
        console.error("[emulator] after-commit work failed", err);
      }
    }
    return true;
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 50), 1000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  close(): void {
    if (this.closed) return;
    if (!this.flush() && this.pending.size > 0) console.error(`[emulator] closing with ${this.pending.size} changes not written: ${this.failing?.message}`);
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const w of this.waiters) w.reject(new StoreUnavailableError("the store is closed"));
    this.waiters = [];
    this.db.close();
  }
}

/** A commit that did not happen. `transient`: worth retrying (full disk, I/O error, busy). */
export class StoreUnavailableError extends Error {
  readonly transient: boolean;
  constructor(
    message: string,
    readonly sqliteCode?: string,
  ) {
    super(message);
    this.name = "StoreUnavailableError";
    this.transient = sqliteCode === undefined || /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|NOMEM|PROTOCOL)/.test(sqliteCode);
  }
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function describe(err: unknown): string {
  const code = sqliteCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${code}: ${message}` : message;
}

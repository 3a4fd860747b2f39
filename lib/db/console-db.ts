import Database from "better-sqlite3";
import { readEnv, type RawEnv } from "@/lib/env";
import { createPrivateFile } from "@/lib/fs/private-files";
import { join, resolve } from "node:path";

/**
 * The console's own store (users, sessions, sign-in failures, audit trail): SQLite in
 * the data directory. One connection per process, kept on globalThis because Next can
 * evaluate a module more than once. Node-only: never imported by client components.
 */
export type ConsoleDb = Database.Database;

const KEY = Symbol.for("fleet-console.db");
type Holder = { [KEY]?: { path: string; db: ConsoleDb } };

export function consoleDbPath(source?: RawEnv): string {
  const env = readEnv(["CONSOLE_DB_PATH", "DATA_DIR"], source);
  if (env.CONSOLE_DB_PATH) return resolve(env.CONSOLE_DB_PATH);
  return resolve(join(env.DATA_DIR, "console.sqlite"));
}

export function consoleDb(): ConsoleDb {
  const holder = globalThis as Holder;
  const path = consoleDbPath();
  if (holder[KEY]?.path !== path) {
    holder[KEY]?.db.close();
    holder[KEY] = { path, db: openConsoleDb(path) };
  }
  return holder[KEY].db;
}

export function openConsoleDb(path: string): ConsoleDb {
  // Password hashes, sessions and the audit trail: owner-only (the file 0600; SQLite gives
  // its -wal and -shm files the database file's mode).
  if (path !== ":memory:") createPrivateFile(path);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // Every commit is on disk before the call returns (WAL's NORMAL could lose the last ones
  // at a power cut): an acknowledged sign-in, session or audit record is never lost.
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  migrate(db);
  return db;
}

const MIGRATIONS: string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name TEXT,
     role TEXT NOT NULL,
     source TEXT NOT NULL DEFAULT 'local',
     password_hash TEXT,
     disabled INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     last_login_at INTEGER
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     role TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     absolute_expires_at INTEGER NOT NULL,
     ip TEXT,
     user_agent TEXT
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE signin_failures (key TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX signin_failures_key ON signin_failures(key, at);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     role TEXT,
     action TEXT NOT NULL,
     target TEXT,
     params TEXT,
     result TEXT NOT NULL,
     error_code TEXT,
     aws_request_id TEXT,
     ip TEXT
   );
   CREATE INDEX audit_at ON audit_log(at);
   CREATE INDEX audit_actor ON audit_log(actor, at);
   CREATE INDEX audit_action ON audit_log(action, at);
   -- The trail is append-only: no code path, and no SQL either, may change or remove a record.
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;`,
  // INSERT OR REPLACE over an existing id is a delete in disguise (REPLACE removes the old
  // row without firing delete triggers unless recursive triggers are on): refuse it too.
  `CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
     WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
     BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;`,
  // Fleet search: saved queries (name unique per owner, any case) and each user's recent queries.
  `CREATE TABLE saved_queries (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     owner TEXT NOT NULL COLLATE NOCASE,
     shared INTEGER NOT NULL DEFAULT 0,
     query TEXT NOT NULL,
     columns TEXT NOT NULL DEFAULT '[]',
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX saved_queries_owner_name ON saved_queries(owner, name COLLATE NOCASE);
   CREATE INDEX saved_queries_shared ON saved_queries(shared);
   CREATE TABLE query_history (
     owner TEXT NOT NULL COLLATE NOCASE,
     query TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (owner, query)
   );
   CREATE INDEX query_history_recent ON query_history(owner, at);`,
  // Sign-in limits (lib/auth/signin-limits.ts): one row per password check, reserved before
  // the check so concurrent guesses are counted; a success deletes its own row. `cleared`
  // rows (a later success from that address, an admin's unlock) stop counting against the
  // account but still count against the address. Users flagged to set a new password.
  `DROP TABLE signin_failures;
   CREATE TABLE signin_attempts (
     id INTEGER PRIMARY KEY,
     account TEXT NOT NULL,
     ip TEXT NOT NULL,
     known_address INTEGER NOT NULL,
     cleared INTEGER NOT NULL DEFAULT 0,
     at INTEGER NOT NULL
   );
   CREATE INDEX signin_attempts_account ON signin_attempts(account, at);
   CREATE INDEX signin_attempts_ip ON signin_attempts(ip, at);
   CREATE INDEX signin_attempts_at ON signin_attempts(at);
   CREATE TABLE signin_known_addresses (
     account TEXT NOT NULL,
     ip TEXT NOT NULL,
     last_success_at INTEGER NOT NULL,
     PRIMARY KEY (account, ip)
   );
   ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;`,
  // Artifact uploads the console started (lib/jobs/draft-artifacts-service.ts): who started
  // each, its declared size and part size, so parts are bounded and tied to their starter.
  `CREATE TABLE artifact_uploads (
     upload_id TEXT NOT NULL,
     key TEXT NOT NULL,
     bucket TEXT NOT NULL,
     owner TEXT NOT NULL COLLATE NOCASE,
     size INTEGER NOT NULL,
     part_size INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (key, upload_id)
   );
   CREATE INDEX artifact_uploads_owner ON artifact_uploads(owner, created_at);`,
];

function migrate(db: ConsoleDb): void {
  // Up to date (every open but the first): no write lock needed.
  if ((db.pragma("user_version", { simple: true }) as number) >= MIGRATIONS.length) return;
  // Each step reads the version under the write lock (IMMEDIATE): two processes opening a
  // new store at once (the console, `npm run users`) must not both apply one migration.
  const step = db.transaction((): boolean => {
    const v = db.pragma("user_version", { simple: true }) as number;
    if (v >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction, as before
  }
}

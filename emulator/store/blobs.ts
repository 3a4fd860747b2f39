import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, rmSync } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { createPrivateFile, ensurePrivateDir, PRIVATE_FILE_MODE } from "../../lib/fs/private-files";

/**
 * The blob area: object bodies for S3, Firehose and the telemetry lake, as files under
 * `<DATA_DIR>/blobs/` (docs/adr/0007-emulator-blob-area.md). Bodies are streamed in and
 * out, never held whole in memory.
 *
 * - Keys never become paths: each body gets a random file name (`objects/ab/ab12…`), and
 *   a small SQLite index (`index.sqlite`) maps the key (its UTF-8 bytes, so listing is in
 *   S3's byte order) to the file, size, SHA-256, MD5, time and metadata. No traversal, no
 *   case collisions, any key up to 1024 bytes.
 * - A put writes `tmp/<name>`, fsyncs it, renames it into `objects/` and fsyncs that
 *   directory, then commits the index row: the object exists once that commit is durable,
 *   before the promise resolves. A file that may exist without an index row (renamed but
 *   not yet committed, or replaced / deleted but not yet unlinked) is listed in `loose` in
 *   the same transactions, and removed at the next start, with everything in `tmp/`.
 */
export interface BlobInfo {
  key: string;
  size: number;
  /** Hex digests of the whole body. */
  sha256: string;
  md5: string;
  mtime: Date;
  metadata: Record<string, string>;
}

/** A body: a stream (a request), an async generator, or chunks at hand (tests, small bodies). */
export type BlobSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export interface BlobPutOptions {
  /** Stored with the object and returned by head/list (S3: content type, user metadata). */
  metadata?: Record<string, string>;
  /** The body must be exactly this long (a request's Content-Length). */
  expectedSize?: number;
  /** Ends the upload, keeping nothing; checked at every chunk. */
  signal?: AbortSignal;
}

export interface BlobRange {
  start: number;
  /** Inclusive, as in HTTP; clamped to the last byte. */
  end?: number;
}

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the object is larger than the limit of ${limit} bytes`);
    this.name = "BlobTooLargeError";
  }
}
export class BlobSizeMismatchError extends Error {
  constructor(expected: number, actual: number) {
    super(`the body was ${actual} bytes, not the ${expected} announced`);
    this.name = "BlobSizeMismatchError";
  }
}
export class BlobKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlobKeyError";
  }
}
export class BlobRangeError extends Error {
  constructor(readonly size: number) {
    super(`the range is not satisfiable for an object of ${size} bytes`);
    this.name = "BlobRangeError";
  }
}

export const MAX_KEY_BYTES = 1024;
/** The most objects one list() returns (S3's max-keys). */
export const MAX_LIST = 1000;
/** S3's limit for a single PUT. */
export const DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 ** 3;

interface Row {
  key: Buffer;
  file: string;
  size: number;
  sha256: string;
  md5: string;
  mtime: number;
  metadata: string;
}

export class BlobStore {
  readonly dir: string;
  readonly maxObjectBytes: number;
  private db: Database.Database;
  private temporaryDir: string | undefined;

  /** A blob area in a fresh temporary directory, removed at close: for a `:memory:` emulator. */
  static temporary(opts: { maxObjectBytes?: number } = {}): BlobStore {
    const dataDir = mkdtempSync(join(tmpdir(), "emulator-blobs-"));
    const store = new BlobStore(dataDir, opts);
    store.temporaryDir = dataDir;
    return store;
  }

  /** `dataDir`: the emulator's DATA_DIR; the blob area is its `blobs/` directory. */
  constructor(dataDir: string, opts: { maxObjectBytes?: number } = {}) {
    this.dir = join(dataDir, "blobs");
    this.maxObjectBytes = opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    for (const dir of [this.dir, join(this.dir, "tmp"), join(this.dir, "objects")]) durableDir(dir);
    const file = join(this.dir, "index.sqlite");
    createPrivateFile(file);
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS objects (key BLOB PRIMARY KEY, file TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, md5 TEXT NOT NULL, mtime INTEGER NOT NULL, metadata TEXT NOT NULL) WITHOUT ROWID",
    );
    this.db.exec("CREATE TABLE IF NOT EXISTS loose (file TEXT PRIMARY KEY) WITHOUT ROWID");
    this.sweep();
  }

  /** Removes what a crash or a failed upload left: temporary files and unreferenced bodies. */
  private sweep(): void {
    for (const name of readdirSync(join(this.dir, "tmp"))) rmSync(join(this.dir, "tmp", name), { force: true, recursive: true });
    const loose = this.db.prepare("SELECT file FROM loose").all() as Array<{ file: string }>;
    for (const { file } of loose) rmSync(this.pathOf(file), { force: true });
    this.db.prepare("DELETE FROM loose").run();
  }

  private pathOf(file: string): string {
    return join(this.dir, "objects", file.slice(0, 2), file);
  }

  /**
   * Streams `body` into the object `key`, replacing any object of that key once (and
   * only once) the new one is complete and durable. On any error (the source failing,
   * the limit, an abort) nothing is kept and the old object stays.
   */
  async put(key: string, body: BlobSource, opts: BlobPutOptions = {}): Promise<{ size: number; sha256: string; md5: string }> {
    const keyBytes = encodeKey(key);
    const name = randomBytes(16).toString("hex");
    const tmp = join(this.dir, "tmp", name);
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    let size = 0;
    const fh = await open(tmp, "wx", PRIVATE_FILE_MODE);
    try {
      for await (const chunk of body) {
        opts.signal?.throwIfAborted();
        const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        size += buf.byteLength;
        if (size > this.maxObjectBytes) throw new BlobTooLargeError(this.maxObjectBytes);
        sha256.update(buf);
        md5.update(buf);
        await writeAll(fh, buf);
      }
      opts.signal?.throwIfAborted();
      if (opts.expectedSize !== undefined && size !== opts.expectedSize) throw new BlobSizeMismatchError(opts.expectedSize, size);
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();

    const final = this.pathOf(name);
    this.db.prepare("INSERT INTO loose (file) VALUES (?)").run(name);
    try {
      const sub = join(this.dir, "objects", name.slice(0, 2));
      if ((await mkdir(sub, { recursive: true, mode: 0o700 })) !== undefined) await fsyncDir(join(this.dir, "objects"));
      await rename(tmp, final);
      await fsyncDir(sub);
    } catch (err) {
      await rm(tmp, { force: true });
      await rm(final, { force: true });
      this.db.prepare("DELETE FROM loose WHERE file = ?").run(name);
      throw err;
    }
    const result = { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
    const old = this.db.transaction(() => {
      const previous = this.db.prepare("SELECT file FROM objects WHERE key = ?").get(keyBytes) as { file: string } | undefined;
      this.db
        .prepare(
          "INSERT INTO objects (key, file, size, sha256, md5, mtime, metadata) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET file = excluded.file, size = excluded.size, sha256 = excluded.sha256, md5 = excluded.md5, mtime = excluded.mtime, metadata = excluded.metadata",
        )
        .run(keyBytes, name, size, result.sha256, result.md5, Date.now(), JSON.stringify(opts.metadata ?? {}));
      this.db.prepare("DELETE FROM loose WHERE file = ?").run(name);
      if (previous) this.db.prepare("INSERT OR IGNORE INTO loose (file) VALUES (?)").run(previous.file);
      return previous?.file;
    })();
    if (old) await this.unlinkLoose(old);
    return result;
  }

  /**
   * Streams an object out (the whole body or an inclusive byte range), or undefined when
   * there is none. The file is opened before this resolves, so an overwrite or a delete
   * meanwhile does not cut the stream short.
   */
  async get(key: string, range?: BlobRange): Promise<{ stream: Readable; size: number; start: number; end: number; info: BlobInfo } | undefined> {
    const keyBytes = encodeKey(key);
    for (let attempt = 0; ; attempt++) {
      const row = this.row(keyBytes);
      if (!row) return undefined;
      // Checked before the file is opened: whole numbers, a start within the object, an end not before it.
      if (range && !validRange(range, row.size)) throw new BlobRangeError(row.size);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? row.size - 1, row.size - 1);
      let fh: FileHandle;
      try {
        fh = await open(this.pathOf(row.file), "r");
      } catch (err) {
        // Replaced or deleted between the lookup and the open: look again.
        if ((err as NodeJS.ErrnoException).code === "ENOENT" && attempt < 3) continue;
        throw err;
      }
      let stream: Readable;
      try {
        stream = row.size === 0 ? fh.createReadStream({ start: 0 }) : fh.createReadStream({ start, end });
      } catch (err) {
        await fh.close();
        throw err;
      }
      return { stream, size: row.size === 0 ? 0 : end - start + 1, start, end, info: toInfo(row) };
    }
  }

  head(key: string): BlobInfo | undefined {
    const row = this.row(encodeKey(key));
    return row && toInfo(row);
  }

  /** Removes an object; false when there was none. */
  async delete(key: string): Promise<boolean> {
    const keyBytes = encodeKey(key);
    const file = this.db.transaction(() => {
      const row = this.db.prepare("SELECT file FROM objects WHERE key = ?").get(keyBytes) as { file: string } | undefined;
      if (!row) return undefined;
      this.db.prepare("DELETE FROM objects WHERE key = ?").run(keyBytes);
      this.db.prepare("INSERT OR IGNORE INTO loose (file) VALUES (?)").run(row.file);
      return row.file;
    })();
    if (file === undefined) return false;
    await this.unlinkLoose(file);
    return true;
  }

  /**
   * Objects whose key starts with `prefix`, in UTF-8 byte order (as S3 lists), after
   * `startAfter`, at most `limit`; `truncated` when more follow.
   */
  list(prefix = "", startAfter?: string, limit = MAX_LIST): { objects: BlobInfo[]; truncated: boolean } {
    // 1 to 1000, as S3's max-keys: a page is never empty by request, nor unbounded.
    limit = Number.isFinite(limit) ? Math.min(MAX_LIST, Math.max(1, Math.floor(limit))) : MAX_LIST;
    const lower = Buffer.from(prefix, "utf8");
    const after = startAfter === undefined ? Buffer.alloc(0) : Buffer.from(startAfter, "utf8");
    const upper = prefixEnd(lower);
    const rows = this.db
      .prepare("SELECT * FROM objects WHERE key >= ? AND key > ? AND (? IS NULL OR key < ?) ORDER BY key LIMIT ?")
      .all(lower, after, upper, upper, limit + 1) as Row[];
    const truncated = rows.length > limit;
    return { objects: rows.slice(0, limit).map(toInfo), truncated };
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    if (this.temporaryDir) rmSync(this.temporaryDir, { recursive: true, force: true });
  }

  private row(key: Buffer): Row | undefined {
    return this.db.prepare("SELECT * FROM objects WHERE key = ?").get(key) as Row | undefined;
  }

  private async unlinkLoose(file: string): Promise<void> {
    await rm(this.pathOf(file), { force: true });
    this.db.prepare("DELETE FROM loose WHERE file = ?").run(file);
  }
}

/** A key's UTF-8 bytes; refuses empty keys, lone surrogates and keys over 1024 bytes. */
function encodeKey(key: string): Buffer {
  if (typeof key !== "string" || key.length === 0) throw new BlobKeyError("the key must not be empty");
  const bytes = Buffer.from(key, "utf8");
  if (bytes.toString("utf8") !== key) throw new BlobKeyError("the key is not valid Unicode (a lone surrogate)");
  if (bytes.length > MAX_KEY_BYTES) throw new BlobKeyError(`the key is ${bytes.length} bytes; at most ${MAX_KEY_BYTES} are allowed`);
  return bytes;
}

/** The smallest byte string above every string starting with `prefix` (null: none). */
function prefixEnd(prefix: Buffer): Buffer | null {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return null;
  const end = Buffer.from(prefix.subarray(0, n));
  end[n - 1]!++;
  return end;
}

function toInfo(row: Row): BlobInfo {
  return {
    key: row.key.toString("utf8"),
    size: row.size,
    sha256: row.sha256,
    md5: row.md5,
    mtime: new Date(row.mtime),
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

async function writeAll(fh: FileHandle, buf: Uint8Array): Promise<void> {
  for (let off = 0; off < buf.byteLength;) {
    const { bytesWritten } = await fh.write(buf, off, buf.byteLength - off);
    off += bytesWritten;
  }
}

function validRange(range: BlobRange, size: number): boolean {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || start >= size) return false;
  return end === undefined || (Number.isSafeInteger(end) && end >= start);
}

/** Creates `dir` (owner-only) when missing, and then syncs its parent, so the new entry survives a power cut. */
function durableDir(dir: string): void {
  const existed = existsSync(dir);
  ensurePrivateDir(dir);
  if (existed) return;
  let fd: number | undefined;
  try {
    fd = openSync(dirname(dir), "r");
    fsyncSync(fd);
  } catch (err) {
    // As in fsyncDir: a directory cannot be synced on Windows.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL") throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Makes a rename or a new entry in `dir` durable. Not possible on Windows, where it is skipped. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL") throw err;
  } finally {
    await fh?.close();
  }
}

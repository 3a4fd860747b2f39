import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The data directory holds password hashes, the audit trail, the emulator CA's private
 * key and the simulated devices' keys: nobody but the owner may read it. Node-only;
 * shared by the console store, the emulator store and the simulator.
 *
 * - `ensurePrivateDir`: creates a directory 0700 (parents too) or tightens an existing one;
 * - `createPrivateFile`: makes sure a file exists with mode 0600 before anyone (SQLite)
 *   opens it; SQLite creates its `-wal` and `-shm` files with the mode of the database
 *   file, so they follow;
 * - `tightenTree`: fixes the modes of a directory made by an earlier version (0700 for
 *   directories, 0600 for files), once at start.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates `file` (empty) with mode 0600 when missing, tightens it (and SQLite's sidecar
 * files) when present. A missing directory is created 0700; an existing one is left as it
 * is (it may be a shared folder someone chose for CONSOLE_DB_PATH): DATA_DIR itself is
 * tightened by `tightenTree` at start.
 */
export function createPrivateFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
  for (const sidecar of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(sidecar)) chmodSync(sidecar, PRIVATE_FILE_MODE);
  }
}

/**
 * 0700 on `dir` and the directories below it (two levels at most: the data directory's
 * own layout), 0600 on their files. Only entries this user owns are changed; entries that
 * vanish meanwhile (a sibling process renaming a temporary file, SQLite removing its -wal
 * at close) are skipped, and so is anything that cannot be changed: start-up must not fail
 * over a mode.
 */
export function tightenTree(dir: string, depth = 2): void {
  if (!existsSync(dir)) return;
  ensurePrivateDir(dir);
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() || (uid !== undefined && st.uid !== uid)) continue;
      if (st.isDirectory()) {
        if (depth > 0) tightenTree(path, depth - 1);
      } else if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE) {
        chmodSync(path, PRIVATE_FILE_MODE);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EPERM" && code !== "EACCES") throw err;
    }
  }
}

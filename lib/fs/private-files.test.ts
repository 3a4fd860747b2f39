import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrivateFile, ensurePrivateDir, tightenTree } from "./private-files";

const roots: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "private-files-"));
  roots.push(d);
  return d;
};
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => statSync(p).mode & 0o777;

describe("private files", () => {
  it("creates a missing directory 0700 and tightens an existing one", () => {
    const root = fresh();
    const made = join(root, "data");
    ensurePrivateDir(made);
    expect(mode(made)).toBe(0o700);
    chmodSync(made, 0o755);
    ensurePrivateDir(made);
    expect(mode(made)).toBe(0o700);
  });

  it("creates a database file 0600 before SQLite opens it, and tightens its sidecars", () => {
    const root = fresh();
    const file = join(root, "new", "x.sqlite");
    createPrivateFile(file);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(root, "new"))).toBe(0o700);
    writeFileSync(`${file}-wal`, "", { mode: 0o644 });
    chmodSync(`${file}-wal`, 0o644);
    chmodSync(file, 0o644);
    createPrivateFile(file);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
  });

  it("leaves an existing parent of a chosen file path as it is", () => {
    const root = fresh();
    chmodSync(root, 0o755);
    createPrivateFile(join(root, "console.sqlite"));
    expect(mode(root)).toBe(0o755);
  });

  it("fixes a data directory an earlier version left readable, two levels deep", () => {
    const root = fresh();
    chmodSync(root, 0o755);
    mkdirSync(join(root, "sub", "deeper", "deepest"), { recursive: true });
    for (const f of ["console.sqlite", "emulator.sqlite-wal", "sub/key.pem", "sub/deeper/x.json", "sub/deeper/deepest/y"]) {
      writeFileSync(join(root, f), "x");
      chmodSync(join(root, f), 0o644);
    }
    chmodSync(join(root, "sub"), 0o755);
    tightenTree(root);
    expect(mode(root)).toBe(0o700);
    expect(mode(join(root, "sub"))).toBe(0o700);
    expect(mode(join(root, "console.sqlite"))).toBe(0o600);
    expect(mode(join(root, "emulator.sqlite-wal"))).toBe(0o600);
    expect(mode(join(root, "sub/key.pem"))).toBe(0o600);
    expect(mode(join(root, "sub/deeper/x.json"))).toBe(0o600);
    // Below the data directory's own layout nothing is touched.
    expect(mode(join(root, "sub/deeper/deepest/y"))).toBe(0o644);
  });

  it("does nothing for a directory that does not exist", () => {
    const missing = join(fresh(), "nope");
    tightenTree(missing);
    expect(existsSync(missing)).toBe(false);
  });
});

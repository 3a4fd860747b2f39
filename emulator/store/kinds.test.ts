import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { Store, StoreVersionError } from "./store";

/** Schema versions per kind: migrations at definition, in one transaction. */
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "store-kinds-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store file holding `n` version-0 things `{ name }`, as today's emulator writes them. */
function seeded(n: number): string {
  const file = join(tempDir(), "s.sqlite");
  const store = new Store(file);
  store.putMany(
    "thing",
    Array.from({ length: n }, (_, i) => [`t${String(i).padStart(5, "0")}`, { name: `t${i}` }] as [string, unknown]),
  );
  store.close();
  return file;
}

function rawDocs(file: string): Map<string, unknown> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT id, body FROM docs WHERE kind = 'thing'").all() as Array<{ id: string; body: string }>;
    return new Map(rows.map((r) => [r.id, JSON.parse(r.body)]));
  } finally {
    db.close();
  }
}

// v1 renames `name` to `thingName`; v2 adds a version counter and drops thing t3.
const v1 = (d: { name: string }) => ({ thingName: d.name });
const v2 = (d: { thingName: string }, id: string) => (id === "t00003" ? undefined : { ...d, version: 1 });

describe("Store.defineKind", () => {
  it("runs two steps over version-0 documents, drops what a step drops, and records the version", () => {
    const file = seeded(5);
    const store = new Store(file);
    store.defineKind({ kind: "thing", version: 2, migrations: { 1: v1, 2: v2 } });
    expect(store.get("thing", "t00001")).toEqual({ thingName: "t1", version: 1 });
    expect(store.has("thing", "t00003")).toBe(false);
    expect([...store.load("thing")].length).toBe(4);
    expect(store.getMeta("kind-version:thing")).toBe("2");
    store.close();
  });

  it("runs only the missing steps on a store at an older version, and nothing on a store at this one", () => {
    const file = seeded(2);
    const store = new Store(file);
    store.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    store.close();
    let calls = 0;
    const reopened = new Store(file);
    reopened.defineKind({
      kind: "thing",
      version: 2,
      migrations: {
        1: () => {
          throw new Error("step 1 ran twice");
        },
        2: (d, id) => (calls++, v2(d, id)),
      },
    });
    expect(calls).toBe(2);
    expect(reopened.get("thing", "t00000")).toEqual({ thingName: "t0", version: 1 });
    reopened.close();
    const third = new Store(file);
    third.defineKind({
      kind: "thing",
      version: 2,
      migrations: {
        1: v1,
        2: () => {
          throw new Error("ran again");
        },
      },
    });
    third.close();
  });

  it("records the version of a kind with no documents, so later documents are not migrated as version 0", async () => {
    const file = join(tempDir(), "s.sqlite");
    const store = new Store(file);
    store.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    store.put("thing", "a", { thingName: "a" });
    await store.committed();
    store.close();
    const again = new Store(file);
    again.defineKind({
      kind: "thing",
      version: 1,
      migrations: {
        1: () => {
          throw new Error("migrated a current document");
        },
      },
    });
    expect(again.get("thing", "a")).toEqual({ thingName: "a" });
    again.close();
  });

  it("migrates a document whose id is the empty string (the first page is inclusive)", () => {
    const file = join(tempDir(), "s.sqlite");
    const seed = new Store(file);
    seed.putMany("thing", [
      ["", { name: "blank" }],
      ["a", { name: "a" }],
    ]);
    seed.close();
    const store = new Store(file);
    store.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    expect(store.get("thing", "")).toEqual({ thingName: "blank" });
    expect(store.get("thing", "a")).toEqual({ thingName: "a" });
    store.close();
  });

  it("records a version only when it is needed: not for version 0, and for an empty kind only with its first document", async () => {
    const file = join(tempDir(), "s.sqlite");
    const store = new Store(file);
    const region = store.view("000000000000/eu-west-1/");
    region.defineKind({ kind: "plain", version: 0 });
    region.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    region.defineKind({ kind: "bulk", version: 2, migrations: { 1: v1, 2: v2 } });
    const versionRows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare("SELECT key, value FROM meta WHERE key LIKE 'kind-version:%' ORDER BY key").all();
      } finally {
        db.close();
      }
    };
    expect(versionRows()).toEqual([]);
    region.put("plain", "p", {});
    region.put("thing", "a", { thingName: "a" });
    await store.committed();
    region.putMany("bulk", [["b", { thingName: "b", version: 1 }]]);
    expect(versionRows()).toEqual([
      { key: "kind-version:000000000000/eu-west-1/bulk", value: "2" },
      { key: "kind-version:000000000000/eu-west-1/thing", value: "1" },
    ]);
    store.close();
    // The document written at version 1 is not taken for a version-0 one at the next start.
    const again = new Store(file);
    again.view("000000000000/eu-west-1/").defineKind({ kind: "thing", version: 2, migrations: { 1: v1, 2: v2 } });
    expect(again.view("000000000000/eu-west-1/").get("thing", "a")).toEqual({ thingName: "a", version: 1 });
    again.close();
  });

  it("leaves documents and version as they were when a step throws part-way (one transaction), and runs again in full next time", () => {
    const file = seeded(2500); // three pages of the paged migration: two written before the failure
    const store = new Store(file);
    const failing = {
      1: (d: { name: string }, id: string) =>
        id === "t02400"
          ? (() => {
              throw new Error("boom");
            })()
          : v1(d),
    };
    expect(() => store.defineKind({ kind: "thing", version: 1, migrations: failing })).toThrow(/migration to version 1 failed for "t02400": boom/);
    expect(store.get("thing", "t00000")).toEqual({ name: "t0" });
    expect(store.getMeta("kind-version:thing")).toBeUndefined();
    store.close();
    const again = new Store(file);
    again.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    expect(again.get("thing", "t00000")).toEqual({ thingName: "t0" });
    expect(again.get("thing", "t02499")).toEqual({ thingName: "t2499" });
    again.close();
  });

  it("survives a SIGKILL in the middle of a migration: the file holds the old documents, unversioned", () => {
    const file = seeded(2500);
    const script = join(tempDir(), "kill.ts");
    // Killed after two pages of documents were rewritten inside the transaction.
    writeFileSync(
      script,
      `import { Store } from ${JSON.stringify(resolve(__dirname, "store.ts"))};
const store = new Store(${JSON.stringify(file)});
store.defineKind({ kind: "thing", version: 1, migrations: { 1: (d: { name: string }, id: string) => {
  if (id === "t02400") process.kill(process.pid, "SIGKILL");
  return { thingName: d.name };
} } });
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: resolve(__dirname, "../.."), encoding: "utf8" });
    expect(run.signal, run.stderr).toBe("SIGKILL");
    const docs = rawDocs(file);
    expect(docs.size).toBe(2500);
    expect([...docs.values()].every((d) => typeof (d as { name?: unknown }).name === "string")).toBe(true);
    const store = new Store(file);
    expect(store.getMeta("kind-version:thing")).toBeUndefined();
    store.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    expect(store.get("thing", "t02499")).toEqual({ thingName: "t2499" });
    store.close();
  });

  it("refuses a store written by a newer emulator, changing nothing", () => {
    const file = seeded(1);
    const newer = new Store(file);
    newer.defineKind({ kind: "thing", version: 2, migrations: { 1: v1, 2: v2 } });
    newer.close();
    const older = new Store(file);
    let err: unknown;
    try {
      older.defineKind({ kind: "thing", version: 1, migrations: { 1: v1 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreVersionError);
    expect((err as Error).message).toMatch(/"thing" documents at version 2, but this emulator only knows versions up to 1/);
    expect(older.get("thing", "t00000")).toEqual({ thingName: "t0", version: 1 });
    older.close();
  });

  it("rejects a definition with a missing step, even on an empty store", () => {
    const store = new Store(":memory:");
    expect(() => store.defineKind({ kind: "thing", version: 2, migrations: { 1: v1 } })).toThrow(/needs migrations\[2\]/);
    store.close();
  });

  it("must come before the kind is written to, and once per version", () => {
    const store = new Store(":memory:");
    store.put("thing", "a", {});
    expect(() => store.defineKind({ kind: "thing", version: 0 })).toThrow(/before it is written/);
    store.defineKind({ kind: "other", version: 0 });
    store.defineKind({ kind: "other", version: 0 });
    expect(() => store.defineKind({ kind: "other", version: 1, migrations: { 1: v1 } })).toThrow(/already defined at version 0/);
    store.close();
  });
});

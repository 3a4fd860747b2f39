import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Store, StoreUnavailableError } from "./store";

/** Group commit: who waits on what, and what happens when a commit fails. */
const dirs: string[] = [];
function fileStore(): { file: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), "store-test-"));
  dirs.push(dir);
  const file = join(dir, "s.sqlite");
  return { file, store: new Store(file) };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What another connection (another process after a crash) finds in the file. */
function onDisk(file: string, kind: string, id: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare("SELECT body FROM docs WHERE kind = ? AND id = ?").get(kind, id) as { body: string } | undefined;
    return row && JSON.parse(row.body);
  } finally {
    db.close();
  }
}

const big = (n: number) => ({ pad: "p".repeat(4000), n });

describe("Store", () => {
  it("resolves committed() only once the change can be read from the file by another connection", async () => {
    const { file, store } = fileStore();
    store.put("thing", "a", { v: 1 });
    expect(onDisk(file, "thing", "a")).toBeUndefined(); // queued, not yet committed
    await store.committed();
    expect(onDisk(file, "thing", "a")).toEqual({ v: 1 });
    store.close();
  });

  it("commits what arrives in one tick in one transaction, the last write of a key winning", async () => {
    const { file, store } = fileStore();
    store.put("thing", "a", { v: 1 });
    store.put("thing", "a", { v: 2 });
    store.put("thing", "b", { v: 1 });
    expect(store.pendingCount).toBe(2);
    await Promise.all([store.committed(), store.committed()]);
    expect(onDisk(file, "thing", "a")).toEqual({ v: 2 });
    expect(onDisk(file, "thing", "b")).toEqual({ v: 1 });
    store.close();
  });

  it("rejects the waiters of a failed commit, keeps the change, and commits it on a retry", async () => {
    const { file, store } = fileStore();
    store.limitPages(0);
    const after: string[] = [];
    for (let i = 0; i < 20; i++) store.put("thing", `t${i}`, big(i));
    store.afterCommit(() => after.push("announced"));
    const err = await store.committed().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).sqliteCode).toBe("SQLITE_FULL");
    expect((err as StoreUnavailableError).transient).toBe(true);
    expect(store.failure).toBeDefined();
    expect(store.pendingCount).toBe(20);
    expect(after).toEqual([]);

    const retried = store.committed();
    store.limitPages(null);
    await retried;
    expect(store.failure).toBeUndefined();
    expect(store.pendingCount).toBe(0);
    expect(after).toEqual(["announced"]);
    expect(onDisk(file, "thing", "t19")).toEqual(big(19));
    store.close();
  });

  it("runs afterCommit work at once when nothing is queued", () => {
    const { store } = fileStore();
    let ran = 0;
    store.afterCommit(() => ran++);
    expect(ran).toBe(1);
    store.close();
  });

  it("refuses a document that cannot be serialised in the caller, without blocking later commits", async () => {
    const { file, store } = fileStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => store.put("thing", "bad", cyclic)).toThrow();
    store.put("thing", "good", { ok: true });
    await store.committed();
    expect(onDisk(file, "thing", "good")).toEqual({ ok: true });
    store.close();
  });

  it("rejects whoever still waits when it is closed while commits fail", async () => {
    const { store } = fileStore();
    store.limitPages(0);
    for (let i = 0; i < 20; i++) store.put("thing", `t${i}`, big(i));
    await store.committed().catch(() => undefined);
    const waiting = store.committed();
    store.close();
    await expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

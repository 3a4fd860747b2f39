import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type RecordStore } from "./store";

/** Reads by key, views per prefix, kinds() and moveKind. */
const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "store-records-"));
  dirs.push(dir);
  return join(dir, "s.sqlite");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Store reads by key", () => {
  it("get and has see queued changes before they commit, and committed ones after", async () => {
    const store = new Store(":memory:");
    store.put("thing", "a", { v: 1 });
    expect(store.get("thing", "a")).toEqual({ v: 1 });
    expect(store.has("thing", "a")).toBe(true);
    await store.committed();
    expect(store.get("thing", "a")).toEqual({ v: 1 });
    store.delete("thing", "a");
    expect(store.get("thing", "a")).toBeUndefined();
    expect(store.has("thing", "a")).toBe(false);
    await store.committed();
    expect(store.get("thing", "a")).toBeUndefined();
    expect(store.get("thing", "never")).toBeUndefined();
    store.close();
  });

  it("hands out copies: changing a document read does not change the store", () => {
    const store = new Store(":memory:");
    store.put("thing", "a", { v: 1 });
    store.get<{ v: number }>("thing", "a")!.v = 99;
    expect(store.get("thing", "a")).toEqual({ v: 1 });
    store.close();
  });

  it("load applies queued puts and deletes over what is committed", async () => {
    const store = new Store(":memory:");
    store.put("thing", "a", { v: 1 });
    store.put("thing", "b", { v: 1 });
    store.put("other", "x", { v: 1 });
    await store.committed();
    store.put("thing", "a", { v: 2 });
    store.delete("thing", "b");
    store.put("thing", "c", { v: 1 });
    expect(new Map(store.load("thing"))).toEqual(
      new Map([
        ["a", { v: 2 }],
        ["c", { v: 1 }],
      ]),
    );
    store.close();
  });

  it("survives a reopen", async () => {
    const file = tempFile();
    const store = new Store(file);
    store.put("thing", "a", { v: 1 });
    await store.committed();
    store.close();
    const again = new Store(file);
    expect(again.get("thing", "a")).toEqual({ v: 1 });
    again.close();
  });
});

describe("Store views", () => {
  it("keeps each prefix's documents apart, in one commit queue", async () => {
    const store = new Store(":memory:");
    const east: RecordStore = store.view("000000000000/us-east-1/");
    const west: RecordStore = store.view("000000000000/eu-west-1/");
    east.put("thing", "a", { region: "east" });
    west.put("thing", "a", { region: "west" });
    expect(east.get("thing", "a")).toEqual({ region: "east" });
    expect(west.get("thing", "a")).toEqual({ region: "west" });
    expect(store.get("thing", "a")).toBeUndefined();
    expect(store.get("000000000000/us-east-1/thing", "a")).toEqual({ region: "east" });
    // The commit gate reads the whole store's state through any view.
    expect(east.pendingCount).toBe(2);
    expect(west.writeCount).toBe(store.writeCount);
    await west.committed();
    expect(store.pendingCount).toBe(0);
    expect([...east.load("thing")]).toEqual([["a", { region: "east" }]]);
    expect(east.kinds()).toEqual(["thing"]);
    expect(store.view("000000000000/").view("eu-west-1/").get("thing", "a")).toEqual({ region: "west" });
    east.delete("thing", "a");
    expect(east.has("thing", "a")).toBe(false);
    expect(west.has("thing", "a")).toBe(true);
    store.close();
  });

  it("prefixes meta keys and kind definitions", async () => {
    const store = new Store(":memory:");
    const east = store.view("e/");
    east.setMeta("ca", "east-ca");
    expect(store.getMeta("ca")).toBeUndefined();
    expect(store.getMeta("e/ca")).toBe("east-ca");
    east.defineKind({ kind: "thing", version: 1, migrations: { 1: (d) => d } });
    east.put("thing", "a", {}); // an empty kind's version is recorded with its first document
    await store.committed();
    expect(store.getMeta("kind-version:e/thing")).toBe("1");
    store.close();
  });
});

describe("Store.kinds", () => {
  it("lists the kinds that hold documents, committed or queued, and drops a kind whose documents are all being deleted", async () => {
    const store = new Store(":memory:");
    expect(store.kinds()).toEqual([]);
    store.put("b", "1", {});
    store.put("a", "1", {});
    store.put("a", "2", {});
    await store.committed();
    store.put("c", "1", {});
    expect(store.kinds()).toEqual(["a", "b", "c"]);
    store.delete("b", "1");
    store.delete("a", "1");
    expect(store.kinds()).toEqual(["a", "c"]);
    await store.committed();
    expect(store.kinds()).toEqual(["a", "c"]);
    store.close();
  });
});

describe("Store.moveKind", () => {
  it("renames a kind at once (queued changes included), with its version, and does nothing the second time", async () => {
    const file = tempFile();
    const store = new Store(file);
    store.defineKind({ kind: "thing", version: 1, migrations: { 1: (d) => d } });
    store.put("thing", "a", { v: 1 });
    await store.committed();
    store.put("thing", "b", { v: 1 });
    expect(store.moveKind("thing", "r/thing")).toBe(2);
    expect(store.pendingCount).toBe(0);
    expect(store.moveKind("thing", "r/thing")).toBe(0);
    store.close();

    const again = new Store(file);
    expect(again.kinds()).toEqual(["r/thing"]);
    expect(new Map(again.view("r/").load("thing")).size).toBe(2);
    expect(again.getMeta("kind-version:r/thing")).toBe("1");
    expect(again.getMeta("kind-version:thing")).toBeUndefined();
    again.close();
  });

  it("refuses, moving nothing, when the destination holds the same id", async () => {
    const store = new Store(":memory:");
    store.put("thing", "a", { from: true });
    store.put("thing", "b", { from: true });
    store.put("r/thing", "a", { to: true });
    await store.committed();
    expect(() => store.moveKind("thing", "r/thing")).toThrow(/both hold "a"/);
    expect(store.get("thing", "b")).toEqual({ from: true });
    expect(store.get("r/thing", "b")).toBeUndefined();
    store.close();
  });
});

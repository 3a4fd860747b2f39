import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../store/store";
import { ShadowStore, VERSION_MEMORY_SECONDS } from "./shadow-store";
import { parseUpdateRequest } from "./shadow-document";
import type { ShadowChange } from "./shadow-types";

const req = (doc: unknown) => parseUpdateRequest(JSON.stringify(doc));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileStore(): { file: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), "shadow-store-"));
  dirs.push(dir);
  const file = join(dir, "emulator.sqlite");
  return { file, store: new Store(file) };
}

describe("ShadowStore", () => {
  it("tells listeners about every update and delete, with the documents", () => {
    let nowMs = 1_000_000;
    const shadows = new ShadowStore(new Store(":memory:"), () => nowMs);
    const changes: ShadowChange[] = [];
    const off = shadows.onChange((c) => changes.push(c));

    shadows.update("t1", null, req({ state: { desired: { a: 1 } }, clientToken: "c1" }));
    nowMs += 5000;
    shadows.update("t1", "config", req({ state: { reported: { b: 2 } } }));
    shadows.delete("t1", null);

    expect(changes).toHaveLength(3);
    expect(changes[0]).toMatchObject({ thingName: "t1", shadowName: null, clientToken: "c1", previous: undefined });
    expect(changes[0].shadow).toEqual({
      thingName: "t1",
      shadowName: null,
      state: { desired: { a: 1 } },
      metadata: { desired: { a: { timestamp: 1000 } } },
      version: 1,
      timestamp: 1000,
    });
    expect(changes[1].shadow).toMatchObject({ shadowName: "config", state: { reported: { b: 2 } }, version: 1, timestamp: 1005 });
    expect(changes[2]).toMatchObject({ thingName: "t1", shadowName: null, shadow: null, previous: { version: 1 } });

    off();
    shadows.update("t1", "config", req({ state: { reported: { b: 3 } } }));
    expect(changes).toHaveLength(3);
  });

  it("keeps a failing listener from failing the write", () => {
    const shadows = new ShadowStore(new Store(":memory:"));
    shadows.onChange(() => {
      throw new Error("listener bug");
    });
    const orig = console.error;
    console.error = () => {};
    try {
      expect(shadows.update("t", null, req({ state: { desired: { a: 1 } } })).current.version).toBe(1);
    } finally {
      console.error = orig;
    }
    expect(shadows.get("t", null)?.state).toEqual({ desired: { a: 1 } });
  });

  it("answers the reader: get, forThing, all, named shadows sorted", () => {
    const shadows = new ShadowStore(new Store(":memory:"));
    shadows.update("t", "b", req({ state: { desired: { x: 1 } } }));
    shadows.update("t", null, req({ state: { desired: { x: 1 } } }));
    shadows.update("t", "a", req({ state: { desired: { x: 1 } } }));
    shadows.update("u", "z", req({ state: { desired: { x: 1 } } }));
    expect(
      shadows
        .forThing("t")
        .map((s) => s.shadowName)
        .sort(),
    ).toEqual([null, "a", "b"].sort());
    expect([...shadows.all()]).toHaveLength(4);
    expect(shadows.namedShadows("t")).toEqual(["a", "b"]);
    expect(shadows.namedShadows("nope")).toEqual([]);
    expect(shadows.get("t", "a")?.shadowName).toBe("a");
    expect(shadows.get("t", "c")).toBeUndefined();
  });

  it("never modifies a document it handed out", () => {
    const shadows = new ShadowStore(new Store(":memory:"));
    const v1 = shadows.update("t", null, req({ state: { desired: { a: { b: 1 } } } })).current;
    const snapshot = JSON.stringify(v1);
    shadows.update("t", null, req({ state: { desired: { a: { b: 2, c: 3 } } } }));
    expect(JSON.stringify(v1)).toBe(snapshot);
  });

  it("continues the version after a delete, for 48 hours", () => {
    let nowMs = 0;
    const shadows = new ShadowStore(new Store(":memory:"), () => nowMs);
    for (let i = 0; i < 3; i++) shadows.update("t", null, req({ state: { reported: { i } } }));
    expect(shadows.delete("t", null).deleted.version).toBe(3);
    expect(shadows.get("t", null)).toBeUndefined();
    expect(() => shadows.delete("t", null)).toThrow(/No shadow exists with name: 't'/);
    expect(shadows.update("t", null, req({ state: { reported: { i: 9 } }, version: 3 })).current.version).toBe(4);

    shadows.delete("t", null);
    nowMs += (VERSION_MEMORY_SECONDS + 1) * 1000;
    expect(shadows.update("t", null, req({ state: { reported: { i: 0 } } })).current.version).toBe(1);
  });

  it("reloads shadows and deleted versions from the store", () => {
    const { file, store } = fileStore();
    const a = new ShadowStore(store);
    a.update("t", null, req({ state: { desired: { a: 1 }, reported: { a: 0 } } }));
    a.update("t", null, req({ state: { desired: { a: 2 } } }));
    a.update("t", "cfg", req({ state: { desired: { k: "v" } } }));
    a.update("gone", null, req({ state: { desired: { k: "v" } } }));
    a.update("gone", null, req({ state: { desired: { k: "w" } } }));
    a.delete("gone", null);
    const before = a.get("t", null);
    store.close();

    const reopened = new Store(file);
    const b = new ShadowStore(reopened);
    expect(b.get("t", null)).toEqual(before);
    expect(b.namedShadows("t")).toEqual(["cfg"]);
    expect(b.get("gone", null)).toBeUndefined();
    expect(b.update("gone", null, req({ state: { desired: { k: "x" } } })).current.version).toBe(3);
    reopened.close();
  });
});

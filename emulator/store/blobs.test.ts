import { afterEach, describe, expect, it, vi } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import Database from "better-sqlite3";
import { BlobKeyError, BlobRangeError, BlobSizeMismatchError, BlobStore, BlobTooLargeError } from "./blobs";

// Which directories the blob area syncs with fsyncSync (directory entries; bodies use FileHandle.sync).
const syncs = vi.hoisted(() => ({ paths: [] as string[], fds: new Map<number, string>() }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args);
      syncs.fds.set(fd, String(args[0]));
      return fd;
    },
    fsyncSync: (fd: number) => {
      syncs.paths.push(syncs.fds.get(fd) ?? `fd ${fd}`);
      fs.fsyncSync(fd);
    },
  };
});

const dirs: string[] = [];
const opened: BlobStore[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "blobs-test-"));
  dirs.push(dir);
  return dir;
}
function blobStore(dir = dataDir(), opts: { maxObjectBytes?: number } = {}): BlobStore {
  const s = new BlobStore(dir, opts);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A deterministic pseudo-random stream of `total` bytes in 64 KiB chunks, generated as it is read. */
function* generated(total: number, seed = 1): Generator<Uint8Array> {
  let x = seed;
  for (let sent = 0; sent < total;) {
    const n = Math.min(65536, total - sent);
    const chunk = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      chunk[i] = x >>> 24;
    }
    sent += n;
    yield chunk;
  }
}
function digests(total: number, seed = 1): { sha256: string; md5: string } {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  for (const c of generated(total, seed)) {
    sha.update(c);
    md5.update(c);
  }
  return { sha256: sha.digest("hex"), md5: md5.digest("hex") };
}
async function* failingAfter(bytes: number): AsyncGenerator<Uint8Array> {
  yield* generated(bytes);
  throw new Error("connection reset");
}
async function body(store: BlobStore, key: string, range?: { start: number; end?: number }): Promise<string | undefined> {
  const got = await store.get(key, range);
  return got && text(got.stream);
}
/** Every file under the blob area's object and temporary directories. */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ["tmp", "objects"]) {
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => out.push(p))(join(d, e.name));
    };
    walk(join(dir, "blobs", sub));
  }
  return out;
}

describe("BlobStore", () => {
  it("round-trips a 20 MB stream, with size and hashes computed on the way in and checked on the way out", async () => {
    const store = blobStore();
    const size = 20 * 1024 * 1024;
    const expected = digests(size);
    const put = await store.put("lake/2026/12/03/part-0001", Readable.from(generated(size)));
    expect(put).toEqual({ size, ...expected });
    const got = await store.get("lake/2026/12/03/part-0001");
    const sha = createHash("sha256");
    let read = 0;
    for await (const c of got!.stream as AsyncIterable<Buffer>) {
      sha.update(c);
      read += c.length;
    }
    expect(read).toBe(size);
    expect(sha.digest("hex")).toBe(expected.sha256);
    expect(store.head("lake/2026/12/03/part-0001")).toMatchObject({ size, sha256: expected.sha256, md5: expected.md5 });
  });

  it("stores bodies owner-only", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    await store.put("k", ["secret"]);
    const [file] = files(dir);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "blobs")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "blobs", "index.sqlite")).mode & 0o777).toBe(0o600);
  });

  it("serves inclusive byte ranges, clamps an end past the last byte, and refuses a start past it", async () => {
    const store = blobStore();
    await store.put("k", ["0123456789"]);
    expect(await body(store, "k", { start: 2, end: 4 })).toBe("234");
    expect(await body(store, "k", { start: 7 })).toBe("789");
    expect(await body(store, "k", { start: 8, end: 100 })).toBe("89");
    const got = await store.get("k", { start: 1, end: 1 });
    expect([got!.size, got!.start, got!.end, got!.info.size]).toEqual([1, 1, 1, 10]);
    got!.stream.destroy();
    await expect(store.get("k", { start: 10 })).rejects.toBeInstanceOf(BlobRangeError);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("refuses a range that is not whole numbers in order before opening the file (no descriptor left open)", async () => {
    const store = blobStore();
    await store.put("k", ["0123456789"]);
    const openFds = () => readdirSync("/proc/self/fd").length;
    const before = existsSync("/proc/self/fd") ? openFds() : 0;
    for (const range of [{ start: 0, end: Number.NaN }, { start: 0, end: 2.5 }, { start: 5, end: 4 }, { start: 0, end: -1 }, { start: 1.5 }, { start: -1 }]) {
      await expect(store.get("k", range), JSON.stringify(range)).rejects.toBeInstanceOf(BlobRangeError);
    }
    if (existsSync("/proc/self/fd")) expect(openFds()).toBe(before);
  });

  it("syncs the parent of each directory it creates, and syncs none when they exist", () => {
    const dir = dataDir();
    syncs.paths.length = 0;
    blobStore(dir).close();
    expect(syncs.paths).toEqual([dir, join(dir, "blobs"), join(dir, "blobs")]);
    syncs.paths.length = 0;
    blobStore(dir);
    expect(syncs.paths).toEqual([]);
  });

  it("keeps nothing, and the old object, when the source errors midway", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    await store.put("k", ["old"]);
    await expect(store.put("k", failingAfter(3 * 65536))).rejects.toThrow("connection reset");
    await expect(store.put("other", Readable.from(failingAfter(65536)))).rejects.toThrow("connection reset");
    expect(await body(store, "k")).toBe("old");
    expect(store.head("other")).toBeUndefined();
    expect(files(dir)).toHaveLength(1);
  });

  it("stops at the size limit, keeping nothing", async () => {
    const dir = dataDir();
    const store = blobStore(dir, { maxObjectBytes: 100_000 });
    await expect(store.put("big", generated(100_001))).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(store.head("big")).toBeUndefined();
    expect(files(dir)).toEqual([]);
    expect((await store.put("fits", generated(100_000))).size).toBe(100_000);
  });

  it("refuses a body whose length differs from the one announced, and stops on an abort", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    await expect(store.put("k", ["abc"], { expectedSize: 4 })).rejects.toBeInstanceOf(BlobSizeMismatchError);
    const abort = new AbortController();
    abort.abort();
    await expect(store.put("k", ["abc"], { signal: abort.signal })).rejects.toThrow();
    expect(store.head("k")).toBeUndefined();
    expect(files(dir)).toEqual([]);
  });

  it("replaces an object whole, removing the old body, and deletes", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    await store.put("k", ["one"], { metadata: { "content-type": "text/plain" } });
    await store.put("k", ["two"]);
    expect(await body(store, "k")).toBe("two");
    expect(store.head("k")!.metadata).toEqual({});
    expect(files(dir)).toHaveLength(1);
    expect(await store.delete("k")).toBe(true);
    expect(await store.delete("k")).toBe(false);
    expect(store.head("k")).toBeUndefined();
    expect(files(dir)).toEqual([]);
  });

  it("keeps a stream that was opened before the object was replaced readable to its end", async () => {
    const store = blobStore();
    await store.put("k", ["first body"]);
    const got = await store.get("k");
    await store.put("k", ["second"]);
    expect(await text(got!.stream)).toBe("first body");
  });

  it("lists by prefix in UTF-8 byte order, pages with start-after and limit", async () => {
    const store = blobStore();
    // S3 lists in UTF-8 byte order: U+FFEE before 😀, where JS string order (UTF-16 units)
    // would put the emoji's surrogate pair first.
    const keys = ["a/1", "a/2", "a/10", "a/Z", "a/é", "a/\uffee", "a/😀", "b/1", "a"];
    for (const k of keys) await store.put(k, [k]);
    const all = store.list("a/", undefined, 100);
    expect(all.objects.map((o) => o.key)).toEqual(["a/1", "a/10", "a/2", "a/Z", "a/é", "a/\uffee", "a/😀"]);
    expect(all.truncated).toBe(false);
    const first = store.list("a/", undefined, 3);
    expect(first.objects.map((o) => o.key)).toEqual(["a/1", "a/10", "a/2"]);
    expect(first.truncated).toBe(true);
    const next = store.list("a/", "a/2", 3);
    expect(next.objects.map((o) => o.key)).toEqual(["a/Z", "a/é", "a/\uffee"]);
    expect(store.list("a/", "a/\uffee", 3)).toMatchObject({ objects: [{ key: "a/😀" }], truncated: false });
    expect(store.list("", undefined, 100).objects).toHaveLength(keys.length);
    expect(store.list("\u00ff\u00ff").objects).toEqual([]);
  });

  it("lists at least one and at most 1000 objects, whatever limit is asked for", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    await store.put("k0000", ["x"]);
    // 1000 more index rows sharing that body: list() reads only the index (1001 puts would take seconds).
    const index = new Database(join(dir, "blobs", "index.sqlite"));
    const copy = index.prepare("INSERT INTO objects SELECT ?, file, size, sha256, md5, mtime, metadata FROM objects WHERE key = ?");
    index.transaction(() => {
      for (let i = 1; i <= 1000; i++) copy.run(Buffer.from(`k${String(i).padStart(4, "0")}`), Buffer.from("k0000"));
    })();
    index.close();
    for (const limit of [0, -5, 0.5]) expect(store.list("", undefined, limit), String(limit)).toMatchObject({ objects: [{ key: "k0000" }], truncated: true });
    for (const limit of [5000, Number.POSITIVE_INFINITY, Number.NaN]) {
      const page = store.list("", undefined, limit);
      expect([page.objects.length, page.truncated, page.objects.at(-1)?.key], String(limit)).toEqual([1000, true, "k0999"]);
    }
  });

  it("takes any key up to 1024 bytes: traversal, case variants, unicode; never as a path", async () => {
    const dir = dataDir();
    const store = blobStore(dir);
    const keys = ["../../../etc/passwd", "/abs", "Key", "key", "KEY", "dir/./x", "a\\b", "nul\u0000inside", "日本語/ключ/😀", "é".repeat(512)];
    for (const k of keys) await store.put(k, [`body of ${k}`]);
    for (const k of keys) expect(await body(store, k)).toBe(`body of ${k}`);
    expect(existsSync(join(dir, "..", "etc"))).toBe(false);
    expect(files(dir).every((f) => f.startsWith(join(dir, "blobs", "objects")))).toBe(true);
    expect(() => store.head("é".repeat(512) + "x")).toThrow(BlobKeyError);
    await expect(store.put("", ["x"])).rejects.toBeInstanceOf(BlobKeyError);
    await expect(store.put("\ud800", ["x"])).rejects.toBeInstanceOf(BlobKeyError);
  });

  it("finds its objects again after a reopen, and sweeps what an interrupted upload left", async () => {
    const dir = dataDir();
    const first = new BlobStore(dir);
    const expected = digests(300_000, 7);
    await first.put("kept", generated(300_000, 7), { metadata: { a: "b" } });
    first.close();
    // What a crash mid-upload leaves: a temporary file.
    writeFileSync(join(dir, "blobs", "tmp", "deadbeef"), "partial");
    const again = blobStore(dir);
    expect(again.head("kept")).toMatchObject({ size: 300_000, ...expected, metadata: { a: "b" } });
    const got = await again.get("kept");
    const sha = createHash("sha256");
    for await (const c of got!.stream as AsyncIterable<Buffer>) sha.update(c);
    expect(sha.digest("hex")).toBe(expected.sha256);
    expect(existsSync(join(dir, "blobs", "tmp", "deadbeef"))).toBe(false);
  });

  it("keeps an acknowledged object when the process is SIGKILLed right after the put resolves", () => {
    const dir = dataDir();
    const script = join(dir, "put-then-kill.ts");
    writeFileSync(
      script,
      `import { BlobStore } from ${JSON.stringify(resolve(__dirname, "blobs.ts"))};
const store = new BlobStore(${JSON.stringify(dir)});
void store.put("acked", ["durable"]).then(() => process.kill(process.pid, "SIGKILL"));
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: resolve(__dirname, "../.."), encoding: "utf8" });
    expect(run.signal, run.stderr).toBe("SIGKILL");
    const store = blobStore(dir);
    expect(store.head("acked")).toMatchObject({ size: 7 });
    return body(store, "acked").then((b) => expect(b).toBe("durable"));
  });

  it("a temporary blob area disappears at close", async () => {
    const store = BlobStore.temporary();
    await store.put("k", ["x"]);
    expect(existsSync(store.dir)).toBe(true);
    store.close();
    expect(existsSync(store.dir)).toBe(false);
  });
});

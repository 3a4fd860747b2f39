import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache";

describe("createTtlCache", () => {
  it("coalesces concurrent loads of the same key into one", async () => {
    const cache = createTtlCache<number>({ ttlMs: 1000 });
    let loads = 0;
    let release!: (v: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const a = cache.get("k", load);
    const b = cache.get("k", load);
    release(42);
    expect(await Promise.all([a, b])).toEqual([42, 42]);
    expect(loads).toBe(1);
  });

  it("serves from cache within the TTL and reloads after it", async () => {
    let now = 0;
    const cache = createTtlCache<number>({ ttlMs: 100, now: () => now });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    now = 99;
    expect(await cache.get("k", load)).toBe(1);
    now = 100;
    expect(await cache.get("k", load)).toBe(2);
  });

  it("does not cache failures", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1000 });
    await expect(cache.get("k", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => "up")).toBe("up");
  });

  it("keys are independent and the oldest entries are evicted past maxEntries", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1000, maxEntries: 2 });
    await cache.get("a", async () => "A");
    await cache.get("b", async () => "B");
    await cache.get("c", async () => "C");
    expect(cache.size()).toBe(2);
    expect(await cache.get("a", async () => "A2")).toBe("A2");
    expect(await cache.get("c", async () => "C2")).toBe("C");
  });

  it("invalidate detaches a load in flight: its answer is not stored, later callers load afresh", async () => {
    for (const all of [false, true]) {
      const cache = createTtlCache<string>({ ttlMs: 1000 });
      let release!: (v: string) => void;
      const old = cache.get("k", () => new Promise<string>((r) => (release = r)));
      if (all) cache.invalidate();
      else cache.invalidate("k");
      // Arrives after the change: does not join the load that may predate it.
      let fresh!: (v: string) => void;
      const next = cache.get("k", () => new Promise<string>((r) => (fresh = r)));
      release("before");
      expect(await old).toBe("before");
      fresh("after");
      expect(await next).toBe("after");
      expect(await cache.get("k", async () => "reloaded")).toBe("after");
    }
  });

  it("a detached load finishing late neither stores its answer nor drops the fresh load", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1000 });
    let release!: (v: string) => void;
    const old = cache.get("k", () => new Promise<string>((r) => (release = r)));
    cache.invalidate("k");
    let loads = 0;
    let fresh!: (v: string) => void;
    const load = () => {
      loads++;
      return new Promise<string>((r) => (fresh = r));
    };
    const a = cache.get("k", load);
    release("stale");
    await old;
    const b = cache.get("k", load); // still shares the fresh load
    fresh("new");
    expect(await Promise.all([a, b])).toEqual(["new", "new"]);
    expect(loads).toBe(1);
    expect(await cache.get("k", async () => "x")).toBe("new");
  });

  it("a load that throws at once is not kept in flight", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1000 });
    await expect(
      cache.get("k", () => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(await cache.get("k", async () => "ok")).toBe("ok");
  });
});

describe("createTtlCache: a lifetime per load", () => {
  it("keeps each answer for the lifetime its load asked for", async () => {
    let now = 0;
    const cache = createTtlCache<string>({ ttlMs: 100, now: () => now });
    await cache.get("short", async () => "s1", 10);
    await cache.get("long", async () => "l1", 1_000);
    now = 50;
    expect(await cache.get("short", async () => "s2", 10)).toBe("s2");
    expect(await cache.get("long", async () => "l2", 1_000)).toBe("l1");
    now = 999;
    expect(await cache.get("long", async () => "l3", 1_000)).toBe("l1");
  });
});

describe("createTtlCache: what it keeps", () => {
  it("a lifetime of 0 or less stores nothing, and still shares the call in flight", async () => {
    for (const ttlMs of [0, -1]) {
      const cache = createTtlCache<number>({ ttlMs, maxEntries: 2_000 });
      for (let i = 0; i < 50; i++) await cache.get(`k${i}`, async () => i);
      expect(cache.size()).toBe(0);
      let loads = 0;
      let release!: (v: number) => void;
      const load = () => {
        loads++;
        return new Promise<number>((r) => (release = r));
      };
      const a = cache.get("shared", load);
      const b = cache.get("shared", load);
      release(7);
      expect(await Promise.all([a, b])).toEqual([7, 7]);
      expect(loads).toBe(1);
      expect(cache.size()).toBe(0);
      expect(cache.inFlight()).toBe(0);
    }
  });

  it("a load asking for a lifetime of 0 is not stored in a cache that keeps others", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1_000 });
    await cache.get("once", async () => "a", 0);
    await cache.get("kept", async () => "b");
    expect(cache.size()).toBe(1);
    expect(await cache.get("once", async () => "a2", 0)).toBe("a2");
  });

  it("invalidating keys nothing loads leaves nothing behind", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1_000 });
    await cache.get("k", async () => "v");
    for (let i = 0; i < 1_000; i++) cache.invalidate(`gone${i}`);
    cache.invalidate("k");
    expect(cache.size()).toBe(0);
    expect(cache.inFlight()).toBe(0);
  });

  it("a detached load finishing after later loads and invalidations still stores nothing", async () => {
    const cache = createTtlCache<string>({ ttlMs: 1_000 });
    let release!: (v: string) => void;
    const old = cache.get("k", () => new Promise<string>((r) => (release = r)));
    cache.invalidate("k");
    expect(await cache.get("k", async () => "fresh")).toBe("fresh");
    cache.invalidate("k"); // nothing in flight for k but the detached load
    expect(cache.inFlight()).toBe(0);
    release("stale");
    expect(await old).toBe("stale");
    expect(cache.size()).toBe(0);
    expect(await cache.get("k", async () => "reloaded")).toBe("reloaded");
  });
});

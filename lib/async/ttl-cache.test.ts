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
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
import { AppError } from "@/lib/errors";
import { readQuotaConfig } from "./budgets";
import { DEFAULT_QUOTA, ThrottledError, createQuotaGate, retryAfterSeconds, type QuotaConfig } from "./quota-gate";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

const isThrottled = (e: unknown) => e instanceof AppError && e.code === "throttled";
const awsThrottle = () => new AppError("throttled");
const gateWith = (over: Partial<QuotaConfig> = {}) => createQuotaGate({ ...DEFAULT_QUOTA, ...over }, { isThrottled, random: () => 0.5 });

/** A backend whose answers the test releases by hand, counting calls. */
function fakeBackend<T>(answer: (n: number) => T) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: async () => {
      const n = ++calls;
      await new Promise((r) => setTimeout(r, 50));
      return answer(n);
    },
  };
}

const env = (v: Record<string, string>) => v as unknown as NodeJS.ProcessEnv;

describe("readQuotaConfig", () => {
  it("defaults to 10 calls per second and a 5 s cache", () => {
    expect(readQuotaConfig(env({}))).toMatchObject({ ratePerSecond: 10, burst: 10, cacheTtlMs: 5_000 });
  });

  it("reads FLEET_INDEX_RPS and FLEET_INDEX_CACHE_MS", () => {
    expect(readQuotaConfig(env({ FLEET_INDEX_RPS: "2.5", FLEET_INDEX_CACHE_MS: "0" }))).toMatchObject({ ratePerSecond: 2.5, burst: 2, cacheTtlMs: 0 });
    expect(() => readQuotaConfig(env({ FLEET_INDEX_RPS: "0" }))).toThrow(/FLEET_INDEX_RPS/);
    expect(() => readQuotaConfig(env({ FLEET_INDEX_CACHE_MS: "soon" }))).toThrow(/FLEET_INDEX_CACHE_MS/);
  });
});

describe("the quota gate: cache and coalescing", () => {
  it("answers 50 concurrent identical calls with exactly one backend call", async () => {
    const gate = gateWith();
    const backend = fakeBackend((n) => ({ page: n }));
    const all = Promise.all(Array.from({ length: 50 }, () => gate.call("SearchIndex", { queryString: "attributes.os:linux", maxResults: 100 }, backend.run)));
    await vi.advanceTimersByTimeAsync(100);
    const answers = await all;
    expect(backend.calls).toBe(1);
    expect(answers.every((a) => (a.value as { page: number }).page === 1)).toBe(true);
    expect(answers.filter((a) => !a.cached)).toHaveLength(1);
    expect(gate.stats()).toMatchObject({ backendCalls: 1, byOperation: { SearchIndex: 1 }, cacheHits: 49 });
  });

  it("reuses an answer for the cache period, then asks again (at most one call per period)", async () => {
    const gate = gateWith({ cacheTtlMs: 5_000 });
    const backend = fakeBackend((n) => n);
    /** 50 operators refreshing at the same moment. */
    const refresh = async () => {
      const p = Promise.all(Array.from({ length: 50 }, () => gate.call("GetStatistics", { queryString: "a" }, backend.run)));
      await vi.advanceTimersByTimeAsync(60);
      return p;
    };
    const first = await refresh();
    expect(first.filter((r) => !r.cached)).toHaveLength(1);
    // Every second for 20 s (each refresh takes 60 ms, so the ticks are 1.06 s apart).
    for (let t = 0; t < 20; t++) {
      const burst = await refresh();
      expect(new Set(burst.map((b) => b.value)).size).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    // 21 refreshes over 20.2 s with a 5 s period: one backend call per period, no more
    // (at 0, 5.36, 10.66 and 15.96 s: each a refresh after the previous answer expired).
    expect(backend.calls).toBe(4);
    expect(gate.stats().cacheHits).toBe(21 * 50 - 4);
  });

  it("keys on normalised arguments, and keeps different calls apart", async () => {
    const gate = gateWith();
    const backend = fakeBackend((n) => n);
    const p = Promise.all([
      gate.call("SearchIndex", { queryString: "a  b", maxResults: 10 }, backend.run),
      gate.call("SearchIndex", { maxResults: 10, queryString: " a b" }, backend.run),
      gate.call("SearchIndex", { queryString: "a b", maxResults: 20 }, backend.run),
      gate.call("GetCardinality", { queryString: "a b", maxResults: 10 }, backend.run),
    ]);
    await vi.advanceTimersByTimeAsync(100);
    await p;
    expect(backend.calls).toBe(3);
  });

  it("with caching off, still runs every call (exports page through once)", async () => {
    const gate = gateWith();
    const backend = fakeBackend((n) => n);
    const p = Promise.all([
      gate.call("SearchIndex", { queryString: "a" }, backend.run, { cache: false }),
      gate.call("SearchIndex", { queryString: "a" }, backend.run, { cache: false }),
    ]);
    await vi.advanceTimersByTimeAsync(100);
    expect((await p).map((r) => r.cached)).toEqual([false, false]);
    expect(backend.calls).toBe(2);
  });

  it("does not cache failures", async () => {
    const gate = gateWith();
    await expect(gate.call("SearchIndex", { queryString: "a" }, async () => Promise.reject(new AppError("invalid_input")))).rejects.toMatchObject({
      code: "invalid_input",
    });
    expect((await gate.call("SearchIndex", { queryString: "a" }, async () => "ok")).value).toBe("ok");
  });
});

describe("the quota gate: rate limit", () => {
  it("spreads 30 different calls at 10 per second", async () => {
    const gate = gateWith({ maxQueueWaitMs: 5_000 });
    const startedAt: number[] = [];
    const p = Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gate.call("SearchIndex", { queryString: `q${i}` }, async () => {
          startedAt.push(Date.now() - 1_000_000);
          return i;
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(3_000);
    await p;
    expect(startedAt.filter((t) => t < 1_000)).toHaveLength(10 + 9); // burst of 10, then 100 ms apart
    expect(Math.max(...startedAt)).toBe(2_000);
  });

  it("answers throttled (with a Retry-After) instead of queueing for longer than a few seconds", async () => {
    const gate = gateWith({ ratePerSecond: 1, burst: 1, maxQueueWaitMs: 3_000 });
    const calls = Array.from({ length: 6 }, (_, i) => gate.call("SearchIndex", { queryString: `q${i}` }, async () => i).catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(4_000);
    const out = await Promise.all(calls);
    expect(out.slice(0, 4).map((o) => (o as { value: number }).value)).toEqual([0, 1, 2, 3]);
    for (const refused of out.slice(4)) {
      expect(refused).toBeInstanceOf(ThrottledError);
      expect((refused as ThrottledError).code).toBe("throttled");
    }
    expect(retryAfterSeconds(out[4])).toBe(4);
    expect(gate.stats().throttledAnswers).toBe(2);
  });
});

describe("the quota gate: retry on ThrottlingException", () => {
  it("retries with growing, jittered waits and succeeds", async () => {
    const gate = gateWith({ retries: 4, retryBaseMs: 200, retryMaxMs: 2_000 });
    const attempts: number[] = [];
    const p = gate.call("GetBucketsAggregation", { queryString: "*" }, async () => {
      attempts.push(Date.now() - 1_000_000);
      if (attempts.length < 4) throw awsThrottle();
      return "buckets";
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await p).value).toBe("buckets");
    // random() = 0.5: waits of 100, 200, 400 ms (half of 200·2^n).
    expect(attempts).toEqual([0, 100, 300, 700]);
    expect(gate.stats()).toMatchObject({ backendCalls: 4, throttledRetries: 3 });
  });

  it("gives up after the retry budget with a throttled error", async () => {
    const gate = gateWith({ retries: 2 });
    let calls = 0;
    const p = gate
      .call("SearchIndex", { queryString: "a" }, async () => {
        calls++;
        throw awsThrottle();
      })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const err = await p;
    expect(err).toBeInstanceOf(ThrottledError);
    expect(calls).toBe(3);
    expect(retryAfterSeconds(err)).toBe(2);
  });

  it("does not retry other errors", async () => {
    const gate = gateWith();
    let calls = 0;
    await expect(
      gate.call("SearchIndex", { queryString: "a:" }, async () => {
        calls++;
        throw new AppError("invalid_input");
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(calls).toBe(1);
  });

  it("coalesced callers share one retried call", async () => {
    const gate = gateWith();
    let calls = 0;
    const p = Promise.all(
      Array.from({ length: 20 }, () =>
        gate.call("SearchIndex", { queryString: "same" }, async () => {
          if (++calls < 3) throw awsThrottle();
          return "ok";
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await p).every((r) => r.value === "ok")).toBe(true);
    expect(calls).toBe(3);
  });

  it("an aborted uncached call stops retrying", async () => {
    const gate = gateWith();
    const ctrl = new AbortController();
    let calls = 0;
    const p = gate
      .call(
        "SearchIndex",
        { queryString: "a" },
        async () => {
          calls++;
          throw awsThrottle();
        },
        { cache: false, signal: ctrl.signal },
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    ctrl.abort(new Error("gone"));
    expect(((await p) as Error).message).toBe("gone");
    expect(calls).toBe(1);
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds, at least one", () => {
    expect(retryAfterSeconds(new ThrottledError(1))).toBe(1);
    expect(retryAfterSeconds(new ThrottledError(2_001))).toBe(3);
    expect(retryAfterSeconds(new AppError("throttled"))).toBe(1);
  });
});

describe("the quota gate: budgets without a rate, concurrency, per-call lifetime", () => {
  it("with no rate limit, bounds only the calls in flight", async () => {
    const gate = gateWith({ ratePerSecond: null, concurrency: 3 });
    let active = 0;
    let peak = 0;
    const p = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        gate.call("DescribeThing", { thingName: `t${i}` }, async () => {
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 10));
          active--;
          return i;
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(40);
    expect((await p).map((r) => r.value)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it("keeps one call's answer for the lifetime that call asks for", async () => {
    const gate = gateWith({ cacheTtlMs: 5_000 });
    let n = 0;
    const run = async () => ++n;
    expect((await gate.call("GetThingShadow", { t: 1 }, run, { cacheMs: 1_000 })).value).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect((await gate.call("GetThingShadow", { t: 1 }, run, { cacheMs: 1_000 })).value).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await gate.call("GetThingShadow", { t: 1 }, run, { cacheMs: 1_000 })).value).toBe(2);
    gate.forget("GetThingShadow", { t: 1 });
    expect((await gate.call("GetThingShadow", { t: 1 }, run)).value).toBe(3);
  });

  it("words its throttled answers as the budget says", async () => {
    const gate = gateWith({ retries: 0, messages: { throttled: "registry busy" } });
    const err = await gate.call("ListThings", {}, async () => Promise.reject(awsThrottle())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as Error).message).toBe("registry busy");
  });
});

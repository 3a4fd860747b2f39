import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueFullError, createTokenBucket } from "./token-bucket";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** Starts `n` acquisitions and records, per caller, the fake time at which it got its slot. */
function startAll(bucket: ReturnType<typeof createTokenBucket>, n: number) {
  const startedAt: Array<number | undefined> = new Array(n).fill(undefined);
  const order: number[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    bucket.acquire().then(
      () => {
        startedAt[i] = Date.now();
        order.push(i);
      },
      (err: unknown) => err,
    ),
  );
  return { startedAt, order, done };
}

describe("createTokenBucket", () => {
  it("lets a burst through at once, then one call per 1/rate seconds, in FIFO order", async () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 10, maxWaitMs: 10_000 });
    const { startedAt, order, done } = startAll(bucket, 25);
    await vi.advanceTimersByTimeAsync(0);
    expect(startedAt.filter((t) => t === 0)).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(1_500);
    await Promise.all(done);
    // Callers 10..24 start 100 ms apart: 100, 200, ... 1500.
    expect(startedAt.slice(10)).toEqual(Array.from({ length: 15 }, (_, i) => (i + 1) * 100));
    expect(order).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("never exceeds the rate over any one-second window once the burst is spent", async () => {
    const bucket = createTokenBucket({ ratePerSecond: 5, burst: 1, maxWaitMs: 60_000 });
    const { startedAt, done } = startAll(bucket, 30);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(done);
    const times = startedAt as number[];
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);
  });

  it("refills with time, up to the burst size only", async () => {
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 3, maxWaitMs: 10_000 });
    await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire()]);
    expect(bucket.currentWaitMs()).toBe(500);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(bucket.currentWaitMs()).toBe(0);
    const { startedAt, done } = startAll(bucket, 4);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(done);
    expect(startedAt).toEqual([60_000, 60_000, 60_000, 60_500]);
  });

  it("refuses a caller whose wait would exceed maxWaitMs, with the wait it would have had", async () => {
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 1, maxWaitMs: 300 });
    const { done } = startAll(bucket, 4); // 0, 100, 200, 300 ms
    const refused = await bucket.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QueueFullError);
    expect((refused as QueueFullError).retryAfterMs).toBe(400);
    await vi.advanceTimersByTimeAsync(300);
    expect(await Promise.all(done)).toEqual([undefined, undefined, undefined, undefined]);
    // The refusal took no slot: the queue has drained, the next caller waits 100 ms.
    expect(bucket.currentWaitMs()).toBe(100);
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const bucket = createTokenBucket({ ratePerSecond: 1, burst: 1, maxWaitMs: 10_000 });
    await bucket.acquire();
    const ctrl = new AbortController();
    const waiting = bucket.acquire(ctrl.signal).catch((e: unknown) => e);
    ctrl.abort(new Error("client went away"));
    expect(((await waiting) as Error).message).toBe("client went away");
    await expect(bucket.acquire(ctrl.signal)).rejects.toThrow("client went away");
  });

  it("rejects a rate that is not positive", () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, maxWaitMs: 1 })).toThrow(RangeError);
  });
});

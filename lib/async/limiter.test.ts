import { describe, expect, it } from "vitest";
import { createLimiter, LimiterBusyError, mapWithConcurrency, settleWithConcurrency } from "./limiter";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("createLimiter", () => {
  it("never runs more than the limit at once and runs everything", async () => {
    const run = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          active++;
          peak = Math.max(peak, active);
          await tick();
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("frees the slot when a task fails", async () => {
    const run = createLimiter(1);
    await expect(run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(run(async () => "next")).resolves.toBe("next");
  });

  it("rejects a non-positive limit", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });

  it("hands a freed slot to the next waiter, never to a caller that arrives in between", async () => {
    const run = createLimiter(1);
    let active = 0;
    let peak = 0;
    const enter = () => {
      peak = Math.max(peak, ++active);
    };
    let late: Promise<void> | undefined;
    // The first task ends and, in the same tick, someone else asks for a slot.
    const first = run(() => {
      enter();
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          active--;
          resolve();
          queueMicrotask(() => {
            late = run(async () => {
              enter();
              await tick();
              active--;
            });
          });
        }, 1),
      );
    });
    const waiting = run(async () => {
      enter();
      await tick();
      active--;
    });
    await first;
    await waiting;
    await late;
    expect(peak).toBe(1);
  });

  it("with maxQueued, refuses at once what would wait behind that many, and frees nothing it did not take", async () => {
    const run = createLimiter(1, { maxQueued: 2 });
    let release!: () => void;
    const running = run(() => new Promise<void>((r) => (release = r)));
    const queued = [run(async () => "a"), run(async () => "b")];
    await expect(run(async () => "c")).rejects.toBeInstanceOf(LimiterBusyError);
    release();
    await running;
    expect(await Promise.all(queued)).toEqual(["a", "b"]);
    // A refusal took no slot: the limit still lets exactly one through at a time.
    await expect(run(async () => "d")).resolves.toBe("d");
  });
});

describe("mapWithConcurrency / settleWithConcurrency", () => {
  it("keeps input order even when tasks finish out of order", async () => {
    const out = await mapWithConcurrency([30, 1, 10], 3, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms * 2;
    });
    expect(out).toEqual([60, 2, 20]);
  });

  it("reports failures per item without failing the rest", async () => {
    const out = await settleWithConcurrency(["a", "bad", "c"], 2, async (s) => {
      if (s === "bad") throw new Error("no");
      return s.toUpperCase();
    });
    expect(out.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});

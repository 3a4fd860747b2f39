import { describe, expect, it } from "vitest";
import { createLimiter, mapWithConcurrency, settleWithConcurrency } from "./limiter";

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

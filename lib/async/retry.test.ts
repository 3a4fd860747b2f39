import { describe, expect, it } from "vitest";
import { backoffDelayMs, withRetry } from "./retry";

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap (full jitter at its maximum)", () => {
    const max = () => 0.999999;
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelayMs(0, opts, max)).toBe(99);
    expect(backoffDelayMs(1, opts, max)).toBe(199);
    expect(backoffDelayMs(3, opts, max)).toBe(799);
    expect(backoffDelayMs(10, opts, max)).toBe(999);
    expect(backoffDelayMs(3, opts, () => 0)).toBe(0);
  });
});

describe("withRetry", () => {
  const noSleep = { retries: 3, baseMs: 10, maxMs: 100, sleep: async () => {} };

  it("retries retryable errors and returns the eventual result", async () => {
    let calls = 0;
    const out = await withRetry(
      async () => {
        if (++calls < 3) throw new Error("throttled");
        return "ok";
      },
      (e) => (e as Error).message === "throttled",
      noSleep,
    );
    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the retry budget", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error("throttled");
        },
        () => true,
        noSleep,
      ),
    ).rejects.toThrow("throttled");
    expect(calls).toBe(4);
  });

  it("does not retry other errors", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error("not found");
        },
        (e) => (e as Error).message === "throttled",
        noSleep,
      ),
    ).rejects.toThrow("not found");
    expect(calls).toBe(1);
  });

  it("waits the backoff delay between attempts", async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw new Error("x");
        return 1;
      },
      () => true,
      { retries: 5, baseMs: 100, maxMs: 10_000, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([50, 100]);
  });
});

import { describe, expect, it } from "vitest";
import {
  CONNECTIVITY_POLL,
  createPollFailures,
  DRIFT_POLL,
  isRetryingThrottled,
  nextPollMs,
  retryDelayMs,
  retryThrottled,
  SHADOW_POLL,
  THROTTLE_RETRIES,
} from "./poll-policy";

const visible = (failures: number, lastErrorCode: string | null = null) => ({ visible: true, failures, lastErrorCode });

describe("nextPollMs", () => {
  it("polls at the period while reads succeed, and doubles on consecutive failures up to the ceiling", () => {
    const seq = [0, 1, 2, 3, 4, 5, 50].map((f) => nextPollMs(SHADOW_POLL, visible(f, f ? "throttled" : null)));
    expect(seq).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect([0, 1, 2, 3, 4].map((f) => nextPollMs(DRIFT_POLL, visible(f, "unavailable")))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000]);
    expect([0, 1, 4].map((f) => nextPollMs(CONNECTIVITY_POLL, visible(f, "internal")))).toEqual([60_000, 120_000, 600_000]);
  });

  it("stops after a failure that waiting does not fix", () => {
    for (const code of ["unauthenticated", "forbidden", "invalid_input"]) expect(nextPollMs(DRIFT_POLL, visible(1, code)), code).toBe(false);
    // A success since then (no failures counted) polls again.
    expect(nextPollMs(DRIFT_POLL, visible(0, "forbidden"))).toBe(30_000);
    for (const code of ["throttled", "unavailable", "not_found", "internal"]) expect(nextPollMs(DRIFT_POLL, visible(1, code)), code).toBe(60_000);
  });

  it("does not poll while the tab is hidden, whatever the failures", () => {
    expect(nextPollMs(SHADOW_POLL, { visible: false, failures: 0 })).toBe(false);
    expect(nextPollMs(SHADOW_POLL, { visible: false, failures: 3, lastErrorCode: "throttled" })).toBe(false);
    expect(nextPollMs(SHADOW_POLL, { visible: true, failures: 0 })).toBe(5_000);
  });
});

describe("createPollFailures", () => {
  const fail = () => Promise.reject(Object.assign(new Error("throttled"), { code: "throttled" }));
  const ok = () => Promise.resolve("doc");

  it("counts consecutive failed polls across fetches, so the delay backs off to the ceiling", async () => {
    const f = createPollFailures();
    const delays: (number | false)[] = [];
    for (let i = 0; i < 5; i++) {
      await expect(f.track("classic", fail)).rejects.toThrow("throttled");
      delays.push(nextPollMs(SHADOW_POLL, visible(f.count("classic"), "throttled")));
    }
    expect(f.count("classic")).toBe(5);
    expect(delays).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it("resets on a successful poll", async () => {
    const f = createPollFailures();
    await f.track("classic", fail).catch(() => undefined);
    await f.track("classic", fail).catch(() => undefined);
    expect(await f.track("classic", ok)).toBe("doc");
    expect(f.count("classic")).toBe(0);
    await f.track("classic", fail).catch(() => undefined);
    expect(f.count("classic")).toBe(1);
  });

  it("counts per key, and ignores polls the caller cancelled", async () => {
    const f = createPollFailures();
    await f.track("classic", fail).catch(() => undefined);
    expect(f.count("config")).toBe(0);
    const aborted = new AbortController();
    aborted.abort();
    await f.track("config", () => Promise.reject(new DOMException("aborted", "AbortError")), aborted.signal).catch(() => undefined);
    expect(f.count("config")).toBe(0);
    expect(f.count("classic")).toBe(1);
  });
});

describe("retries within one read", () => {
  const err = (code: string) => Object.assign(new Error(code), { code });

  it("retries throttling several times, final errors, missing resources and an unreachable backend never, other failures once", () => {
    expect(retryThrottled(0, err("throttled"))).toBe(true);
    expect(retryThrottled(THROTTLE_RETRIES - 1, err("throttled"))).toBe(true);
    expect(retryThrottled(THROTTLE_RETRIES, err("throttled"))).toBe(false);
    for (const code of ["invalid_input", "forbidden", "unauthenticated", "not_found", "unavailable"]) expect(retryThrottled(0, err(code)), code).toBe(false);
    expect(retryThrottled(0, err("internal"))).toBe(true);
    expect(retryThrottled(1, err("internal"))).toBe(false);
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(retryDelayMs(0, () => 0)).toBe(250);
    expect(retryDelayMs(0, () => 1)).toBe(500);
    expect(retryDelayMs(3, () => 1)).toBe(4000);
    expect(retryDelayMs(20, () => 1)).toBe(10_000);
  });

  it("says 'retrying' only while a throttled query is being fetched again", () => {
    const throttled = { code: "throttled" };
    expect(isRetryingThrottled({ fetchStatus: "fetching", failureCount: 1, failureReason: throttled })).toBe(true);
    expect(isRetryingThrottled({ fetchStatus: "idle", failureCount: 1, failureReason: throttled })).toBe(false);
    expect(isRetryingThrottled({ fetchStatus: "fetching", failureCount: 0, failureReason: null })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { createPollFailures, MAX_POLL_MS, POLL_MS, pollDelayMs, shadowApiUrl, shadowQuerySchema } from "./api";
import { isShadowConflict, shadowFromParam, shadowParam } from "./types";

describe("shadow API contract", () => {
  it("builds the URL for classic and named shadows", () => {
    expect(shadowApiUrl("agent-1", null)).toBe("/api/things/agent-1/shadows");
    expect(shadowApiUrl("a:b", "$cfg")).toBe("/api/things/a%3Ab/shadows?name=%24cfg");
  });

  it("accepts valid shadow names only, and no other parameter", () => {
    expect(shadowQuerySchema.safeParse({ name: "config" }).success).toBe(true);
    expect(shadowQuerySchema.safeParse({}).success).toBe(true);
    expect(shadowQuerySchema.safeParse({ name: "bad name" }).success).toBe(false);
    expect(shadowQuerySchema.safeParse({ name: "x".repeat(65) }).success).toBe(false);
    expect(shadowQuerySchema.safeParse({ other: "1" }).success).toBe(false);
  });

  it("maps the URL's ?shadow= to a shadow name (classic = null)", () => {
    expect(shadowFromParam(null)).toBeNull();
    expect(shadowFromParam("classic")).toBeNull();
    expect(shadowFromParam("config")).toBe("config");
    expect(shadowFromParam("no spaces")).toBeNull();
    expect(shadowParam(null)).toBe("classic");
    expect(shadowParam("config")).toBe("config");
  });

  it("recognises a conflict that carries the current document (as JSON text)", () => {
    expect(isShadowConflict({ code: "conflict", message: "m", currentJson: "null" })).toBe(true);
    expect(isShadowConflict({ code: "conflict", message: "m", currentJson: '{"version":3}' })).toBe(true);
    expect(isShadowConflict({ code: "conflict", message: "m" })).toBe(false);
    // An object would have lost its `__proto__` keys on the way to the browser.
    expect(isShadowConflict({ code: "conflict", message: "m", current: { version: 3 } })).toBe(false);
    expect(isShadowConflict({ code: "throttled", message: "m", currentJson: "null" })).toBe(false);
  });
});

describe("pollDelayMs", () => {
  it("polls every 5 s, backing off on consecutive failures up to a minute", () => {
    expect(pollDelayMs(0)).toBe(POLL_MS);
    expect(pollDelayMs(1)).toBe(10_000);
    expect(pollDelayMs(2)).toBe(20_000);
    expect(pollDelayMs(4)).toBe(MAX_POLL_MS);
    expect(pollDelayMs(50)).toBe(MAX_POLL_MS);
    expect(pollDelayMs(1, "throttled")).toBe(10_000);
  });

  it("stops after a failure that waiting does not fix", () => {
    expect(pollDelayMs(1, "unauthenticated")).toBe(false);
    expect(pollDelayMs(1, "forbidden")).toBe(false);
    expect(pollDelayMs(0, "forbidden")).toBe(POLL_MS);
  });
});

describe("createPollFailures", () => {
  const fail = () => Promise.reject(new Error("throttled"));
  const ok = () => Promise.resolve("doc");

  it("counts consecutive failed polls across fetches, so the delay backs off to a minute", async () => {
    const f = createPollFailures();
    const delays: (number | false)[] = [];
    for (let i = 0; i < 5; i++) {
      await expect(f.track("classic", fail)).rejects.toThrow("throttled");
      delays.push(pollDelayMs(f.count("classic"), "throttled"));
    }
    expect(f.count("classic")).toBe(5);
    expect(delays).toEqual([10_000, 20_000, 40_000, MAX_POLL_MS, MAX_POLL_MS]);
  });

  it("resets on a successful poll", async () => {
    const f = createPollFailures();
    await f.track("classic", fail).catch(() => undefined);
    await f.track("classic", fail).catch(() => undefined);
    expect(await f.track("classic", ok)).toBe("doc");
    expect(f.count("classic")).toBe(0);
    expect(pollDelayMs(f.count("classic"))).toBe(POLL_MS);
    await f.track("classic", fail).catch(() => undefined);
    expect(f.count("classic")).toBe(1);
  });

  it("counts per shadow, and ignores polls the caller cancelled", async () => {
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

import { describe, expect, it } from "vitest";
import { DRIFT_POLL_MS, driftPollInterval } from "./client-api";

describe("driftPollInterval", () => {
  it("keeps polling while things work or may recover", () => {
    expect(driftPollInterval(null)).toBe(DRIFT_POLL_MS);
    expect(driftPollInterval("throttled")).toBe(DRIFT_POLL_MS);
    expect(driftPollInterval("unavailable")).toBe(DRIFT_POLL_MS);
  });

  it("stops after the session ended, the role lost the right, or a bad request", () => {
    expect(driftPollInterval("unauthenticated")).toBe(false);
    expect(driftPollInterval("forbidden")).toBe(false);
    expect(driftPollInterval("invalid_input")).toBe(false);
  });
});

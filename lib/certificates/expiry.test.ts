import { describe, expect, it } from "vitest";
import { daysToExpiry, describeExpiry, expiryState } from "./expiry";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("daysToExpiry", () => {
  it("counts whole days left, rounding down", () => {
    expect(daysToExpiry(iso(NOW + 10 * DAY), NOW)).toBe(10);
    expect(daysToExpiry(iso(NOW + 10 * DAY - 1), NOW)).toBe(9);
    expect(daysToExpiry(iso(NOW + 1000), NOW)).toBe(0);
  });
  it("is negative once expired", () => {
    expect(daysToExpiry(iso(NOW - 1), NOW)).toBe(-1);
    expect(daysToExpiry(iso(NOW - 3 * DAY), NOW)).toBe(-3);
  });
  it("is null without a date", () => {
    expect(daysToExpiry(null, NOW)).toBeNull();
    expect(daysToExpiry("garbage", NOW)).toBeNull();
  });
});

describe("expiryState", () => {
  const from = iso(NOW - 365 * DAY);
  it("warns under 30 days and marks expired at the exact end", () => {
    expect(expiryState({ notBefore: from, notAfter: iso(NOW + 30 * DAY) }, NOW)).toBe("valid");
    expect(expiryState({ notBefore: from, notAfter: iso(NOW + 30 * DAY - 1) }, NOW)).toBe("expiring");
    expect(expiryState({ notBefore: from, notAfter: iso(NOW) }, NOW)).toBe("expired");
    expect(expiryState({ notBefore: from, notAfter: iso(NOW - DAY) }, NOW)).toBe("expired");
  });
  it("knows not-yet-valid and unknown", () => {
    expect(expiryState({ notBefore: iso(NOW + DAY), notAfter: iso(NOW + 400 * DAY) }, NOW)).toBe("not_yet_valid");
    expect(expiryState({ notBefore: null, notAfter: null }, NOW)).toBe("unknown");
  });
  it("takes a custom warning window", () => {
    expect(expiryState({ notBefore: from, notAfter: iso(NOW + 60 * DAY) }, NOW, 90)).toBe("expiring");
  });
});

describe("describeExpiry", () => {
  it("reads naturally", () => {
    expect(describeExpiry(iso(NOW + 12 * DAY + 5), NOW)).toBe("expires in 12 days");
    expect(describeExpiry(iso(NOW + DAY + 5), NOW)).toBe("expires in 1 day");
    expect(describeExpiry(iso(NOW + 60_000), NOW)).toBe("expires within a day");
    expect(describeExpiry(iso(NOW - 3 * DAY - 5), NOW)).toBe("expired 3 days ago");
    expect(describeExpiry(iso(NOW - 5), NOW)).toBe("expired today");
    expect(describeExpiry(iso(NOW + 8439 * DAY + 5), NOW)).toBe("expires in 8,439 days");
  });
});

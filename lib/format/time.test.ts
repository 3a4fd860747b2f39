import { describe, expect, it } from "vitest";
import { formatRelative, formatUtc, formatUtcDate, toMs } from "./time";
import { formatCount, plural } from "./count";

const NOW = Date.parse("2026-11-23T12:00:00Z");

describe("formatUtc", () => {
  it("formats ISO strings and epoch ms identically, in UTC", () => {
    expect(formatUtc("2026-01-02T03:04:05.678Z")).toBe("2026-01-02 03:04:05 UTC");
    expect(formatUtc(Date.parse("2026-01-02T03:04:05Z"))).toBe("2026-01-02 03:04:05 UTC");
    expect(formatUtcDate("2026-01-02T23:59:59+00:00")).toBe("2026-01-02");
  });
  it("shows a dash for missing or invalid values", () => {
    expect(formatUtc(null)).toBe("—");
    expect(formatUtc("nope")).toBe("—");
    expect(toMs("")).toBeNull();
  });
});

describe("formatRelative", () => {
  it("reads past times", () => {
    expect(formatRelative(NOW - 2_000, NOW)).toBe("just now");
    expect(formatRelative(NOW - 59_000, NOW)).toBe("59 s ago");
    expect(formatRelative(NOW - 60_000, NOW)).toBe("1 min ago");
    expect(formatRelative(NOW - 3 * 3600_000 - 59_000, NOW)).toBe("3 h ago");
    expect(formatRelative(NOW - 3 * 86400_000, NOW)).toBe("3 d ago");
    expect(formatRelative(NOW - 90 * 86400_000, NOW)).toBe("3 mo ago");
    expect(formatRelative(NOW - 3 * 365 * 86400_000, NOW)).toBe("3 y ago");
  });
  it("reads future times", () => {
    expect(formatRelative(NOW + 12 * 86400_000, NOW)).toBe("in 12 d");
  });
});

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(plural(1, "thing")).toBe("1 thing");
    expect(plural(2500, "thing")).toBe("2,500 things");
  });
});

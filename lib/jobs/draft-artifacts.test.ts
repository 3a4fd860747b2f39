import { describe, expect, it } from "vitest";
import { artifactKey, artifactKeySchema, completeBody, partCount, partRange, partSizeFor } from "./draft-artifacts";

const MiB = 1024 ** 2;

describe("artifact parts", () => {
  it("uses 8 MiB parts, larger ones only when 10,000 would not hold the file", () => {
    expect(partSizeFor(1)).toBe(8 * MiB);
    expect(partSizeFor(80_000 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(80_001 * MiB)).toBe(9 * MiB);
  });

  it("splits a file into contiguous ranges with a shorter last part", () => {
    const size = 20 * MiB + 5;
    expect(partCount(size, 8 * MiB)).toBe(3);
    expect([1, 2, 3].map((n) => partRange(n, size, 8 * MiB))).toEqual([
      { start: 0, end: 8 * MiB },
      { start: 8 * MiB, end: 16 * MiB },
      { start: 16 * MiB, end: 20 * MiB + 5 },
    ]);
    expect(partCount(0, 8 * MiB)).toBe(1);
  });
});

describe("artifact keys", () => {
  it("names the object by version, time and a cleaned file name", () => {
    expect(artifactKey("agent 7.3.0 (linux).tar.gz", "7.3.0", Date.UTC(2026, 11, 3, 19, 5, 7))).toBe(
      "artifacts/7.3.0/20261203-190507-agent-7.3.0-linux-.tar.gz",
    );
    expect(artifactKey("../../etc/passwd", "", 0)).toBe("artifacts/unversioned/19700101-000000-etc-passwd");
  });

  it("accepts only this console's keys", () => {
    expect(artifactKeySchema.safeParse("artifacts/7.3.0/x.bin").success).toBe(true);
    expect(artifactKeySchema.safeParse("other/x.bin").success).toBe(false);
    expect(artifactKeySchema.safeParse("artifacts/../secrets").success).toBe(false);
    expect(artifactKeySchema.safeParse("artifacts/a b").success).toBe(false);
  });

  it("requires a lowercase hex SHA-256 to complete", () => {
    const body = { key: "artifacts/v/x", uploadId: "u", parts: [{ partNumber: 1, etag: '"e"' }], size: 1 };
    expect(completeBody.safeParse({ ...body, sha256: "a".repeat(64) }).success).toBe(true);
    expect(completeBody.safeParse({ ...body, sha256: "A".repeat(64) }).success).toBe(false);
  });
});

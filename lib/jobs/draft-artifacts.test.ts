import { describe, expect, it } from "vitest";
import {
  artifactKey,
  artifactKeySchema,
  completeBody,
  completionParts,
  expectedPartLength,
  ownerRefusal,
  partCount,
  partRange,
  partRefusal,
  partSizeFor,
  planNewUpload,
  startUploadBody,
  type UploadRecord,
} from "./draft-artifacts";

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
  it("names the object by version, time, a random suffix and a cleaned file name", () => {
    expect(artifactKey("agent 7.3.0 (linux).tar.gz", "7.3.0", Date.UTC(2026, 11, 3, 19, 5, 7), "a1b2c3")).toBe(
      "artifacts/7.3.0/20261203-190507-a1b2c3-agent-7.3.0-linux-.tar.gz",
    );
    expect(artifactKey("../../etc/passwd", "", 0, "ff00")).toBe("artifacts/unversioned/19700101-000000-ff00-etc-passwd");
    // Two uploads of one name in the same second get two keys.
    expect(artifactKey("a.bin", "1", 0, "aaaa")).not.toBe(artifactKey("a.bin", "1", 0, "bbbb"));
  });

  it("accepts only this console's keys", () => {
    expect(artifactKeySchema.safeParse("artifacts/7.3.0/x.bin").success).toBe(true);
    expect(artifactKeySchema.safeParse("other/x.bin").success).toBe(false);
    expect(artifactKeySchema.safeParse("artifacts/../secrets").success).toBe(false);
    expect(artifactKeySchema.safeParse("artifacts/a b").success).toBe(false);
  });

  it("requires a lowercase hex SHA-256 to complete", () => {
    const body = { key: "artifacts/v/x", uploadId: "u" };
    expect(completeBody.safeParse({ ...body, sha256: "a".repeat(64) }).success).toBe(true);
    expect(completeBody.safeParse({ ...body, sha256: "A".repeat(64) }).success).toBe(false);
  });
});

const GiB = 1024 ** 3;

describe("artifact size limit", () => {
  it("accepts up to 5 GiB and refuses one byte more", () => {
    expect(startUploadBody.safeParse({ fileName: "a.bin", size: 5 * GiB }).success).toBe(true);
    const over = startUploadBody.safeParse({ fileName: "a.bin", size: 5 * GiB + 1 });
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toContain("5 GiB");
  });
});

// 20 MiB + 5 bytes in 8 MiB parts: parts 1 and 2 of 8 MiB, part 3 of 4 MiB + 5 bytes.
const upload: UploadRecord = { key: "artifacts/v/k", uploadId: "u1", owner: "alice", size: 20 * MiB + 5, partSize: 8 * MiB, createdAtMs: 0 };

describe("artifact part bounds", () => {
  it("knows each part's exact length and no part past the last", () => {
    expect(expectedPartLength(1, upload.size, upload.partSize)).toBe(8 * MiB);
    expect(expectedPartLength(3, upload.size, upload.partSize)).toBe(4 * MiB + 5);
    expect(expectedPartLength(4, upload.size, upload.partSize)).toBeNull();
    expect(expectedPartLength(0, upload.size, upload.partSize)).toBeNull();
  });

  it("refuses a part number beyond the declared size", () => {
    expect(partRefusal(upload, 4, 8 * MiB)).toBe("This upload has 3 parts: part 4 is not one of them.");
    expect(partRefusal(upload, 10_000, 8 * MiB)).toMatch(/part 10000 is not one of them/);
  });

  it("refuses a part whose length is not that part's", () => {
    expect(partRefusal(upload, 1, 8 * MiB)).toBeNull();
    expect(partRefusal(upload, 3, 4 * MiB + 5)).toBeNull();
    expect(partRefusal(upload, 1, 8 * MiB + 1)).toMatch(/^Part 1 is 8,388,608 bytes; the request declares 8,388,609/);
    expect(partRefusal(upload, 1, 64 * MiB)).not.toBeNull();
    // The last part cannot be padded to a full part either.
    expect(partRefusal(upload, 3, 8 * MiB)).not.toBeNull();
  });

  it("lets only the starter touch an upload", () => {
    expect(ownerRefusal(upload, "alice")).toBeNull();
    expect(ownerRefusal(upload, "ALICE")).toBeNull(); // user names are case-insensitive
    expect(ownerRefusal(upload, "bob")).toMatch(/started by another user/);
    expect(ownerRefusal(upload, null)).toMatch(/started by another user/);
    expect(ownerRefusal(null, "alice")).toMatch(/no record of this upload/);
  });
});

describe("completing an artifact upload", () => {
  const full = [
    { partNumber: 1, etag: '"a"', size: 8 * MiB },
    { partNumber: 2, etag: '"b"', size: 8 * MiB },
    { partNumber: 3, etag: '"c"', size: 4 * MiB + 5 },
  ];

  it("completes with every part when they add up to the declared size", () => {
    expect(completionParts(upload, full)).toEqual({
      ok: true,
      parts: [
        { partNumber: 1, etag: '"a"' },
        { partNumber: 2, etag: '"b"' },
        { partNumber: 3, etag: '"c"' },
      ],
    });
  });

  it("refuses a missing part and says which", () => {
    const r = completionParts(upload, [full[0], full[2]]);
    expect(r).toEqual({ ok: false, message: "S3 holds 12,582,917 of the file's 20,971,525 bytes. Missing or of the wrong size: part 2. Resume the upload." });
  });

  it("refuses a part of the wrong size and a part beyond the last", () => {
    expect(completionParts(upload, [full[0], full[1], { ...full[2], size: 4 * MiB }]).ok).toBe(false);
    expect(completionParts(upload, [...full, { partNumber: 4, etag: '"d"', size: 5 * MiB }]).ok).toBe(false);
  });
});

describe("open uploads per user", () => {
  const day = 24 * 60 * 60 * 1000;
  const at = (createdAtMs: number, n: number): UploadRecord => ({ ...upload, uploadId: `u${n}`, createdAtMs });

  it("allows a new upload below three open ones", () => {
    expect(planNewUpload([at(0, 1), at(0, 2)], 1000)).toEqual({ stale: [], refusal: null });
  });

  it("refuses a fourth open upload", () => {
    expect(planNewUpload([at(0, 1), at(0, 2), at(0, 3)], 1000).refusal).toMatch(/already have 3 unfinished artifact uploads/);
  });

  it("drops uploads older than a day, which frees their slots", () => {
    const now = 10 * day;
    const plan = planNewUpload([at(now - day - 1, 1), at(now - 2 * day, 2), at(now - day + 1, 3)], now);
    expect(plan.stale.map((u) => u.uploadId)).toEqual(["u1", "u2"]);
    expect(plan.refusal).toBeNull();
  });
});

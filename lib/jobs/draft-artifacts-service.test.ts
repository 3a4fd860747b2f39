import { describe, expect, it } from "vitest";
import { openConsoleDb } from "@/lib/db/console-db";
import type { Session } from "@/lib/auth/sessions";
import { findUpload, forgetUpload, openUploadsOf, ownUpload, recordUpload } from "./draft-artifacts-service";
import type { UploadRecord } from "./draft-artifacts";

const rec = (n: number, owner = "alice"): UploadRecord => ({
  key: `artifacts/v/k${n}`,
  uploadId: `u${n}`,
  owner,
  size: 100,
  partSize: 8 * 1024 ** 2,
  createdAtMs: n,
});
const as = (username: string) => ({ username }) as Session;

describe("the artifact upload store", () => {
  it("records an upload with its starter, size and part size", () => {
    const db = openConsoleDb(":memory:");
    expect(recordUpload(db, "bucket", rec(1))).toBe(true);
    expect(findUpload(db, "artifacts/v/k1", "u1")).toEqual(rec(1));
    expect(findUpload(db, "artifacts/v/k1", "other")).toBeNull();
  });

  it("holds at most three open uploads per user, counted per user", () => {
    const db = openConsoleDb(":memory:");
    expect([1, 2, 3].map((n) => recordUpload(db, "b", rec(n)))).toEqual([true, true, true]);
    expect(recordUpload(db, "b", rec(4))).toBe(false);
    expect(recordUpload(db, "b", rec(5, "bob"))).toBe(true);
    forgetUpload(db, "artifacts/v/k1", "u1");
    expect(recordUpload(db, "b", rec(6))).toBe(true);
    expect(openUploadsOf(db, "alice").map((u) => u.uploadId)).toEqual(["u2", "u3", "u6"]);
  });

  it("gives an upload to its starter only", () => {
    const db = openConsoleDb(":memory:");
    recordUpload(db, "b", rec(1));
    expect(ownUpload(db, "artifacts/v/k1", "u1", as("alice")).uploadId).toBe("u1");
    expect(() => ownUpload(db, "artifacts/v/k1", "u1", as("bob"))).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => ownUpload(db, "artifacts/v/k1", "u1", null)).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => ownUpload(db, "artifacts/v/k9", "u9", as("alice"))).toThrow(expect.objectContaining({ code: "not_found" }));
  });
});

import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("package-lock.json", () => {
  it("lists every optional platform package, so `npm ci` accepts it on a fresh clone", () => {
    const out = execFileSync(process.execPath, ["scripts/complete-lockfile.mjs", "--check"], { encoding: "utf8" });
    expect(out).toContain("complete");
  });
});

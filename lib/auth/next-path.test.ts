import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath (?next= after sign-in)", () => {
  it("keeps same-site paths with their query and hash", () => {
    expect(safeNextPath("/things")).toBe("/things");
    expect(safeNextPath("/things?type=linux-agent&size=25")).toBe("/things?type=linux-agent&size=25");
    expect(safeNextPath("/things/agent-0001?tab=groups#x")).toBe("/things/agent-0001?tab=groups#x");
    expect(safeNextPath("/admin/audit?actor=alice%40example.com")).toBe("/admin/audit?actor=alice%40example.com");
  });

  it("refuses anything that could leave the site", () => {
    for (const bad of [
      "https://evil.example/",
      "http://evil.example",
      "//evil.example/things",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "things",
      " /things",
      "",
      "/" + "a".repeat(3000),
    ]) {
      expect(safeNextPath(bad), bad).toBe("/things");
    }
    expect(safeNextPath(undefined)).toBe("/things");
    expect(safeNextPath(["/groups"])).toBe("/things");
  });

  it("does not loop back to sign-in, and drops Next's _rsc parameter", () => {
    expect(safeNextPath("/sign-in?next=/things")).toBe("/things");
    expect(safeNextPath("/groups?_rsc=abc&group=x")).toBe("/groups?group=x");
  });
});

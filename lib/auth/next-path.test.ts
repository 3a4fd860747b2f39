import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath (?next= after sign-in)", () => {
  it("keeps same-site paths with their query and hash", () => {
    expect(safeNextPath("/things")).toBe("/things");
    expect(safeNextPath("/things?type=linux-agent&size=25")).toBe("/things?type=linux-agent&size=25");
    expect(safeNextPath("/things/agent-0001?tab=groups#x")).toBe("/things/agent-0001?tab=groups#x");
    expect(safeNextPath("/admin/audit?actor=alice%40example.com")).toBe("/admin/audit?actor=alice%40example.com");
    expect(safeNextPath("/search?q=attributes.path%3A%2Fvar%2Flog")).toBe("/search?q=attributes.path%3A%2Fvar%2Flog");
    expect(safeNextPath("/groups/a%20b")).toBe("/groups/a%20b");
    expect(safeNextPath("/")).toBe("/");
  });

  it("resolves dot segments the way a browser would, and keeps what stays on the site", () => {
    expect(safeNextPath("/things/../groups")).toBe("/groups");
    expect(safeNextPath("/./things")).toBe("/things");
    expect(safeNextPath("/things/%2e%2e/groups")).toBe("/groups");
  });

  it("refuses anything that could leave the site", () => {
    for (const bad of [
      "https://evil.example/",
      "http://evil.example",
      "//evil.example/things",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "javascript:alert(1)",
      "things",
      " /things",
      "",
      "/" + "a".repeat(3000),
      // Dot segments that normalise to a protocol-relative URL.
      "/.//evil.example",
      "/././/evil.example",
      "/x/..//evil.example",
      "/x/y/../..//evil.example",
      "/..//evil.example",
      "/%2e//evil.example",
      "/%2E%2E//evil.example",
      "/x/%2e%2e//evil.example",
      "/.//evil.example/things?next=/x",
      // Encoded slashes and backslashes that a later decode turns into another origin.
      "/%2fevil.example",
      "/%2F%2Fevil.example",
      "/%5cevil.example",
      "/%5C%5Cevil.example",
      "/%252f%252fevil.example",
      "/%25252f/evil.example",
      // Encoded tabs and newlines, which browsers strip once decoded.
      "/%09/evil.example",
      "/%0a/evil.example",
      "/%0d%0a/evil.example",
      "/.%2f/evil.example",
    ]) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBe("/things");
    }
    expect(safeNextPath(undefined)).toBe("/things");
    expect(safeNextPath(["/groups"])).toBe("/things");
  });

  it("never returns something a browser reads as another origin, whatever it is given", () => {
    const parts = ["/", ".", "..", "\\", "%2f", "%5C", "%2e", "%09", "evil.example", "?", "@"];
    // Every combination of up to four parts: the result is the fallback or starts with a single "/".
    const walk = (prefix: string, depth: number): void => {
      const out = safeNextPath(prefix);
      const decoded = decodeURIComponent(out.replace(/%(?![0-9a-f]{2})/gi, "%25")).replace(/[\t\n\r]/g, "");
      expect(/^\/(?![/\\])/.test(decoded), `${JSON.stringify(prefix)} -> ${JSON.stringify(out)}`).toBe(true);
      expect(new URL(out, "https://console.example").origin).toBe("https://console.example");
      if (depth < 4) for (const p of parts) walk(prefix + p, depth + 1);
    };
    for (const p of parts) walk(p, 1);
  });

  it("is stable: a checked path checks to itself", () => {
    for (const p of ["/things?x=1", "/things/../groups", "/%2e/things", "/a%20b#c"]) {
      const once = safeNextPath(p);
      expect(safeNextPath(once)).toBe(once);
    }
  });

  it("does not loop back to sign-in or into the sign-in flows, and drops Next's _rsc parameter", () => {
    expect(safeNextPath("/sign-in?next=/things")).toBe("/things");
    expect(safeNextPath("/sign-in/")).toBe("/things");
    expect(safeNextPath("/things/../sign-in")).toBe("/things");
    expect(safeNextPath("/%73ign-in")).toBe("/things");
    expect(safeNextPath("/api/auth/oidc/start?next=/x")).toBe("/things");
    expect(safeNextPath("/api/auth/oidc/callback")).toBe("/things");
    expect(safeNextPath("/sign-in-help")).toBe("/sign-in-help");
    expect(safeNextPath("/groups?_rsc=abc&group=x")).toBe("/groups?group=x");
  });
});

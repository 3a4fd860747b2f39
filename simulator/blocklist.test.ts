import { describe, expect, it } from "vitest";
import { checkBlocklist, normalDomain, normalIp, quoteValue } from "./blocklist";

const SHA256 = "a".repeat(64);
const SHA1 = "B".repeat(40);
const MD5 = "0123456789abcdef0123456789abcdef";

describe("blocklist validation", () => {
  it("accepts every kind, normalizes case and counts distinct entries", () => {
    const r = checkBlocklist({
      sha256: [SHA256, SHA256.toUpperCase()],
      sha1: [SHA1],
      md5: [MD5],
      domains: ["Evil.Example.com", "*.bad.example.org", "trailing.example.net."],
      ips: ["203.0.113.7", "198.51.100.0/24", "2001:DB8::1", "2001:db8::/32"],
    });
    expect(r).toEqual({
      ok: true,
      count: 1 + 1 + 1 + 3 + 4,
      entries: {
        sha256: [SHA256],
        sha1: ["b".repeat(40)],
        md5: [MD5],
        domains: ["evil.example.com", "*.bad.example.org", "trailing.example.net"],
        ips: ["203.0.113.7", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32"],
      },
    });
  });

  it("accepts an empty list and missing kinds", () => {
    expect(checkBlocklist({})).toEqual({ ok: true, count: 0, entries: { sha256: [], sha1: [], md5: [], domains: [], ips: [] } });
  });

  it.each([
    [{ sha256: ["a".repeat(63)] }, "entries.sha256[0]"],
    [{ sha256: ["g".repeat(64)] }, "entries.sha256[0]"],
    [{ sha1: [SHA256] }, "entries.sha1[0]"],
    [{ md5: [MD5, 42] }, "entries.md5[1]"],
    [{ domains: ["localhost"] }, "entries.domains[0]"],
    [{ domains: ["-bad.example.com"] }, "entries.domains[0]"],
    [{ domains: ["a..example.com"] }, "entries.domains[0]"],
    [{ domains: ["10.0.0.1"] }, "entries.domains[0]"],
    [{ domains: ["exa mple.com"] }, "entries.domains[0]"],
    [{ ips: ["256.1.1.1"] }, "entries.ips[0]"],
    [{ ips: ["10.0.0.0/33"] }, "entries.ips[0]"],
    [{ ips: ["10.0.0.0/8/8"] }, "entries.ips[0]"],
    [{ ips: ["evil.example.com"] }, "entries.ips[0]"],
    [{ urls: ["http://x"] }, "entries.urls: unknown kind"],
    [{ sha256: SHA256 }, "entries.sha256: must be an array"],
  ])("rejects the whole list for one bad entry: %j", (entries, problem) => {
    const r = checkBlocklist({ sha256: [SHA256], ...entries });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toContain(problem);
  });

  it("names at most three problems", () => {
    const r = checkBlocklist({ md5: ["x", "y", "z", "w", "v"] });
    expect(r).toEqual({ ok: false, problems: expect.arrayContaining([expect.stringContaining("entries.md5[0]")]) });
    if (!r.ok) expect(r.problems).toHaveLength(3);
  });

  it("quotes a bad entry printably: invisible characters as escapes, never half a surrogate pair", () => {
    const r = checkBlocklist({ domains: ["exa\u200bmple.com", `${"\u{1F600}".repeat(100)}.com`, "bad\u0007.com"] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toBe('entries.domains[0]: "exa\\u200bmple.com" is not a host name');
    expect(r.problems[1]).toBe(`entries.domains[1]: "${"\u{1F600}".repeat(64)}"... is not a host name`);
    expect(r.problems[2]).toBe('entries.domains[2]: "bad\\u0007.com" is not a host name');
    for (const p of r.problems) expect(p).not.toMatch(/\p{C}/u);
  });

  it("quotes values that are not strings as JSON, cut at the same length", () => {
    expect(quoteValue(42)).toBe("42");
    expect(quoteValue({ a: "\u200e" })).toBe('{"a":"\\u200e"}');
    expect(quoteValue(Array.from({ length: 100 }, () => 1))).toBe(`[${"1,".repeat(31)}1...`);
    expect(quoteValue("\u{F0000}x")).toBe('"\\u{f0000}x"');
  });

  it("rejects entries that are not an object", () => {
    expect(checkBlocklist([SHA256]).ok).toBe(false);
    expect(checkBlocklist(null).ok).toBe(false);
    expect(checkBlocklist("x").ok).toBe(false);
  });

  it("normalizes domains and IPs", () => {
    expect(normalDomain("*.Example.COM")).toBe("*.example.com");
    expect(normalDomain("*.*.example.com")).toBeUndefined();
    expect(normalDomain(`${"a".repeat(64)}.com`)).toBeUndefined();
    expect(normalIp("::ffff:192.0.2.1")).toBe("::ffff:192.0.2.1");
    expect(normalIp("192.0.2.1/032")).toBe("192.0.2.1/32");
    expect(normalIp("192.0.2.1/")).toBeUndefined();
  });
});

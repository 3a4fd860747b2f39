import { describe, expect, it } from "vitest";
import { cacheKey, canonicalJson, normaliseQuery } from "./cache-key";

describe("normaliseQuery", () => {
  it("trims and collapses whitespace between terms", () => {
    expect(normaliseQuery("  attributes.os:linux \t AND\n  connectivity.connected:false ")).toBe("attributes.os:linux AND connectivity.connected:false");
  });

  it("keeps spacing inside phrases and escaped spaces, and keeps case", () => {
    expect(normaliseQuery('  thingName:"a   b"   Attr:X ')).toBe('thingName:"a   b" Attr:X');
    expect(normaliseQuery("a\\  b")).toBe("a\\  b");
    expect(normaliseQuery('"x\\"  y"  z')).toBe('"x\\"  y" z');
  });

  it("leaves no-break spaces alone (they are part of a term for AWS)", () => {
    expect(normaliseQuery("a\u00a0\u00a0b")).toBe("a\u00a0\u00a0b");
  });
});

describe("cacheKey", () => {
  it("is the same for arguments that mean the same", () => {
    expect(cacheKey("SearchIndex", { queryString: " a  b ", maxResults: 100, nextToken: undefined })).toBe(
      cacheKey("SearchIndex", { maxResults: 100, queryString: "a b" }),
    );
  });

  it("differs by operation and by any argument", () => {
    const base = { queryString: "a", maxResults: 100 };
    expect(cacheKey("SearchIndex", base)).not.toBe(cacheKey("GetStatistics", base));
    expect(cacheKey("SearchIndex", base)).not.toBe(cacheKey("SearchIndex", { ...base, nextToken: "t" }));
    expect(cacheKey("SearchIndex", base)).not.toBe(cacheKey("SearchIndex", { ...base, queryString: "A" }));
  });

  it("sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

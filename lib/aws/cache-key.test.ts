import { describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
import { cacheKey, canonicalJson } from "./cache-key";

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

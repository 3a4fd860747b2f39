import { describe, expect, it } from "vitest";
import { flattenPages, nextTokenParam, normalizeToken } from "./paging";

describe("token handling", () => {
  it("treats empty and missing tokens as the end", () => {
    expect(normalizeToken("")).toBeNull();
    expect(normalizeToken(undefined)).toBeNull();
    expect(normalizeToken("abc")).toBe("abc");
  });
  it("accepts AWS-looking tokens and rejects junk", () => {
    expect(nextTokenParam.safeParse("AQICAHh+/=abc").success).toBe(true);
    expect(nextTokenParam.safeParse(undefined).success).toBe(true);
    expect(nextTokenParam.safeParse("has space").success).toBe(false);
    expect(nextTokenParam.safeParse("x".repeat(8193)).success).toBe(false);
  });
});

describe("flattenPages", () => {
  it("keeps order and drops items repeated across pages", () => {
    const pages = [{ t: ["a", "b"] }, { t: ["b", "c"] }, { t: [] }];
    expect(
      flattenPages(
        pages,
        (p) => p.t,
        (x) => x,
      ),
    ).toEqual(["a", "b", "c"]);
  });
});

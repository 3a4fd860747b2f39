import { describe, expect, it } from "vitest";
import { updatePageRows } from "./page-rows";

type Page = { items: string[] };
const items = (p: Page) => p.items;
const key = (s: string) => s;

describe("updatePageRows", () => {
  it("appends only the new pages, dropping repeats", () => {
    const p1 = { items: ["a", "b"] };
    const p2 = { items: ["b", "c"] };
    const s1 = updatePageRows(null, [p1], items, key);
    expect(s1.rows).toEqual(["a", "b"]);
    const s2 = updatePageRows(s1, [p1, p2], items, key);
    expect(s2.rows).toEqual(["a", "b", "c"]);
    expect(s2.rows).not.toBe(s1.rows);
    expect(s1.rows).toEqual(["a", "b"]); // the previous result is left as it was
  });

  it("returns the same result for the same pages, and starts over when the pages changed", () => {
    const p1 = { items: ["a"] };
    const s1 = updatePageRows(null, [p1], items, key);
    expect(updatePageRows(s1, [p1], items, key)).toBe(s1);
    const fresh = { items: ["x", "a"] };
    expect(updatePageRows(s1, [fresh], items, key).rows).toEqual(["x", "a"]);
    expect(updatePageRows(s1, [], items, key).rows).toEqual([]);
  });

  it("reads each page once while 100k rows load over 1,000 pages", () => {
    const pages: Page[] = Array.from({ length: 1000 }, (_, i) => ({ items: Array.from({ length: 100 }, (_, k) => `t${i * 100 + k}`) }));
    let reads = 0;
    const counted = (p: Page) => {
      reads++;
      return p.items;
    };
    let state = null as ReturnType<typeof updatePageRows<Page, string>> | null;
    for (let n = 1; n <= pages.length; n++) state = updatePageRows(state, pages.slice(0, n), counted, key);
    expect(state!.rows).toHaveLength(100_000);
    expect(reads).toBe(1000);
  });
});

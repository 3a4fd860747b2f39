import { describe, expect, it } from "vitest";
import { nestingOf, nestsDeeperThan } from "./nesting";

const objects = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`);
const arrays = (levels: number) => JSON.parse(`${"[".repeat(levels)}1${"]".repeat(levels)}`);

describe("nesting of parsed JSON", () => {
  it("counts containers: a scalar is 0, {} and [] are 1", () => {
    expect(nestingOf(1)).toBe(0);
    expect(nestingOf(null)).toBe(0);
    expect(nestingOf({})).toBe(1);
    expect(nestingOf([])).toBe(1);
    expect(nestingOf({ a: [{ b: 1 }], c: 2 })).toBe(3);
    expect(nestingOf(JSON.parse('{"__proto__":{"x":{"y":1}}}'))).toBe(3);
  });

  it("says whether a value nests deeper than a limit", () => {
    expect(nestsDeeperThan({ a: { b: 1 } }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: { b: {} } }, 2)).toBe(true);
    expect(nestsDeeperThan([[], [1]], 2)).toBe(false);
    expect(nestsDeeperThan([[], [[]]], 2)).toBe(true);
    expect(nestsDeeperThan("x", 0)).toBe(false);
    // A key named __proto__ is an own key like any other.
    expect(nestsDeeperThan(JSON.parse('{"__proto__":{"x":{"y":1}}}'), 2)).toBe(true);
  });

  it("measures documents far deeper than the call stack allows", () => {
    // JSON.parse copes with them; recursion does not (this is why the walk has its own stack).
    const deep = arrays(1_000_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(nestsDeeperThan(deep, 6)).toBe(true);
    expect(nestingOf(deep)).toBe(1_000_000);
    expect(nestingOf(objects(100_000))).toBe(100_000);
    expect(nestsDeeperThan(objects(100_000), 100_000)).toBe(false);
  });
});

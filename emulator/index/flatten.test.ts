import { describe, expect, it } from "vitest";
import { flattenJson, mergeValues, sameValue, type PathNode, type Value } from "./flatten";

/** A path tree that records full names. */
function collect(obj: Record<string, unknown>): Array<[string, Value]> {
  const out: Array<[string, Value]> = [];
  const node = (path: string): PathNode & { path: string } => ({ path, child: (k: string) => node(path ? `${path}.${k}` : k) });
  flattenJson(obj, node(""), (n, v) => out.push([(n as unknown as { path: string }).path, v]));
  return out;
}

describe("flattenJson (fleet indexing's rules for shadow documents)", () => {
  it("flattens nested objects with dots and keeps scalars of every type", () => {
    expect(collect({ a: { b: { c: "x" } }, n: 1.5, t: true })).toEqual([
      ["a.b.c", "x"],
      ["n", 1.5],
      ["t", true],
    ]);
  });

  it("names a dotted key and the nested form the same field", () => {
    expect(collect({ one: { two: { three: "v1" } }, "one.two.three": "v2" })).toEqual([
      ["one.two.three", "v1"],
      ["one.two.three", "v2"],
    ]);
  });

  it("indexes arrays of scalars, but not arrays holding objects or arrays, nor null or empty arrays", () => {
    expect(collect({ nums: [1, 2], mixed: ["a", 1, false], objs: [{ a: 1 }], nested: [[1]], nothing: null, empty: [] })).toEqual([
      ["nums", [1, 2]],
      ["mixed", ["a", 1, false]],
    ]);
  });

  it("compares and merges field values", () => {
    expect(sameValue([1, 2], [1, 2])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue("a", "a")).toBe(true);
    expect(sameValue(undefined, "a")).toBe(false);
    expect(mergeValues("a", ["b", "c"])).toEqual(["a", "b", "c"]);
  });
});

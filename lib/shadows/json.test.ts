import { describe, expect, it } from "vitest";
import { deepestPath, depthOf, formatPath, jsonBytes, pathsOverlap, previewValue } from "./json";

describe("json helpers", () => {
  it("formats paths for people", () => {
    expect(formatPath(["policy", "mode"])).toBe("policy.mode");
    expect(formatPath(["tags", "1"])).toBe("tags[1]");
    expect(formatPath(["a.b", "c"])).toBe('["a.b"].c');
    expect(formatPath(["with space"])).toBe('["with space"]');
    expect(formatPath([])).toBe("(root)");
  });

  it("measures nesting and finds the deepest point", () => {
    expect(depthOf(1)).toBe(0);
    expect(depthOf({})).toBe(1);
    expect(depthOf({ a: [{ b: 1 }] })).toBe(3);
    expect(deepestPath({ x: 1, a: { b: { c: 1 } }, d: { e: 1 } })).toEqual(["a", "b"]);
  });

  it("counts UTF-8 bytes of the JSON text", () => {
    expect(jsonBytes({ a: "€" })).toBe(JSON.stringify({ a: "€" }).length + 2);
    expect(jsonBytes(null)).toBe(0);
  });

  it("tells whether paths overlap (one inside the other)", () => {
    expect(pathsOverlap(["a"], ["a", "b"])).toBe(true);
    expect(pathsOverlap(["a", "b"], ["a", "c"])).toBe(false);
  });

  it("previews values on one line", () => {
    expect(previewValue(undefined)).toBe("—");
    expect(previewValue("x".repeat(100), 10)).toBe(`"${"x".repeat(8)}…`);
  });
});

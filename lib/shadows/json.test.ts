import { describe, expect, it } from "vitest";
import { deepestPath, depthOf, formatPath, jsonBytes, MAX_WALKED_NESTING, pathsOverlap, previewValue, shareUnchanged, tooDeepToWalk } from "./json";
import type { JsonObject } from "./types";

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

  it("measures any depth without recursion, and says when a value is too deep to walk", () => {
    const deep = JSON.parse(`${"[".repeat(100_000)}1${"]".repeat(100_000)}`);
    expect(depthOf(deep)).toBe(100_000);
    expect(tooDeepToWalk(deep)).toBe(true);
    const nest = (levels: number): JsonObject => (levels === 1 ? { leaf: 1 } : { n: nest(levels - 1) });
    expect(tooDeepToWalk(nest(MAX_WALKED_NESTING))).toBe(false);
    expect(tooDeepToWalk(nest(MAX_WALKED_NESTING + 1))).toBe(true);
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

describe("shareUnchanged (react-query's structural sharing)", () => {
  const parse = (text: string) => JSON.parse(text) as JsonObject;

  it("keeps keys named __proto__ when something beside them changed", () => {
    const prev = parse('{"document":{"desired":{"__proto__":{"x":1},"a":1},"timestampMs":1}}');
    const next = parse('{"document":{"desired":{"__proto__":{"x":1},"a":2},"timestampMs":2}}');
    const shared = shareUnchanged(prev, next) as { document: { desired: JsonObject } };
    expect(Object.keys(shared.document.desired)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(shared.document.desired)).toBe(Object.prototype);
    expect(JSON.stringify(shared)).toBe(JSON.stringify(next));
    // The unchanged subtree is the one already held.
    expect(shared.document.desired.__proto__).toBe((prev.document as { desired: JsonObject }).desired.__proto__);
  });

  it("keeps a key named __proto__ that is new, or holds a scalar", () => {
    const shared = shareUnchanged(parse('{"a":1}'), parse('{"a":1,"__proto__":5}'));
    expect(JSON.stringify(shared)).toBe('{"a":1,"__proto__":5}');
  });

  it("answers the previous value when nothing changed, and shares what did not", () => {
    const prev = parse('{"a":{"b":[1,2]},"c":{"d":1}}');
    expect(shareUnchanged(prev, parse('{"a":{"b":[1,2]},"c":{"d":1}}'))).toBe(prev);
    const next = parse('{"a":{"b":[1,2]},"c":{"d":2}}');
    const shared = shareUnchanged(prev, next);
    expect(shared).toEqual(next);
    expect(shared.a).toBe(prev.a);
    expect(shared.c).not.toBe(prev.c);
    // A key gone, or a key added, is a change.
    expect(shareUnchanged(prev, parse('{"a":{"b":[1,2]}}'))).toEqual({ a: { b: [1, 2] } });
    expect(shareUnchanged(parse('{"a":[1]}'), parse('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
    expect(shareUnchanged(undefined, next)).toBe(next);
  });
});

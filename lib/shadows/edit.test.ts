import { describe, expect, it } from "vitest";
import { applyPatch, checkDesiredEdit, describePatch, desiredText, diffDesired, markRemoved, nullInArray } from "./edit";
import type { JsonObject } from "./types";

describe("diffDesired", () => {
  const base = { policy: { mode: "detect", scan: 60 }, blocklist: { version: 1041 }, tags: ["a"] };

  it("is empty when nothing changed", () => {
    expect(diffDesired(base, structuredClone(base))).toEqual({});
  });

  it("sends changed leaves with their path, arrays whole", () => {
    expect(diffDesired(base, { ...base, policy: { mode: "prevent", scan: 60 }, tags: ["a", "b"] })).toEqual({ policy: { mode: "prevent" }, tags: ["a", "b"] });
  });

  it("removes keys deleted from the text, or set to null", () => {
    expect(diffDesired(base, { policy: { mode: "detect" }, blocklist: null, tags: ["a"] } as JsonObject)).toEqual({ policy: { scan: null }, blocklist: null });
  });

  it("adds new keys, without nulls that would remove nothing", () => {
    expect(diffDesired(base, { ...base, config: { logLevel: "info", old: null } } as JsonObject)).toEqual({ config: { logLevel: "info" } });
    expect(diffDesired(base, { ...base, ghost: null } as JsonObject)).toEqual({});
  });

  it("treats an emptied object as removing it", () => {
    expect(diffDesired(base, { ...base, blocklist: {} })).toEqual({ blocklist: { version: null } });
    expect(diffDesired({ a: 1 }, { a: { old: null } } as JsonObject)).toEqual({ a: null });
  });

  it("sends {} typed over a value that is not an object, or as a new key: AWS stores it as written", () => {
    expect(diffDesired({ a: 1 }, { a: {} })).toEqual({ a: {} });
    expect(diffDesired({ a: [1] }, { a: {} })).toEqual({ a: {} });
    expect(diffDesired({ a: 1 }, { a: 1, b: {} })).toEqual({ b: {} });
    expect(diffDesired({}, { c: { d: {}, e: null } } as JsonObject)).toEqual({ c: { d: {} } });
    expect(applyPatch({ a: 1 }, diffDesired({ a: 1 }, { a: {} }))).toEqual({ a: {} });
    expect(describePatch({ a: 1 }, { a: {}, b: {} })).toEqual([
      { path: ["a"], kind: "change", before: 1, after: {} },
      { path: ["b"], kind: "add", after: {} },
    ]);
  });

  it("replaces a scalar with an object, and an object with a scalar", () => {
    expect(diffDesired({ a: 1 }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
    expect(diffDesired({ a: { b: 2 } }, { a: 1 })).toEqual({ a: 1 });
  });

  it("starts from nothing for a shadow that does not exist", () => {
    expect(diffDesired(null, { a: 1 })).toEqual({ a: 1 });
  });
});

describe("applyPatch (AWS's merge)", () => {
  it("merges objects, removes nulls, replaces arrays and drops emptied objects", () => {
    const section = { policy: { mode: "detect", scan: 60 }, tags: ["a", "b"], x: { y: 1 } };
    expect(applyPatch(section, { policy: { mode: "prevent" }, tags: ["c"], x: { y: null }, n: 1 })).toEqual({
      policy: { mode: "prevent", scan: 60 },
      tags: ["c"],
      n: 1,
    });
    expect(section.policy.mode).toBe("detect");
  });

  it("returns null for a section left empty", () => {
    expect(applyPatch({ a: 1 }, { a: null })).toBeNull();
    expect(applyPatch(null, {})).toBeNull();
  });

  it("is the inverse of diffDesired", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: "x", e: { f: { g: true } } };
    const edited = { a: { b: 2, c: [1, 2] }, e: { f: { g: true, h: 0 } }, i: [] };
    expect(applyPatch(base, diffDesired(base, edited))).toEqual(edited);
  });
});

describe("describePatch", () => {
  it("lists adds (leaf by leaf), changes and removals with their values", () => {
    const base = { policy: { mode: "detect" }, old: 3 };
    expect(describePatch(base, { policy: { mode: "prevent" }, old: null, fresh: { a: 1 } })).toEqual([
      { path: ["policy", "mode"], kind: "change", before: "detect", after: "prevent" },
      { path: ["old"], kind: "remove", before: 3 },
      { path: ["fresh", "a"], kind: "add", after: 1 },
    ]);
  });
});

describe("checkDesiredEdit", () => {
  const base = { desired: { policy: { mode: "detect" } }, reported: { policy: { mode: "detect" } } };

  it("accepts a valid edit and says what it changes", () => {
    const c = checkDesiredEdit('{ "policy": { "mode": "prevent" } }', base);
    expect(c.ok).toBe(true);
    expect(c.patch).toEqual({ policy: { mode: "prevent" } });
    expect(c.changes).toEqual([{ path: ["policy", "mode"], kind: "change", before: "detect", after: "prevent" }]);
    expect(c.bytes).toBe(JSON.stringify({ policy: { mode: "prevent" } }).length * 1 + JSON.stringify(base.reported).length);
    expect(c.depth).toBe(2);
  });

  it("has nothing to send when the text equals the base", () => {
    const c = checkDesiredEdit(desiredText(base.desired), base);
    expect(c.ok).toBe(true);
    expect(c.patch).toBeNull();
    expect(c.changes).toEqual([]);
  });

  it("refuses text that is not JSON, or not an object", () => {
    expect(checkDesiredEdit("{ policy: 1 }", base).errors[0].message).toMatch(/^Not valid JSON/);
    expect(checkDesiredEdit("", base).errors[0].message).toMatch(/^Empty/);
    expect(checkDesiredEdit("[1]", base).errors[0].message).toMatch(/must be a JSON object/);
    expect(checkDesiredEdit("null", base).ok).toBe(false);
  });

  it("refuses null inside an array, naming where", () => {
    const c = checkDesiredEdit('{ "list": [1, null] }', base);
    expect(c.ok).toBe(false);
    expect(c.errors[0]).toMatchObject({ path: ["list", "1"] });
    expect(c.errors[0].message).toMatch(/^list\[1\]: arrays may not contain null/);
    expect(c.patch).toBeNull();
  });

  it("refuses more than 6 levels of nesting, counting desired itself", () => {
    const sixLevels = '{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}';
    expect(checkDesiredEdit(sixLevels, base)).toMatchObject({ ok: true, depth: 6 });
    const seven = '{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}';
    const c = checkDesiredEdit(seven, base);
    expect(c.ok).toBe(false);
    expect(c.depth).toBe(7);
    expect(c.errors[0].message).toMatch(/a\.b\.c\.d\.e\.f is 7 levels deep.*at most 6/);
  });

  it("counts arrays as a level of nesting", () => {
    expect(checkDesiredEdit('{"a":{"b":{"c":{"d":{"e":[[1]]}}}}}', base).depth).toBe(7);
  });

  it("refuses an update that would take desired + reported over 8 KB after the merge", () => {
    const big = { reported: { blob: "x".repeat(8000) }, desired: { a: 1 } };
    const ok = checkDesiredEdit(JSON.stringify({ a: 2 }), big);
    expect(ok.ok).toBe(true);
    const c = checkDesiredEdit(JSON.stringify({ a: 1, more: "y".repeat(200) }), big);
    expect(c.ok).toBe(false);
    expect(c.bytes).toBeGreaterThan(8192);
    expect(c.errors[0].message).toMatch(/Too large: desired \+ reported would be [\d,]+ bytes.*8,192/);
  });

  it("counts bytes in UTF-8", () => {
    const c = checkDesiredEdit(JSON.stringify({ s: "é" }), { desired: null, reported: null });
    expect(c.bytes).toBe(JSON.stringify({ s: "é" }).length + 1);
  });

  it("lets removing keys shrink a document that is over the limit", () => {
    const over = { desired: { big: "x".repeat(9000) }, reported: null };
    expect(checkDesiredEdit("{}", over)).toMatchObject({ ok: true, patch: { big: null } });
  });

  it("warns about null for a key that does not exist", () => {
    const c = checkDesiredEdit('{ "policy": { "mode": "detect" }, "nope": null }', base);
    expect(c.ok).toBe(true);
    expect(c.warnings[0]).toMatchObject({ path: ["nope"] });
    expect(c.patch).toBeNull();
  });
});

describe("nullInArray", () => {
  it("finds nulls in arrays at any depth, not null values of keys", () => {
    expect(nullInArray({ a: null })).toBeNull();
    expect(nullInArray({ a: [{ b: [1, null] }] })).toEqual(["a", "0", "b", "1"]);
  });
});

describe("markRemoved", () => {
  it("sets the key to null in the text, creating parents that were deleted", () => {
    expect(JSON.parse(markRemoved('{"policy":{"mode":"x","scan":1}}', ["policy", "mode"])!)).toEqual({ policy: { mode: null, scan: 1 } });
    expect(JSON.parse(markRemoved("{}", ["policy", "mode"])!)).toEqual({ policy: { mode: null } });
  });

  it("gives up on text that is not an object, or holds another value on the way", () => {
    expect(markRemoved("{ nope", ["a"])).toBeNull();
    expect(markRemoved('{"a": 1}', ["a", "b"])).toBeNull();
  });
});

describe("keys named __proto__, constructor and prototype", () => {
  // Parsed from text: in an object literal `__proto__` would set the prototype, not a key.
  const parse = (text: string) => JSON.parse(text) as JsonObject;
  const base = parse('{"__proto__":{"mode":"detect","scan":60},"constructor":1}');

  it("are diffed, merged and described like any other key", () => {
    const edited = parse('{"__proto__":{"mode":"prevent","scan":60},"prototype":[1]}');
    const patch = diffDesired(base, edited);
    expect(JSON.stringify(patch)).toBe('{"__proto__":{"mode":"prevent"},"prototype":[1],"constructor":null}');
    expect(describePatch(base, patch)).toEqual([
      { path: ["__proto__", "mode"], kind: "change", before: "detect", after: "prevent" },
      { path: ["prototype"], kind: "add", after: [1] },
      { path: ["constructor"], kind: "remove", before: 1 },
    ]);
    const merged = applyPatch(base, patch)!;
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"mode":"prevent","scan":60},"prototype":[1]}');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it("are checked and sent from the editor, and removed with Remove", () => {
    const c = checkDesiredEdit('{"__proto__":{"mode":"prevent","scan":60},"constructor":1}', { desired: base, reported: null });
    expect(c.ok).toBe(true);
    expect(JSON.stringify(c.patch)).toBe('{"__proto__":{"mode":"prevent"}}');
    expect(c.changes).toEqual([{ path: ["__proto__", "mode"], kind: "change", before: "detect", after: "prevent" }]);
    expect(desiredText(base)).toContain('"__proto__"');
    expect(markRemoved(desiredText(base), ["__proto__", "scan"])).toBe(
      JSON.stringify(parse('{"__proto__":{"mode":"detect","scan":null},"constructor":1}'), null, 2),
    );
    expect(markRemoved("{}", ["__proto__"])).toBe('{\n  "__proto__": null\n}');
  });
});

describe("text nested far deeper than AWS allows", () => {
  const deepObjects = (levels: number) => `{"a":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`;
  const deepArrays = (levels: number) => `{"a":${"[".repeat(levels)}1${"]".repeat(levels)}}`;

  it.each([10_000, 1_000_000])("is refused for its nesting (%i levels), without walking it", (levels) => {
    for (const text of [deepObjects(levels), deepArrays(levels)]) {
      const c = checkDesiredEdit(text, { desired: { a: 1 }, reported: null });
      expect(c.ok).toBe(false);
      expect(c.patch).toBeNull();
      expect(c.depth).toBe(levels + 1);
      expect(c.errors).toEqual([
        {
          message: `Nested too deeply: the text nests ${(levels + 1).toLocaleString("en-US")} levels, counting “desired” itself as 1. AWS IoT allows at most 6.`,
        },
      ]);
      expect(markRemoved(text, ["a"])).toBeNull();
    }
  });

  it("is still explained with its path when it is merely too deep for AWS", () => {
    const c = checkDesiredEdit(deepObjects(20), { desired: null, reported: null });
    expect(c.depth).toBe(21);
    expect(c.errors[0].message).toMatch(/^Nested too deeply: a\.a\.a.* is 21 levels deep/);
  });
});

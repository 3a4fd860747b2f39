import { describe, expect, it } from "vitest";
import { forEachBit, newBits } from "./bitset";
import { compileQuery, type Compiled } from "./evaluate";
import type { Value } from "./flatten";
import { FieldIndex } from "./postings";
import { MAX_VALUES } from "./value-bitsets";

/** The documents of one field matching `f:<expr>` (the field is called f). */
function search(field: FieldIndex, expr: string): number[] {
  const c = compileQuery(`f${expr}`, () => null) as Extract<Compiled, { kind: "match" }>;
  const out = newBits(8192);
  field.match(c.cond, out);
  const docs: number[] = [];
  forEachBit(out, (d) => docs.push(d));
  return docs;
}

function fieldOf(values: Array<Value | undefined>, loading = true): FieldIndex {
  const f = new FieldIndex("f", "test", true, 16, loading);
  values.forEach((v, doc) => {
    if (v === undefined) return;
    if (loading) f.load(doc, v);
    else f.set(doc, v);
  });
  if (loading) f.finishLoad();
  return f;
}

// Both forms of postings answer the same: a field with few values (per-value bitsets) and
// the same values plus enough distinct ones to need sorted runs.
const base: Array<Value | undefined> = [
  "Linux",
  "linux",
  "Windows",
  "75",
  80,
  76.5,
  true,
  ["pci", "critical"],
  undefined,
  "abcd",
  "abce",
  "abcg",
  "ab",
  "-3",
  "007",
];
const padding = Array.from({ length: MAX_VALUES + 5 }, (_, i) => `zz-${String(i).padStart(3, "0")}`);
const forms: Array<[string, () => FieldIndex]> = [
  ["per-value bitsets", () => fieldOf(base)],
  ["sorted runs", () => fieldOf([...base, ...padding])],
  ["built by updates", () => fieldOf(base, false)],
];

describe.each(forms)("FieldIndex with %s", (_, make) => {
  it("matches text case-insensitively and numbers however they are written", () => {
    const f = make();
    expect(search(f, ":linux")).toEqual([0, 1]);
    expect(search(f, ":LINUX")).toEqual([0, 1]);
    expect(search(f, ":75")).toEqual([3]);
    expect(search(f, ":75.0")).toEqual([3]);
    expect(search(f, ":80")).toEqual([4]);
    expect(search(f, ':"80"')).toEqual([4]);
    expect(search(f, ":true")).toEqual([6]);
    expect(search(f, ":pci")).toEqual([7]);
    expect(search(f, ":007")).toEqual([14]);
    expect(search(f, ":7")).toEqual([]);
  });

  it("ranges: numeric on numbers (numeric strings included), textual on quoted bounds", () => {
    const f = make();
    expect(search(f, ":[75 TO 80]")).toEqual([3, 4, 5]);
    expect(search(f, ":{75 TO 80}")).toEqual([5]);
    expect(search(f, "<0")).toEqual([13]);
    expect(search(f, ">=76.5")).toEqual([4, 5]);
    expect(search(f, ':["abcd" TO "abcf"]')).toEqual([9, 10]);
    // Text order: linux, windows, true, pci/critical, abce, abcg are after "abcd".
    expect(search(f, ":{abcd TO *]").filter((d) => d < base.length)).toEqual([0, 1, 2, 6, 7, 10, 11]);
  });

  it("prefixes and wildcards over text", () => {
    const f = make();
    expect(search(f, ":ab*")).toEqual([9, 10, 11, 12]);
    expect(search(f, ":abc?")).toEqual([9, 10, 11]);
    expect(search(f, ":a*e")).toEqual([10]);
    expect(search(f, ":*ows")).toEqual([2]);
    expect(search(f, ":crit*")).toEqual([7]);
  });

  it("follows updates: changed, added and removed values", () => {
    const f = make();
    const before = f.count;
    expect(search(f, ":linux")).toEqual([0, 1]);
    f.set(1, "macos");
    f.set(2000, "LINUX");
    f.set(0, undefined);
    f.set(3, 99);
    expect(search(f, ":linux")).toEqual([2000]);
    expect(search(f, ":macos")).toEqual([1]);
    expect(search(f, ":[90 TO 100]")).toEqual([3]);
    expect(f.get(0)).toBeUndefined();
    expect(f.has(0)).toBe(false);
    expect(f.get(3)).toBe(99);
    expect(f.count).toBe(before); // one added, one removed
  });
});

describe("FieldIndex forms", () => {
  it("keeps per-value bitsets for few values and switches to runs when a value too many arrives", () => {
    const f = fieldOf(Array.from({ length: MAX_VALUES }, (_, i) => `v${i}`));
    expect(f.form).toBe("bitsets");
    f.set(MAX_VALUES, "one-more");
    expect(f.form).toBe("runs");
    expect(search(f, ":one-more")).toEqual([MAX_VALUES]);
    expect(search(f, ":v1*")).toEqual([1, ...Array.from({ length: 10 }, (_, i) => 10 + i)]);
  });

  it("counts matching documents per value for aggregations (bitsets only)", () => {
    const f = fieldOf(["a", "b", "a", ["a", "c"]]);
    const all = newBits(64);
    for (let d = 0; d < 4; d++) all[0] |= 1 << d;
    expect(new Map(f.histogram(all))).toEqual(
      new Map([
        ["a", 3],
        ["b", 1],
        ["c", 1],
      ]),
    );
    expect(fieldOf([...base, ...padding]).histogram(all)).toBeNull();
  });

  it("rebuilds stale runs after many changes and still answers right", () => {
    const f = fieldOf(Array.from({ length: 3000 }, (_, i) => `name-${i}`));
    expect(f.form).toBe("runs");
    expect(search(f, ":name-42")).toEqual([42]);
    for (let d = 0; d < 3000; d++) f.set(d, `renamed-${d}`);
    expect(search(f, ":name-42")).toEqual([]);
    expect(search(f, ":renamed-42")).toEqual([42]);
    expect(search(f, ":renamed-299*")).toEqual([299, 2990, 2991, 2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999]);
  });
});

import { describe, expect, it } from "vitest";
import { andInto, andNotInto, clearBit, copyBits, ensureWords, forEachBit, hasBit, newBits, nextSetBit, orInto, popcount, setBit, wordsFor } from "./bitset";

const ids = (b: Uint32Array) => {
  const out: number[] = [];
  forEachBit(b, (i) => out.push(i));
  return out;
};
const of = (n: number, xs: number[]) => {
  const b = newBits(n);
  for (const x of xs) setBit(b, x);
  return b;
};

describe("bitsets", () => {
  it("sets, clears, tests and counts ids across word boundaries", () => {
    const b = of(100, [0, 31, 32, 63, 64, 99]);
    expect(ids(b)).toEqual([0, 31, 32, 63, 64, 99]);
    expect(popcount(b)).toBe(6);
    clearBit(b, 31);
    expect(hasBit(b, 31)).toBe(false);
    expect(hasBit(b, 32)).toBe(true);
    expect(hasBit(b, 5000)).toBe(false);
    expect(wordsFor(0)).toBe(0);
    expect(wordsFor(33)).toBe(2);
  });

  it("finds the next set id from any position", () => {
    const b = of(200, [3, 31, 32, 150]);
    expect(nextSetBit(b, 0)).toBe(3);
    expect(nextSetBit(b, 4)).toBe(31);
    expect(nextSetBit(b, 32)).toBe(32);
    expect(nextSetBit(b, 33)).toBe(150);
    expect(nextSetBit(b, 151)).toBe(-1);
    expect(nextSetBit(b, 10_000)).toBe(-1);
  });

  it("combines sets of different lengths (missing words are zero)", () => {
    const a = of(96, [1, 40, 90]);
    const short = of(64, [1, 2, 40]);
    const and = copyBits(a, 3);
    andInto(and, short);
    expect(ids(and)).toEqual([1, 40]);
    const or = copyBits(a, 3);
    orInto(or, short);
    expect(ids(or)).toEqual([1, 2, 40, 90]);
    const not = copyBits(a, 3);
    andNotInto(not, short);
    expect(ids(not)).toEqual([90]);
    const grown = ensureWords(short, 10);
    expect(grown.length).toBeGreaterThanOrEqual(10);
    expect(ids(grown)).toEqual([1, 2, 40]);
  });
});

import { clearBit, ensureWords, hasBit, orInto, setBit, type Bits } from "./bitset";
import type { Scalar, Value } from "./flatten";
import { forEachSelectedText, numberOf, numberSlice, textKey, type FieldCondition } from "./keys";

/**
 * The postings of a field with few distinct values (types, operating systems, versions,
 * statuses, groups, booleans: most fields of a fleet): one bitset of documents per
 * distinct value. A search ORs the bitsets of the values whose key it selects; an update
 * moves one document between bitsets in place; an aggregation counts each value's
 * matching documents with a popcount of two bitsets. Nothing is sorted but the handful of
 * keys.
 */

/** Beyond this many distinct values a field uses sorted runs instead (see runs.ts). */
export const MAX_VALUES = 64;

interface Posting {
  /** The value as stored (original case: aggregations report it). */
  value: Scalar;
  /** Its search keys. */
  text: string | null;
  num: number | null;
  bits: Bits;
  /** Documents in `bits`. */
  count: number;
}

/** The distinct scalars of one value (an array may repeat one). */
function scalarsOf(v: Value | undefined): Scalar[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [v as Scalar];
  const out: Scalar[] = [];
  for (const s of v as Scalar[]) if (!out.includes(s)) out.push(s);
  return out;
}

function popcountAnd(a: Bits, b: Bits): number {
  let n = 0;
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    let v = a[i] & b[i];
    if (v === 0) continue;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

export class ValueBitsets {
  private readonly byValue = new Map<Scalar, Posting>();
  /** Derived lookups by search key, rebuilt after the set of values changed. */
  private keys: { text: Map<string, Posting[]>; sortedText: string[]; num: Map<number, Posting[]>; sortedNum: Float64Array } | null = null;

  private constructor(private readonly words: number) {}

  /**
   * The bitsets of a loaded column, or null when it has more than MAX_VALUES distinct
   * values. The first documents are looked at cheaply first, so a field of names or
   * timestamps gives up before allocating anything.
   */
  static build(words: number, present: Bits, get: (doc: number) => Value | undefined): ValueBitsets | null {
    const seen = new Set<Scalar>();
    let sampled = 0;
    for (let w = 0; w < present.length && sampled < 4096; w++) {
      let word = present[w];
      while (word !== 0) {
        const low = word & -word;
        word ^= low;
        const v = get((w << 5) + (31 - Math.clz32(low)))!;
        sampled++;
        if (Array.isArray(v)) for (const s of v as Scalar[]) seen.add(s);
        else seen.add(v as Scalar);
        if (seen.size > MAX_VALUES) return null;
      }
    }
    const b = new ValueBitsets(words);
    const add = (s: Scalar, doc: number): boolean => {
      let p = b.byValue.get(s);
      if (!p) {
        if (b.byValue.size === MAX_VALUES) return false;
        p = b.posting(s);
      }
      if (!hasBit(p.bits, doc)) {
        setBit(p.bits, doc);
        p.count++;
      }
      return true;
    };
    for (let w = 0; w < present.length; w++) {
      let word = present[w];
      while (word !== 0) {
        const low = word & -word;
        word ^= low;
        const doc = (w << 5) + (31 - Math.clz32(low));
        const v = get(doc)!;
        if (Array.isArray(v)) {
          for (const s of v as Scalar[]) if (!add(s, doc)) return null;
        } else if (!add(v as Scalar, doc)) return null;
      }
    }
    return b;
  }

  private posting(value: Scalar): Posting {
    const p: Posting = { value, text: textKey(value), num: numberOf(value), bits: new Uint32Array(this.words), count: 0 };
    this.byValue.set(value, p);
    this.keys = null;
    return p;
  }

  /**
   * Moves a document from the values of its old value to those of its new one. Returns
   * false, changing nothing, when the new value would bring the field beyond MAX_VALUES.
   */
  update(doc: number, old: Value | undefined, next: Value | undefined): boolean {
    const before = scalarsOf(old);
    const after = scalarsOf(next);
    const added = after.filter((s) => !this.byValue.has(s)).length;
    if (added && this.byValue.size + added > MAX_VALUES) return false;
    const words = (doc >>> 5) + 1;
    for (const s of after) {
      if (before.includes(s)) continue;
      const p = this.byValue.get(s) ?? this.posting(s);
      if (p.bits.length < words) p.bits = ensureWords(p.bits, words);
      setBit(p.bits, doc);
      p.count++;
    }
    for (const s of before) {
      if (after.includes(s)) continue;
      const p = this.byValue.get(s);
      if (!p) continue;
      clearBit(p.bits, doc);
      if (--p.count === 0) {
        this.byValue.delete(s);
        this.keys = null;
      }
    }
    return true;
  }

  private lookups() {
    if (this.keys) return this.keys;
    const text = new Map<string, Posting[]>();
    const num = new Map<number, Posting[]>();
    for (const p of this.byValue.values()) {
      if (p.text !== null) (text.get(p.text) ?? text.set(p.text, []).get(p.text)!).push(p);
      if (p.num !== null) (num.get(p.num) ?? num.set(p.num, []).get(p.num)!).push(p);
    }
    this.keys = { text, sortedText: [...text.keys()].sort(), num, sortedNum: Float64Array.from(num.keys()).sort() };
    return this.keys;
  }

  /** ORs into `out` the documents holding a value whose key the condition selects. */
  match(cond: FieldCondition, out: Bits): void {
    const k = this.lookups();
    if (cond.text && k.text.size) {
      const sel = cond.text;
      if (sel.kind === "eq") {
        for (const p of k.text.get(sel.key) ?? []) orInto(out, p.bits);
      } else {
        forEachSelectedText(k.sortedText, sel, (from, to) => {
          for (let i = from; i < to; i++) for (const p of k.text.get(k.sortedText[i])!) orInto(out, p.bits);
        });
      }
    }
    if (cond.number && k.num.size) {
      const [a, b] = numberSlice(k.sortedNum, cond.number);
      for (let i = a; i < b; i++) for (const p of k.num.get(k.sortedNum[i])!) orInto(out, p.bits);
    }
  }

  /** Each value with the number of documents of `bits` holding it (values held by none left out). */
  histogram(bits: Bits): Array<[Scalar, number]> {
    const out: Array<[Scalar, number]> = [];
    for (const p of this.byValue.values()) {
      const c = popcountAnd(p.bits, bits);
      if (c > 0) out.push([p.value, c]);
    }
    return out;
  }
}

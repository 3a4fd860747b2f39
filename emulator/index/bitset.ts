/**
 * Sets of document ids as bitsets: one bit per id in a Uint32Array. A million things fit
 * in 125 KB, and AND / OR / NOT over the whole fleet are a pass over 31,250 words, so the
 * query evaluator combines every clause this way and only looks at individual ids when
 * it fills a page or an aggregation.
 *
 * Arrays may differ in length (the id space grows while a fleet is created): missing
 * words read as zero.
 */
export type Bits = Uint32Array;

export function wordsFor(ids: number): number {
  return (ids + 31) >>> 5;
}

export function newBits(ids: number): Bits {
  return new Uint32Array(wordsFor(ids));
}

/** The same bits in an array of at least `words` words (the array itself when already long enough). */
export function ensureWords(b: Bits, words: number): Bits {
  if (b.length >= words) return b;
  const grown = new Uint32Array(Math.max(words, b.length * 2 || 32));
  grown.set(b);
  return grown;
}

export function setBit(b: Bits, id: number): void {
  b[id >>> 5] |= 1 << (id & 31);
}

export function clearBit(b: Bits, id: number): void {
  const w = id >>> 5;
  if (w < b.length) b[w] &= ~(1 << (id & 31));
}

export function hasBit(b: Bits, id: number): boolean {
  const w = id >>> 5;
  return w < b.length && (b[w] & (1 << (id & 31))) !== 0;
}

/** a &= b */
export function andInto(a: Bits, b: Bits): void {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) a[i] &= b[i];
  a.fill(0, n);
}

/** a |= b (b must not be longer than a) */
export function orInto(a: Bits, b: Bits): void {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) a[i] |= b[i];
}

/** a &= ~b */
export function andNotInto(a: Bits, b: Bits): void {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) a[i] &= ~b[i];
}

/** A copy of `b` with exactly `words` words. */
export function copyBits(b: Bits, words: number): Bits {
  const out = new Uint32Array(words);
  out.set(b.length > words ? b.subarray(0, words) : b);
  return out;
}

function popWord(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function popcount(b: Bits): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) n += popWord(b[i]);
  return n;
}

/** The smallest set id >= `from`, or -1. */
export function nextSetBit(b: Bits, from: number): number {
  if (from < 0) from = 0;
  let w = from >>> 5;
  if (w >= b.length) return -1;
  let word = b[w] & (~0 << (from & 31));
  for (;;) {
    if (word !== 0) return (w << 5) + (31 - Math.clz32(word & -word));
    if (++w >= b.length) return -1;
    word = b[w];
  }
}

/** Calls `fn` for every set id in ascending order. */
export function forEachBit(b: Bits, fn: (id: number) => void): void {
  for (let w = 0; w < b.length; w++) {
    let word = b[w];
    while (word !== 0) {
      const low = word & -word;
      fn((w << 5) + (31 - Math.clz32(low)));
      word ^= low;
    }
  }
}

/**
 * A bucket's keys in S3's listing order (UTF-8 bytes, which is Unicode code point order),
 * for ListObjectsV2 without scanning the store: binary search to the start, then walk.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code point order only where a surrogate meets U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key ≥ k. */
  private lowerBound(k: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid]!, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(k: string): void {
    const i = this.lowerBound(k);
    if (this.keys[i] !== k) this.keys.splice(i, 0, k);
  }

  remove(k: string): void {
    const i = this.lowerBound(k);
    if (this.keys[i] === k) this.keys.splice(i, 1);
  }

  /**
   * Index of the first key after every key that starts with `prefix`. Keys under a prefix
   * are contiguous in this order and come after the prefix itself, so "below the prefix or
   * under it" holds for a run of keys from the start: a binary search finds its end (as a
   * lower bound of the prefix with its last code unit incremented would, without the carries
   * and surrogates that needs).
   */
  private pastPrefix(prefix: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid]!;
      if (compareKeys(k, prefix) < 0 || k.startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Keys after `start` (or from it, when inclusive), in order; with `past`, starting no
   * earlier than the first key after every key under `past` (a listing seeking past a
   * common prefix it has already answered).
   */
  *from(start: string, inclusive: boolean, past?: string): Iterable<string> {
    let i = this.lowerBound(start);
    if (!inclusive && this.keys[i] === start) i++;
    if (past !== undefined) i = Math.max(i, this.pastPrefix(past));
    for (; i < this.keys.length; i++) yield this.keys[i]!;
  }
}

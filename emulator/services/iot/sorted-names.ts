/**
 * A set of names kept in sorted order for paging, built for fleets of a million things.
 *
 * Membership is owned by the caller (`isMember`), so the structure adds no per-name Set
 * on top of the registry's own maps. Inserts that sort after the current last name (the
 * common case for generated names such as `device-000123`) are appended directly; other
 * inserts and all deletions wait in small buffers until the next read, which applies a
 * few of them by binary search + splice, or many of them in one merge pass (sorting only
 * the buffer). A read after a burst of writes costs O(n) once; reads in between, nothing.
 */
export class SortedNames {
  private sorted: string[] = [];
  private pending: string[] = [];
  private removed: string[] = [];

  constructor(private readonly isMember: (name: string) => boolean) {}

  add(name: string): void {
    const last = this.sorted[this.sorted.length - 1];
    if (this.pending.length === 0 && this.removed.length === 0 && (last === undefined || name > last)) this.sorted.push(name);
    else this.pending.push(name);
  }

  /** Call after the name stopped being a member. */
  delete(name: string): void {
    this.removed.push(name);
  }

  /** Bulk load (startup): names in any order, duplicates allowed. */
  addAll(names: Iterable<string>): void {
    for (const n of names) this.pending.push(n);
  }

  /** The current members in ascending (UTF-16 code unit) order. Do not mutate. */
  view(): readonly string[] {
    const changes = this.pending.length + this.removed.length;
    if (changes === 0) return this.sorted;
    if (changes <= SPLICE_MAX) {
      // A few changes (the console deleting or creating one thing): binary search and
      // splice each, a memmove rather than a pass over a million names.
      for (const n of this.removed) {
        const i = lowerBound(this.sorted, n);
        if (this.sorted[i] === n && !this.isMember(n)) this.sorted.splice(i, 1);
      }
      for (const n of this.pending) {
        if (!this.isMember(n)) continue;
        const i = lowerBound(this.sorted, n);
        if (this.sorted[i] !== n) this.sorted.splice(i, 0, n);
      }
    } else {
      const base = this.removed.length ? this.sorted.filter(this.isMember) : this.sorted;
      this.sorted = mergeUnique(base, this.pending.filter(this.isMember).sort());
    }
    this.pending = [];
    this.removed = [];
    return this.sorted;
  }

  get size(): number {
    return this.view().length;
  }
}

/** Up to this many buffered changes are applied one by one; beyond, by one merge pass. */
const SPLICE_MAX = 64;

function lowerBound(sorted: readonly string[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merges two ascending arrays, dropping duplicates (a name deleted and re-added). */
function mergeUnique(a: readonly string[], b: readonly string[]): string[] {
  if (b.length === 0) return a as string[];
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  let prev: string | undefined;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (next !== prev) out[k++] = next;
    prev = next;
  }
  out.length = k;
  return out;
}

/**
 * Records kept in creation order (ascending `seq`), for the marker-paged lists
 * (certificates, policies). Creation appends; deletion is applied lazily on the next read.
 */
export class SeqOrder<T extends { seq: number }> {
  private items: T[] = [];
  private removed: T[] = [];

  constructor(private readonly isMember: (item: T) => boolean) {}

  add(item: T): void {
    const last = this.items[this.items.length - 1];
    this.items.push(item);
    if (last && last.seq > item.seq) this.items.sort((x, y) => x.seq - y.seq);
  }

  delete(item: T): void {
    this.removed.push(item);
  }

  view(): readonly T[] {
    if (this.removed.length === 0) return this.items;
    if (this.removed.length <= SPLICE_MAX) {
      for (const r of this.removed) {
        let lo = 0;
        let hi = this.items.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.items[mid].seq < r.seq) lo = mid + 1;
          else hi = mid;
        }
        if (this.items[lo] === r && !this.isMember(r)) this.items.splice(lo, 1);
      }
    } else {
      this.items = this.items.filter(this.isMember);
    }
    this.removed = [];
    return this.items;
  }
}

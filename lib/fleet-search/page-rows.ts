/**
 * The rows of an infinite list, kept up to date page by page. Re-flattening every loaded
 * page each time one more arrives costs O(rows) per page, O(rows²/pageSize) for a "load
 * all": at 100k rows that is millions of set operations spread over the load. This keeps
 * the previous result and only walks the pages that are new, starting over when the pages
 * are not an extension of the previous ones (a reset or a refetch). Repeats (by key) are
 * dropped: a list that changes while it is paged can hand out the same item twice.
 *
 * Dependency-free.
 */
export interface PageRows<P, T> {
  pages: readonly P[];
  rows: T[];
  seen: Set<string>;
}

export function updatePageRows<P, T>(
  prev: PageRows<P, T> | null,
  pages: readonly P[],
  items: (page: P) => readonly T[],
  key: (item: T) => string,
): PageRows<P, T> {
  const extends_ = prev !== null && prev.pages.length <= pages.length && prev.pages.every((p, i) => p === pages[i]);
  if (extends_ && prev.pages.length === pages.length) return prev;
  const seen = extends_ ? prev.seen : new Set<string>();
  const added: T[] = [];
  for (let i = extends_ ? prev.pages.length : 0; i < pages.length; i++) {
    for (const item of items(pages[i]!)) {
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      added.push(item);
    }
  }
  // A new array each time (React compares by identity); concat copies references only.
  return { pages, rows: extends_ ? prev.rows.concat(added) : added, seen };
}

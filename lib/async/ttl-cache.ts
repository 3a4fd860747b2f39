/**
 * A small in-process cache with a time to live and coalescing: while a value is being
 * loaded, every caller asking for the same key shares that one load. A SOC with many
 * open tabs then costs AWS IoT one group-tree build per TTL, not one per page view.
 * Failed loads are not cached, so a retry after an outage really retries.
 * `invalidate` also detaches loads already in flight: they may have read the state from
 * before the change that prompted it, so their answer is neither stored nor shared with
 * callers that arrive afterwards (those start a fresh load).
 */
export interface TtlCacheOptions {
  ttlMs: number;
  /** Oldest entries are dropped beyond this. */
  maxEntries?: number;
  now?: () => number;
}

export interface TtlCache<V> {
  /** `ttlMs` overrides the cache's own lifetime for the answer this load stores. */
  get(key: string, load: () => Promise<V>, ttlMs?: number): Promise<V>;
  invalidate(key?: string): void;
  size(): number;
}

export function createTtlCache<V>(opts: TtlCacheOptions): TtlCache<V> {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 500;
  const values = new Map<string, { value: V; expiresAt: number }>();
  const inFlight = new Map<string, { promise: Promise<V> }>();
  /** Bumped by `invalidate`: a load started under an older generation does not store its answer. */
  const generation = new Map<string, number>();
  let allGeneration = 0;
  const genOf = (key: string) => `${allGeneration}:${generation.get(key) ?? 0}`;

  return {
    get(key, load, ttlMs = opts.ttlMs) {
      const hit = values.get(key);
      if (hit && hit.expiresAt > now()) return Promise.resolve(hit.value);
      if (hit) values.delete(key);
      const pending = inFlight.get(key);
      if (pending) return pending.promise;

      const startedIn = genOf(key);
      // Registered before the load starts: a load that throws at once clears it again.
      const entry = {} as { promise: Promise<V> };
      inFlight.set(key, entry);
      entry.promise = (async () => {
        try {
          const value = await load();
          if (genOf(key) === startedIn) {
            values.set(key, { value, expiresAt: now() + ttlMs });
            while (values.size > maxEntries) values.delete(values.keys().next().value as string);
          }
          return value;
        } finally {
          // Not a load that replaced this one after an invalidate.
          if (inFlight.get(key) === entry) inFlight.delete(key);
        }
      })();
      return entry.promise;
    },
    invalidate(key) {
      if (key === undefined) {
        values.clear();
        inFlight.clear();
        generation.clear();
        allGeneration++;
      } else {
        values.delete(key);
        inFlight.delete(key);
        generation.set(key, (generation.get(key) ?? 0) + 1);
      }
    },
    size: () => values.size,
  };
}

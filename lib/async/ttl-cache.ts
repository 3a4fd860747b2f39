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
  /** Answers stored. */
  size(): number;
  /** Loads running that later callers would join. */
  inFlight(): number;
}

export function createTtlCache<V>(opts: TtlCacheOptions): TtlCache<V> {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 500;
  const values = new Map<string, { value: V; expiresAt: number }>();
  /** `detached` is set by `invalidate`: that load may predate the change, so its answer is not stored. */
  type Load = { promise: Promise<V>; detached: boolean };
  const inFlight = new Map<string, Load>();
  // No bookkeeping per key beyond `values` and `inFlight`: a key invalidated while nothing
  // loads it leaves nothing behind.
  const detach = (key: string) => {
    const load = inFlight.get(key);
    if (load) load.detached = true;
    inFlight.delete(key);
  };

  return {
    get(key, load, ttlMs = opts.ttlMs) {
      const hit = values.get(key);
      if (hit && hit.expiresAt > now()) return Promise.resolve(hit.value);
      if (hit) values.delete(key);
      const pending = inFlight.get(key);
      if (pending) return pending.promise;

      // Registered before the load starts: a load that throws at once clears it again.
      const entry = { detached: false } as Load;
      inFlight.set(key, entry);
      entry.promise = (async () => {
        try {
          const value = await load();
          // A lifetime of 0 only shares the call in flight: an entry stored dead would stay until evicted.
          if (!entry.detached && ttlMs > 0) {
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
        for (const k of [...inFlight.keys()]) detach(k);
      } else {
        values.delete(key);
        detach(key);
      }
    },
    size: () => values.size,
    inFlight: () => inFlight.size,
  };
}

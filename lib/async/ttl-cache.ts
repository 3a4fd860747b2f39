/**
 * A small in-process cache with a time to live and coalescing: while a value is being
 * loaded, every caller asking for the same key shares that one load. A SOC with many
 * open tabs then costs AWS IoT one group-tree build per TTL, not one per page view.
 * Failed loads are not cached, so a retry after an outage really retries.
 */
export interface TtlCacheOptions {
  ttlMs: number;
  /** Oldest entries are dropped beyond this. */
  maxEntries?: number;
  now?: () => number;
}

export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  invalidate(key?: string): void;
  size(): number;
}

export function createTtlCache<V>(opts: TtlCacheOptions): TtlCache<V> {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 500;
  const values = new Map<string, { value: V; expiresAt: number }>();
  const inFlight = new Map<string, Promise<V>>();

  return {
    get(key, load) {
      const hit = values.get(key);
      if (hit && hit.expiresAt > now()) return Promise.resolve(hit.value);
      if (hit) values.delete(key);
      const pending = inFlight.get(key);
      if (pending) return pending;

      const promise = (async () => {
        try {
          const value = await load();
          values.set(key, { value, expiresAt: now() + opts.ttlMs });
          while (values.size > maxEntries) values.delete(values.keys().next().value as string);
          return value;
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, promise);
      return promise;
    },
    invalidate(key) {
      if (key === undefined) values.clear();
      else values.delete(key);
    },
    size: () => values.size,
  };
}

/**
 * react-query keys, one small factory per resource, so invalidation and prefetching
 * agree on the shape of a key.
 */
export const queryKeys = {
  things: {
    list: (filtersKey: string) => ["things", "list", filtersKey] as const,
  },
  connectivity: {
    batch: (names: readonly string[]) => ["connectivity", names.join(",")] as const,
  },
  shadows: {
    view: (thingName: string, shadow: string) => ["shadows", thingName, shadow] as const,
  },
  groups: {
    members: (group: string, recursive: boolean) => ["groups", "members", group, recursive] as const,
  },
  search: {
    all: ["search"] as const,
    results: (q: string) => ["search", "results", q] as const,
    count: (q: string) => ["search", "count", q] as const,
    fields: () => ["search", "fields"] as const,
    aggregate: (q: string, field: string, type: string, extra = "") => ["search", "aggregate", q, field, type, extra] as const,
    saved: () => ["search", "saved"] as const,
    history: () => ["search", "history"] as const,
  },
  drift: {
    all: ["drift"] as const,
    summary: (scope: string) => ["drift", "summary", scope] as const,
    keys: () => ["drift", "keys"] as const,
    things: (scope: string, type: string | null, group: string | null, key: string | null, limit: number) =>
      ["drift", "things", scope, type, group, key, limit] as const,
  },
};

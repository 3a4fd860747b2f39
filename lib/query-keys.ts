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
  groups: {
    members: (group: string, recursive: boolean) => ["groups", "members", group, recursive] as const,
  },
};

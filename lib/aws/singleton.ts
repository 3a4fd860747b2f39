import "server-only";

/**
 * A value shared by the whole server process. Next may load a module once per route
 * bundle (pages vs route handlers) and again on dev reloads; caches and rate limiters
 * are only useful if there is truly one of each.
 */
export function processSingleton<T>(key: string, create: () => T): T {
  const store = ((globalThis as { __fleetConsoleSingletons?: Map<string, unknown> }).__fleetConsoleSingletons ??= new Map());
  if (!store.has(key)) store.set(key, create());
  return store.get(key) as T;
}

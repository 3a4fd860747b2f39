/**
 * What `next/headers` gives a server action or route handler, for tests that call them
 * outside Next: cookies backed by a Map the test controls, and the request headers of a
 * client at `ip`. Used from a `vi.mock("next/headers", …)` factory.
 */
export function nextHeaders(state: { cookies: Map<string, string> }, ip: string) {
  return {
    cookies: async () => ({
      get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
      has: (name: string) => state.cookies.has(name),
      set: (name: string, value: string) => state.cookies.set(name, value),
      delete: (name: string) => state.cookies.delete(name),
    }),
    headers: async () => new Headers({ "x-forwarded-for": ip, host: "console.test" }),
  };
}

import { PEER_HEADER_ENV } from "@/lib/http/forwarded";

/** The private peer-address header name in tests (scripts/console-server.ts picks a random one per process). */
export const TEST_PEER_HEADER = "x-fc-peer-test";

/**
 * The headers a request from a client at `ip` carries once scripts/console-server.ts has
 * handled it: the socket address in the private peer header (which this also registers,
 * as that server does). `extra` adds or overrides headers, e.g. a spoofed X-Forwarded-For.
 */
export function requestHeadersFrom(ip: string, extra: Record<string, string> = {}): Headers {
  process.env[PEER_HEADER_ENV] ??= TEST_PEER_HEADER;
  return new Headers({ host: "console.test", [process.env[PEER_HEADER_ENV]!]: ip, ...extra });
}

/**
 * What `next/headers` gives a server action or route handler, for tests that call them
 * outside Next: cookies backed by a Map the test controls, and the request headers of a
 * client at `ip` (or at `state.ip` when the test sets it). The client also sends an
 * X-Forwarded-For of its own, which must not count. Used from a `vi.mock("next/headers", …)` factory.
 */
export function nextHeaders(state: { cookies: Map<string, string>; ip?: string }, ip: string) {
  return {
    cookies: async () => ({
      get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
      has: (name: string) => state.cookies.has(name),
      set: (name: string, value: string) => state.cookies.set(name, value),
      delete: (name: string) => state.cookies.delete(name),
    }),
    headers: async () => requestHeadersFrom(state.ip ?? ip, { "x-forwarded-for": "192.0.2.254" }),
  };
}

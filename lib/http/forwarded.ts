import { isIP } from "node:net";

/**
 * Who is on the other end of a request, and which host and scheme the browser asked for,
 * read only from what can be trusted.
 *
 * Next.js 16 gives no trustworthy source: base-server.js fills X-Forwarded-For, -Host and
 * -Proto with `??=`, so a value the client sent itself survives, and no API exposes the
 * socket (proxy.ts gets headers only). So the console runs behind its own tiny HTTP
 * server (scripts/console-server.ts), which, before Next sees a request:
 * - puts the socket's peer address in a private header whose name is random per process
 *   and known to this code through the variable named by PEER_HEADER_ENV (a client cannot guess
 *   it, and without that server nothing reads the header at all);
 * - with no trusted proxy (TRUST_PROXY_HOPS=0, the default), deletes every X-Forwarded-*
 *   header the client sent, so Next's own fallbacks (the Host header, the socket) hold
 *   inside Next too (its server-action origin check, `request.nextUrl`).
 *
 * Behind N trusted proxies each appends to the chain, so the value to believe is the N-th
 * entry from the right (the rightmost is the one the nearest proxy appended); anything
 * further left is whatever the client wrote. Started without that server (`next dev`,
 * tests), the client address is "unknown" rather than a header anyone can write.
 *
 * Dependency-free apart from node:net and lib/env: used by proxy.ts and the server entry as well.
 */
import { EnvError, readEnv, type RawEnv } from "../env";

/** The environment variable naming the private peer-address header (set by scripts/console-server.ts). */
export const PEER_HEADER_ENV = "FC_PEER_ADDRESS_HEADER" as const;

const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"];

/**
 * TRUST_PROXY_HOPS (0-99, default 0). Start-up refuses anything else (loadEnv); should a bad
 * value get here anyway, it counts as 0: trusting no proxy is the safe side.
 */
export function trustedProxyHops(env?: RawEnv): number {
  try {
    return readEnv(["TRUST_PROXY_HOPS"], env).TRUST_PROXY_HOPS;
  } catch (err) {
    if (err instanceof EnvError) return 0;
    throw err;
  }
}

/**
 * The entry `hops` from the right of a comma-separated forwarding header. A shorter chain
 * was written by trusted proxies only (the request skipped the outer ones): its leftmost
 * entry. Null without proxies or without the header.
 */
export function forwardedHop(value: string | null | undefined, hops: number): string | null {
  if (!value || hops < 1) return null;
  const chain = value.split(",").map((s) => s.trim());
  const entry = chain[Math.max(0, chain.length - hops)];
  return entry ? entry : null;
}

/**
 * `raw` as a canonical IP address, or null when it is not one: brackets, an IPv4 port
 * and an IPv6 zone are dropped, IPv4-mapped IPv6 becomes IPv4, hex is lower-cased. What
 * comes out is safe to store and to key limits by; no other text gets through.
 */
export function normaliseAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  if (s.length === 0 || s.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  s = s.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (mapped) s = mapped[1];
  return isIP(s) ? s : null;
}

/** The socket address handed over by scripts/console-server.ts, or null when it is not in front. */
function peerAddress(headers: Headers, env?: RawEnv): string | null {
  const name = readEnv([PEER_HEADER_ENV], env)[PEER_HEADER_ENV];
  return name ? headers.get(name) : null;
}

/** The client's address (a valid IP address) or "unknown". */
export function clientAddressFrom(headers: Headers, env?: RawEnv): string {
  const hops = trustedProxyHops(env);
  // A request without the header reached the console directly: its socket peer is the client.
  const raw = (hops > 0 ? forwardedHop(headers.get("x-forwarded-for"), hops) : null) ?? peerAddress(headers, env);
  return normaliseAddress(raw) ?? "unknown";
}

/** The host the browser asked for: the trusted proxy's X-Forwarded-Host, else Host. */
export function requestHost(headers: Headers, env?: RawEnv): string | null {
  const hops = trustedProxyHops(env);
  return (hops > 0 ? forwardedHop(headers.get("x-forwarded-host"), hops) : null) ?? headers.get("host");
}

/** The scheme a trusted proxy says the browser used ("https", "http"), or null when no proxy is trusted. */
export function forwardedProto(headers: Headers, env?: RawEnv): string | null {
  return forwardedHop(headers.get("x-forwarded-proto"), trustedProxyHops(env))?.toLowerCase() ?? null;
}

/**
 * The origin the browser asked for: the scheme a trusted proxy says (else http: the
 * console's own server speaks plain HTTP) and requestHost. Null when that host is not a
 * plain host[:port]. Not `request.nextUrl.origin`: Next builds that from X-Forwarded-Host
 * and -Proto as the client sent them.
 */
export function requestOrigin(headers: Headers, env?: RawEnv): string | null {
  const host = requestHost(headers, env);
  if (!host || /[/\\?#@\s]/.test(host)) return null;
  const scheme = forwardedProto(headers, env) === "https" ? "https" : "http";
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * Why client addresses will be "unknown" in this process, or null when they will not:
 * a production server started without scripts/console-server.ts (plain `next start`)
 * has no peer-address header, so every client shares one address and one sign-in limit.
 */
export function missingPeerAddressWarning(env?: RawEnv): string | null {
  const e = readEnv(["NODE_ENV", PEER_HEADER_ENV], env);
  if (e.NODE_ENV !== "production" || e[PEER_HEADER_ENV]) return null;
  return [
    "WARNING: the console was started without scripts/console-server.ts (e.g. with `next start`),",
    'so it cannot see client addresses: every client counts as the same address "unknown".',
    "SIGNIN_MAX_FAILURES_PER_ADDRESS (20) failed sign-ins by anyone then refuse sign-in to everyone, and the audit trail records no addresses.",
    "Start the console with `npm start` (scripts/console-server.ts); behind a reverse proxy also set TRUST_PROXY_HOPS.",
  ].join("\n");
}

/**
 * What scripts/console-server.ts does to every request's headers before Next sees them
 * (Node's IncomingMessage headers: lower-case names). `peerHeader` is the private name.
 */
export function prepareForwardingHeaders(
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string | undefined,
  peerHeader: string,
  env?: RawEnv,
): void {
  if (trustedProxyHops(env) === 0) for (const name of FORWARDED_HEADERS) delete headers[name];
  headers[peerHeader] = socketAddress ?? "";
}

import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

/**
 * Who may drive the emulator. AWS SDKs and the CLI never send `Origin` (nor the
 * `Sec-Fetch-*` headers): a request that carries one comes from a web page, and any page
 * the operator visits could otherwise create things, change desired state or inject
 * faults with a `no-cors` POST. Such requests are refused unless their origin is on an
 * allow-list (EMULATOR_ALLOWED_ORIGINS, empty by default). The `Host` must be one of the
 * emulator's own names, which defeats DNS rebinding (a hostile name resolving to
 * 127.0.0.1): an IP literal, `localhost` (and `*.localhost`), the configured host, or a
 * name on EMULATOR_ALLOWED_HOSTS.
 */
export interface CallerPolicy {
  /** Exact origins (`https://tool.example:8443`) whose pages may call the AWS endpoint. */
  allowedOrigins: string[];
  /** Extra host names (no port) the emulator answers to. */
  allowedHosts: string[];
  /** The address the emulator listens on (EMULATOR_HOST). */
  ownHost: string;
}

export type Refusal = { code: "AccessDeniedException"; message: string };

export function callerRefusal(headers: IncomingHttpHeaders, policy: CallerPolicy, opts: { admin: boolean }): Refusal | undefined {
  const host = hostName(headers.host);
  if (host === undefined || !hostAllowed(host, policy)) {
    return { code: "AccessDeniedException", message: `Host '${String(headers.host ?? "")}' is not a name of this emulator (add it to EMULATOR_ALLOWED_HOSTS)` };
  }
  const origin = headerValue(headers.origin);
  if (opts.admin) {
    // Fault injection and the other admin routes are for local tools only: no page, ever.
    if (origin !== undefined || fromBrowser(headers))
      return { code: "AccessDeniedException", message: "The emulator's admin routes refuse requests from web pages" };
    return undefined;
  }
  if (origin !== undefined) {
    if (!policy.allowedOrigins.includes(origin)) {
      return { code: "AccessDeniedException", message: `Requests from web pages are refused (origin '${origin}' is not in EMULATOR_ALLOWED_ORIGINS)` };
    }
    return undefined;
  }
  if (fromBrowser(headers)) return { code: "AccessDeniedException", message: "Requests from web pages are refused" };
  return undefined;
}

/** CORS headers for an allow-listed origin, so a tool's page can read the answers. */
export function corsHeaders(headers: IncomingHttpHeaders, policy: CallerPolicy): Record<string, string> {
  const origin = headerValue(headers.origin);
  if (origin === undefined || !policy.allowedOrigins.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id",
    Vary: "Origin",
  };
}

/** A browser's fetch metadata: a cross-site or same-site request (not one typed into the address bar). */
function fromBrowser(headers: IncomingHttpHeaders): boolean {
  const site = headerValue(headers["sec-fetch-site"]);
  return site !== undefined && site !== "none";
}

function hostAllowed(host: string, policy: CallerPolicy): boolean {
  if (isIP(host) !== 0) return true;
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === policy.ownHost.toLowerCase()) return true;
  return policy.allowedHosts.some((h) => h.toLowerCase() === host);
}

/** The name part of a Host header, lower-cased, without port or IPv6 brackets. */
function hostName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const v = raw.trim().toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    return end > 0 ? v.slice(1, end) : undefined;
  }
  const colon = v.lastIndexOf(":");
  return colon >= 0 ? v.slice(0, colon) : v;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v === undefined || v === "" ? undefined : v;
}

export function listFrom(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

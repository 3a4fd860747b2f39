/**
 * The console's security headers, in one place. The static ones go on every response
 * (next.config.ts); the Content-Security-Policy carries a fresh nonce per page request and
 * is set by proxy.ts, together with HSTS when the console is reached over HTTPS.
 *
 * Imported by next.config.ts and proxy.ts: nothing beyond lib/http/forwarded.ts and lib/env.
 */
import { readEnv, type RawEnv } from "../env";
import { forwardedProto, requestHost } from "./forwarded";

export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  // Never framed (clickjacking); CSP frame-ancestors says the same to modern browsers.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

export const HSTS = "max-age=31536000";

/** 128 random bits, base64: unguessable and unique per response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Scripts run only when they carry this response's nonce (Next.js adds it to its own
 * scripts when it finds it in the request's CSP header) or are loaded by such a script
 * ('strict-dynamic'). Styles allow inline attributes: React and the UI set `style=`.
 * Development needs 'unsafe-eval' for React's error overlays and stack reconstruction.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean; https?: boolean } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ];
  if (opts.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * Whether the browser reached the console over HTTPS: the configured public URL says so,
 * or a trusted reverse proxy (TRUST_PROXY_HOPS > 0) says so in its hop of
 * X-Forwarded-Proto. The console's own server speaks plain HTTP, so without a trusted
 * proxy nothing in the request can make it HTTPS (Next's `nextUrl.protocol` believes any
 * X-Forwarded-Proto). The same rule decides the cookie's Secure flag (lib/auth/current.ts).
 */
export function servedOverHttps(headers: Headers, env?: RawEnv): boolean {
  if ((readEnv(["CONSOLE_PUBLIC_URL"], env).CONSOLE_PUBLIC_URL ?? "").startsWith("https://")) return true;
  return forwardedProto(headers, env) === "https";
}

/**
 * A browser request from another site. Sec-Fetch-Site is authoritative where sent (all
 * current browsers); otherwise the Origin header must name this host (X-Forwarded-Host
 * only from a trusted proxy's hop). Requests without either (curl, server-to-server) are
 * not browser CSRF and pass.
 */
export function isCrossOrigin(headers: Headers, env?: RawEnv): boolean {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = headers.get("origin");
  if (!origin) return false;
  const host = requestHost(headers, env);
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/cookie";
import { contentSecurityPolicy, HSTS, isCrossOrigin, newNonce, servedOverHttps } from "@/lib/http/security-headers";

/**
 * Runs before every page, route handler and server action (Next 16's "proxy", formerly
 * middleware). It is a first line only; the real checks stay at each entry point
 * (requirePage, route(), action() in lib/auth/guard.ts), because a matcher or a moved
 * file can silently skip this.
 *
 * - Pages requested without a session cookie are sent to sign-in at once, with the
 *   page to come back to (`?next=`). Whether the cookie is valid is decided by the page.
 * - Requests that change state (anything but GET/HEAD/OPTIONS, so every server action)
 *   from another site get a 403 before any code runs.
 * - Every response gets a Content-Security-Policy with a fresh nonce. The same header is
 *   put on the request, where Next.js reads the nonce and adds it to its own scripts;
 *   `x-nonce` hands it to the root layout for the theme script.
 * - `x-fc-path` tells requirePage where the request was going (for `?next=`).
 * - X-Forwarded-Host/-Proto count only from a trusted proxy's hop (lib/http/forwarded.ts);
 *   without proxies scripts/console-server.ts has already removed a client's own.
 */

/** Pages anyone may open. */
const PUBLIC_PAGES = new Set(["/sign-in"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Path and query of the request, without Next's cache-busting `_rsc` parameter. */
function pathAndQuery(req: NextRequest): string {
  const url = req.nextUrl.clone();
  url.searchParams.delete("_rsc");
  return `${url.pathname}${url.search}`;
}

export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  const isApi = pathname.startsWith("/api/");

  if (!SAFE_METHODS.has(req.method) && isCrossOrigin(req.headers)) {
    return NextResponse.json({ error: { code: "forbidden", message: "Cross-origin requests are not accepted." } }, { status: 403 });
  }

  if (!isApi && !PUBLIC_PAGES.has(pathname) && !req.cookies.has(SESSION_COOKIE) && SAFE_METHODS.has(req.method)) {
    const target = new URL("/sign-in", req.url);
    target.searchParams.set("next", pathAndQuery(req));
    return NextResponse.redirect(target);
  }

  const nonce = newNonce();
  const https = servedOverHttps(req.headers);
  // Next inlines NODE_ENV at build time: literal on purpose.
  // eslint-disable-next-line no-restricted-properties
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });

  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-fc-path", pathAndQuery(req));

  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  if (https) res.headers.set("Strict-Transport-Security", HSTS);
  return res;
}

export const config = {
  // Everything but build assets (hashed, immutable, no scripts of ours inline).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};

/**
 * Where to go after signing in (local sign-in, single sign-on, the sign-in page's
 * "already signed in" redirect): the one same-site path check. Only a path on this site
 * is accepted; anything a browser could read as another origin falls back to the things
 * list, so the sign-in page can never bounce a user to a look-alike site.
 *
 * The check judges what the path becomes, not how it looks: `/.//evil.example` and
 * `/x/..//evil.example` are resolved by URL parsing to `//evil.example` (a protocol-
 * relative URL), `%2e` is a dot segment, and a server or browser further along may
 * percent-decode `%2f`/`%5c` into slashes or strip tabs and newlines. So the result is
 * resolved first and then refused if, decoded, it would start with `//` or `/\`.
 */
export const DEFAULT_AFTER_SIGN_IN = "/things";

const BASE = "http://console.invalid";

/** Not destinations: sign-in itself (a loop) and the sign-in flows' own routes. */
const NOT_A_DESTINATION = /^\/(?:sign-in|api\/auth)(?:[/?#]|$)/;

/** Percent-decodes ASCII escapes only (enough to see slashes, backslashes and control characters), never throws. */
const decodeAscii = (s: string) => s.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Whether `p`, with what browsers strip removed and its dot segments resolved, is a path on this site. */
function sameSite(p: string): boolean {
  const seen = p.replace(/[\t\n\r]/g, "");
  if (!seen.startsWith("/") || /^\/[/\\]/.test(seen)) return false;
  try {
    const url = new URL(seen, BASE);
    return url.origin === BASE && !/^\/[/\\]/.test(url.pathname);
  } catch {
    return false;
  }
}

/** Whether a resolved path stays on this site however often something further along decodes it. */
function staysOnSite(path: string): boolean {
  let p = path;
  for (let i = 0; i < 4; i++) {
    if (!sameSite(p)) return false;
    const decoded = decodeAscii(p);
    if (decoded === p) return true;
    p = decoded;
  }
  // Still changing after four rounds of decoding: nobody needs that.
  return false;
}

export function safeNextPath(raw: unknown, fallback: string = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return fallback;
  // A path from the root, as typed: browsers treat `\` like `/` and strip tabs, newlines
  // (and other control characters at the ends); none of them has a place in a path of ours.
  if (!raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  if (url.searchParams.has("_rsc")) url.searchParams.delete("_rsc");
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!staysOnSite(path)) return fallback;
  if (NOT_A_DESTINATION.test(decodeAscii(decodeAscii(url.pathname)))) return fallback;
  return path;
}

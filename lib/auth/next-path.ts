/**
 * Where to go after signing in. Only a path on this site is accepted: anything that a
 * browser could read as another origin (`//evil.example`, `/\evil.example`,
 * `https://…`, `javascript:…`) falls back to the things list, so the sign-in page can
 * never be used to bounce a user to a look-alike site.
 */
export const DEFAULT_AFTER_SIGN_IN = "/things";

const BASE = "http://console.invalid";

export function safeNextPath(raw: unknown, fallback: string = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return fallback;
  // Must be a path from the root; browsers treat `\` like `/`, and control characters are stripped.
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // Coming back to the sign-in page (or out through sign-out) would be a loop.
  if (url.pathname === "/sign-in" || url.pathname.startsWith("/sign-in/")) return fallback;
  url.searchParams.delete("_rsc");
  return `${url.pathname}${url.search}${url.hash}`;
}

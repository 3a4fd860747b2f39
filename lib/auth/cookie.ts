import type { SessionPolicy } from "./sessions";

/**
 * The session cookie's name and attributes, in a module with no server dependencies so
 * that proxy.ts (which only checks that the cookie is present) can import it without
 * pulling in the store. The cookie is the only credential: httpOnly (no script can read
 * it), SameSite=Lax (not sent on cross-site POSTs), Secure behind HTTPS, and it lives no
 * longer than the session's absolute lifetime.
 */
export const SESSION_COOKIE = "fc_session";

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  maxAge: number;
}

export function sessionCookieOptions(secure: boolean, policy: SessionPolicy): SessionCookieOptions {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: Math.floor(policy.absoluteMs / 1000) };
}

/** The attributes that delete the cookie (same name, path and flags; expired). */
export function clearedSessionCookieOptions(secure: boolean): Omit<SessionCookieOptions, "maxAge"> & { maxAge: 0 } {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 };
}

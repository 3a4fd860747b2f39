/**
 * What the sign-in page says when something sends a user back to it with `?error=<code>`
 * (the single sign-on callback, an ended session). Only these codes are shown; anything
 * else in the URL gets the generic message, so a crafted link cannot put arbitrary text
 * on the sign-in page.
 */
export const SIGNIN_ERROR_MESSAGES = {
  session_ended: "Your session has ended. Sign in again to continue.",
  oidc_failed: "Single sign-on did not complete. Try again, or ask an administrator if it keeps failing.",
  oidc_state: "The single sign-on attempt expired or was started in another tab. Try again.",
  oidc_denied: "The identity provider did not sign you in.",
  oidc_no_role: "Your account at the identity provider is not in any group that has access to this console. Ask an administrator.",
  oidc_disabled: "This account is disabled. Ask an administrator to enable it.",
  oidc_conflict: "A local account already uses this user name, so it cannot sign in through single sign-on. Ask an administrator.",
  oidc_unavailable: "The identity provider is not reachable right now. Try again in a minute, or sign in with a local account.",
} as const;

export type SigninErrorCode = keyof typeof SIGNIN_ERROR_MESSAGES;

const GENERIC = "Sign-in did not complete. Try again.";

export function signinErrorMessage(code: unknown): string | null {
  if (typeof code !== "string" || code === "") return null;
  return (SIGNIN_ERROR_MESSAGES as Record<string, string>)[code] ?? GENERIC;
}

/** "Try again in 1 minute." / "Try again in 12 minutes." */
export function retryAfterMessage(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Too many failed sign-ins for this account or address. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

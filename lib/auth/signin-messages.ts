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

/** "45 seconds", "1 minute", "12 minutes": rounded up, so the wait is never longer than said. */
export function waitText(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

/** What the sign-in form says when a limit (lib/auth/signin-limits.ts) refuses a check. */
export function signinBlockedMessage(block: { reason: "pair" | "account" | "address" | "unidentified"; retryAfterMs: number }): string {
  const wait = waitText(block.retryAfterMs);
  switch (block.reason) {
    case "pair":
      return `Too many failed sign-ins for this account from your address. Try again in ${wait}, or ask an administrator to unlock the account.`;
    case "account":
      return `Too many failed sign-ins for this account. Try again in ${wait}, or ask an administrator to unlock the account.`;
    case "address":
      return `Too many failed sign-ins from your address. Try again in ${wait}.`;
    case "unidentified":
      // Every client shares the address "unknown": a setup problem only the operator can fix.
      return `Too many failed sign-ins. Try again in ${wait}. The console cannot tell its users' addresses apart, so this limit holds everyone: ask an administrator to see the warning in the console's server log.`;
  }
}

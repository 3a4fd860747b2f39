"use client";

/**
 * For an error that says the session has ended: back to sign-in, then back here. The page
 * stays as it is until the user chooses to go (nothing they typed is thrown away by a
 * background poll that happened to get a 401).
 */
export function SignInAgainLink() {
  return (
    <a
      href="/sign-in"
      className="btn hover:no-underline"
      onClick={(e) => {
        e.preventDefault();
        const next = `${window.location.pathname}${window.location.search}`;
        window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
      }}
    >
      Sign in again
    </a>
  );
}

import type { ReactNode } from "react";
import { SignInAgainLink } from "@/components/auth/sign-in-again-link";
import { ERROR_TITLES, type AppErrorData } from "@/lib/errors";

/**
 * An error shown in place of the content that failed, with what happened and what to do.
 * Throttling and outages are amber (wait and retry); everything else is red. When the
 * session has ended, the way forward is signing in again, not retrying.
 */
export function ErrorNotice({ error, title, action: given }: { error: AppErrorData; title?: string; action?: ReactNode }) {
  const transient = error.code === "throttled" || error.code === "unavailable";
  // A session that ended is not fixed by retrying.
  const action = error.code === "unauthenticated" ? <SignInAgainLink /> : given;
  return (
    <div role="alert" className={`rounded border px-3 py-2 ${transient ? "border-warn/50 bg-warn/10" : "border-bad/50 bg-bad/10"}`}>
      <p className={`font-semibold ${transient ? "text-warn" : "text-bad"}`}>{title ?? ERROR_TITLES[error.code]}</p>
      <p className="mt-0.5 text-fg">{error.message}</p>
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}

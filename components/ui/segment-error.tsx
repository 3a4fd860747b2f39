"use client";

import { useEffect } from "react";
import { ERROR_MESSAGES, ERROR_TITLES, errorCodeOf } from "@/lib/errors";

/**
 * The body of every error.tsx. Production hides server error messages, so the code is
 * read from the digest our AppError sets (see lib/errors.ts) and the matching human
 * message is shown; an error that is not ours reads as "unexpected".
 */
export function SegmentError({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  const code = errorCodeOf(error) ?? "internal";
  const transient = code === "throttled" || code === "unavailable";
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className={`max-w-2xl rounded border px-4 py-3 ${transient ? "border-warn/50 bg-warn/10" : "border-bad/50 bg-bad/10"}`}>
      <h2 className={`text-base font-semibold ${transient ? "text-warn" : "text-bad"}`} title={ERROR_TITLES[code]}>
        Could not load {what}
      </h2>
      <p className="mt-1">{ERROR_MESSAGES[code]}</p>
      <button type="button" className="btn mt-3" onClick={() => retry()}>
        Retry
      </button>
    </div>
  );
}

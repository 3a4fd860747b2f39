/**
 * Shown while a throttled fleet-index call waits to be retried: throttling is the
 * account's quota at work, not a failure, so it reads as a status rather than an error.
 */
export function RateLimitedNotice({ attempt, what = "the search" }: { attempt: number; what?: string }) {
  return (
    <p role="status" className="flex items-center gap-2 rounded border border-warn/50 bg-warn/10 px-3 py-1.5 text-sm">
      <span className="inline-block size-3.5 animate-spin rounded-full border-2 border-warn border-t-transparent" aria-hidden="true" />
      <span className="font-semibold text-warn">Rate limited, retrying</span>
      <span className="text-muted">
        AWS IoT is throttling fleet-index calls; {what} is retried with backoff (attempt {attempt + 1}).
      </span>
    </p>
  );
}

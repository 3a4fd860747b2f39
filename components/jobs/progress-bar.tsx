import { formatCount } from "@/lib/format/count";
import { barSegments, EXECUTION_STATUS_LABELS } from "@/lib/jobs/status";
import type { ExecutionCounts, ExecutionStatus } from "@/lib/jobs/types";

/** Fill classes by status: the same tones as the badges. */
export const STATUS_FILL: Record<ExecutionStatus, string> = {
  SUCCEEDED: "bg-ok",
  FAILED: "bg-bad",
  REJECTED: "bg-bad/60",
  TIMED_OUT: "bg-warn",
  IN_PROGRESS: "bg-accent",
  QUEUED: "bg-accent/35",
  CANCELED: "bg-idle/60",
  REMOVED: "bg-idle/30",
};

/**
 * A job's executions as one bar, by status. The whole is the targets when known, so the
 * part not yet notified shows as empty track. The numbers are in the label (and the
 * legend), for screen readers and for colour-blind operators.
 */
export function ExecutionProgressBar({
  counts,
  targetCount = null,
  legend = false,
  className = "",
}: {
  counts: ExecutionCounts;
  targetCount?: number | null;
  legend?: boolean;
  className?: string;
}) {
  const { segments, notNotified, whole } = barSegments(counts, targetCount);
  const parts = segments.map((s) => `${formatCount(s.count)} ${EXECUTION_STATUS_LABELS[s.status].toLowerCase()}`);
  if (notNotified > 0) parts.push(`${formatCount(notNotified)} not yet notified`);
  const label = whole === 0 ? "No executions yet" : parts.join(", ");
  return (
    <div className={className}>
      <div role="img" aria-label={label} title={label} className="flex h-2.5 w-full min-w-24 overflow-hidden rounded-sm bg-surface-2 ring-1 ring-border">
        {segments.map((s) => (
          <span key={s.status} className={`${STATUS_FILL[s.status]} h-full`} style={{ width: `${s.percent}%` }} />
        ))}
      </div>
      {legend ? (
        <ul className="mt-1.5 flex flex-wrap gap-x-3 gap-y-1 text-xs" aria-hidden="true">
          {segments.map((s) => (
            <li key={s.status} className="inline-flex items-center gap-1">
              <span className={`inline-block size-2.5 rounded-sm ${STATUS_FILL[s.status]}`} />
              {EXECUTION_STATUS_LABELS[s.status]} <span className="font-mono tabular-nums">{formatCount(s.count)}</span>
            </li>
          ))}
          {notNotified > 0 ? (
            <li className="inline-flex items-center gap-1 text-muted">
              <span className="inline-block size-2.5 rounded-sm bg-surface-2 ring-1 ring-border" />
              Not yet notified <span className="font-mono tabular-nums">{formatCount(notNotified)}</span>
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}

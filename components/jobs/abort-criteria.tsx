import { formatCount } from "@/lib/format/count";
import { abortProximities, type AbortProximity } from "@/lib/jobs/abort";
import type { AbortCriterion, ExecutionCounts } from "@/lib/jobs/types";

const TYPE_LABEL: Record<AbortCriterion["failureType"], string> = {
  FAILED: "failed",
  REJECTED: "rejected",
  TIMED_OUT: "timed out",
  ALL: "failed, rejected or timed out",
};

const pct = (n: number) => `${n.toFixed(n < 10 && n > 0 ? 1 : 0)} %`;

/**
 * Each abort criterion with how close it is: the failure share against its threshold
 * (a meter), and what is still missing (things to notify before it applies, or failures
 * that would trip it). The closest first.
 */
export function AbortCriteriaList({ criteria, counts, active }: { criteria: readonly AbortCriterion[]; counts: ExecutionCounts; active: boolean }) {
  if (criteria.length === 0) return <p className="text-sm text-muted">No abort criteria: failures never stop this rollout on their own.</p>;
  return (
    <ul className="space-y-3" aria-label="Abort criteria">
      {abortProximities(criteria, counts).map((p, i) => (
        <CriterionRow key={i} p={p} active={active} />
      ))}
      <li className="text-xs text-muted">Shares are failures over things notified so far (AWS does not document the denominator).</li>
    </ul>
  );
}

function CriterionRow({ p, active }: { p: AbortProximity; active: boolean }) {
  const c = p.criterion;
  const tone = p.state === "tripped" ? "bg-bad" : p.ratio >= 0.75 ? "bg-warn" : "bg-accent";
  return (
    <li data-abort-state={p.state}>
      <p className="text-sm">
        Cancel when <span className="font-semibold">{pct(c.thresholdPercentage)}</span> of things notified have {TYPE_LABEL[c.failureType]}, after at least{" "}
        <span className="font-semibold">{formatCount(c.minNumberOfExecutedThings)}</span> notified
      </p>
      <div className="mt-1 flex items-center gap-2">
        <meter
          className="sr-only"
          min={0}
          max={c.thresholdPercentage || 100}
          value={Math.min(p.percent, c.thresholdPercentage || 100)}
          aria-label={`${pct(p.percent)} of ${pct(c.thresholdPercentage)}`}
        />
        <div aria-hidden="true" className="h-2 w-48 overflow-hidden rounded-sm bg-surface-2 ring-1 ring-border">
          <span className={`block h-full ${tone}`} style={{ width: `${p.ratio * 100}%` }} />
        </div>
        <span className="text-sm tabular-nums">
          {pct(p.percent)} <span className="text-muted">of {pct(c.thresholdPercentage)}</span>
        </span>
      </div>
      <p className="mt-0.5 text-xs text-muted">
        {formatCount(p.failures)} {TYPE_LABEL[c.failureType]} of {formatCount(p.notified)} notified ·{" "}
        {p.state === "tripped" ? (
          <span className="font-semibold text-bad">threshold reached{active ? "" : " (the job was stopped)"}</span>
        ) : p.state === "waiting" ? (
          `applies after ${formatCount(p.notifiedToGo)} more notified`
        ) : p.failuresToTrip !== null ? (
          <span className={p.ratio >= 0.75 ? "font-semibold text-warn" : ""}>
            {formatCount(p.failuresToTrip)} more {p.failuresToTrip === 1 ? "failure" : "failures"} in a row would cancel the job
          </span>
        ) : (
          "cannot be reached any more"
        )}
      </p>
    </li>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { AbortCriteriaList } from "@/components/jobs/abort-criteria";
import { CancelJobButton } from "@/components/jobs/cancel-job-dialog";
import { ExecutionProgressBar } from "@/components/jobs/progress-bar";
import { RetryFailedButton } from "@/components/jobs/retry-failed-dialog";
import { JobStatusBadge } from "@/components/jobs/status-badge";
import { liveQueryOptions, useLivePolling } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { KeyValues, Panel } from "@/components/ui/panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { formatUtc } from "@/lib/format/time";
import { JOB_POLL, jobRoute } from "@/lib/jobs/api";
import { formatEtaMinutes, jobEta, rateLabel } from "@/lib/jobs/eta";
import { ACTIVE_JOB, EXECUTION_STATUS_LABELS, jobMayChange, totalsOf } from "@/lib/jobs/status";
import type { ExecutionStatus, JobDetail, JobView as JobViewData, TargetCount } from "@/lib/jobs/types";
import { TargetsSummary } from "../jobs-table";
import { DocumentPanel } from "./document-panel";
import { ExecutionsSection } from "./executions-section";
import { ProgressOverTime } from "./progress-over-time";

interface Props {
  initial: JobViewData;
  /** Streamed from the server (groups are paged through): the page paints without waiting for it. */
  targetCount: Promise<TargetCount | null>;
  canWrite: boolean;
  /** registry.write: a retry of more than 100 things goes through a new thing group. */
  canCreateGroups: boolean;
  renderedAtMs: number;
}

/** The target count: undefined while it is being counted, null when it could not be. */
type TargetState = TargetCount | null | undefined;

/**
 * The job page's body: everything follows the live DescribeJob, every 5 s while the tab is
 * visible and the job may still change (lib/jobs/status.ts jobMayChange); once it has
 * ended and no execution is in progress, the figures are final and polling stops.
 */
export function JobView({ initial, targetCount: targetCountPromise, canWrite, canCreateGroups, renderedAtMs }: Props) {
  const live = useLivePolling();
  const options = liveQueryOptions(jobRoute, [initial.job.jobId], JOB_POLL, live);
  const q = useQuery({
    ...options,
    initialData: initial,
    refetchInterval: (query) => (jobMayChange(query.state.data?.job ?? initial.job) ? options.refetchInterval(query) : false),
    refetchOnWindowFocus: (query) => jobMayChange(query.state.data?.job ?? initial.job),
  });
  const { job } = q.data ?? initial;
  const targetCount = useResolved(targetCountPromise);
  const active = ACTIVE_JOB.has(job.status);
  const changing = jobMayChange(job);
  const totals = totalsOf(job.counts);

  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="font-mono text-xl font-bold break-all">{job.jobId}</h1>
            <span data-testid="job-status">
              <JobStatusBadge status={job.status} forceCanceled={job.forceCanceled} />
            </span>
            {job.targetSelection ? <span className="text-xs text-muted">{job.targetSelection === "CONTINUOUS" ? "continuous" : "snapshot"}</span> : null}
          </div>
          {job.description ? <p className="text-sm">{job.description}</p> : null}
          <p className="text-sm text-muted">
            Targets: <TargetsSummary targets={job.targets} />
          </p>
        </div>
        {canWrite ? (
          <div className="flex flex-wrap gap-2">
            {/* Only once the job has ended (AWS's own retries apply while it runs), and only when the
                retry would take something by default (failed or timed out; rejected ones are opt-in). */}
            {!active && totals.retryable > 0 ? (
              <RetryFailedButton jobId={job.jobId} retryable={totals.retryable} rejected={job.counts.REJECTED} canCreateGroups={canCreateGroups} />
            ) : null}
            {active ? <CancelJobButton jobId={job.jobId} inProgress={job.counts.IN_PROGRESS} /> : null}
          </div>
        ) : null}
      </header>

      {job.status === "CANCELED" ? (
        <div role="status" className="rounded border border-warn/50 bg-warn/10 px-3 py-2 text-sm">
          <span className="font-semibold">Canceled{job.forceCanceled ? " with force" : ""}</span>
          {job.reasonCode ? <span className="ml-2 font-mono">{job.reasonCode}</span> : null}
          {job.comment ? <span className="ml-2">“{job.comment}”</span> : null}
        </div>
      ) : null}
      {q.isError ? <ErrorNotice error={toErrorData(q.error)} title="Could not refresh the job (showing the last figures)" /> : null}

      <div className="grid gap-3 xl:grid-cols-2">
        <Panel title="Progress" id="panel-progress">
          <LiveCounts job={job} targetCount={targetCount} />
        </Panel>
        <Panel title="Abort criteria" id="panel-abort">
          <AbortCriteriaList criteria={job.abortCriteria} counts={job.counts} active={active} />
        </Panel>
        <div className="xl:col-span-2">
          <Panel title="Progress over time" id="panel-timeline">
            <ProgressOverTime job={job} targetCount={targetCount?.count ?? null} renderedAtMs={renderedAtMs} />
          </Panel>
        </div>
        <Panel title="Settings" id="panel-settings">
          <Settings job={job} targetCount={targetCount} />
        </Panel>
        <Panel title="Document" id="panel-document">
          <DocumentPanel jobId={job.jobId} documentSource={job.documentSource} />
        </Panel>
        <div className="xl:col-span-2">
          <Panel title="Executions" id="panel-executions">
            <ExecutionsSection jobId={job.jobId} counts={job.counts} active={changing} canWrite={canWrite} renderedAtMs={renderedAtMs} />
          </Panel>
        </div>
      </div>
    </div>
  );
}

const COUNT_ORDER: ExecutionStatus[] = ["QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "CANCELED", "REMOVED"];

/** A promise's value once it settles (undefined until then; a rejection reads as null). */
function useResolved<T>(promise: Promise<T | null>): T | null | undefined {
  const [settled, setSettled] = useState<{ promise: Promise<T | null>; value: T | null } | null>(null);
  useEffect(() => {
    let current = true;
    promise.then(
      (value) => current && setSettled({ promise, value }),
      () => current && setSettled({ promise, value: null }),
    );
    return () => {
      current = false;
    };
  }, [promise]);
  return settled?.promise === promise ? settled.value : undefined;
}

/** "10,000" or "at least 10,000". */
const targetLabel = (t: TargetCount) => `${t.atLeast ? "at least " : ""}${formatCount(t.count)}`;

function LiveCounts({ job, targetCount }: { job: JobDetail; targetCount: TargetState }) {
  const totals = totalsOf(job.counts);
  const eta = useMemo(() => jobEta(job, targetCount ?? null, Date.now()), [job, targetCount]);
  return (
    <div className="space-y-3">
      <ExecutionProgressBar counts={job.counts} targetCount={targetCount?.count ?? null} legend />
      <dl className="grid grid-cols-4 gap-2" aria-label="Executions by status">
        {COUNT_ORDER.map((s) => (
          <div key={s} className="rounded bg-surface-2 px-2 py-1" data-count={s}>
            <dt className="text-xs text-muted">{EXECUTION_STATUS_LABELS[s]}</dt>
            <dd className="font-mono text-lg tabular-nums">{formatCount(job.counts[s])}</dd>
          </div>
        ))}
      </dl>
      <p className="text-sm">
        <span className="font-semibold tabular-nums" data-testid="notified">
          {formatCount(totals.notified)}
        </span>
        {targetCount ? ` of ${targetLabel(targetCount)}` : ""} things notified · <span className="tabular-nums">{formatCount(totals.succeeded)}</span> succeeded
      </p>
      <p className="text-sm" data-testid="eta">
        <span className="text-muted">ETA: </span>
        {eta.kind === "ended"
          ? "the rollout has ended"
          : targetCount === undefined && eta.kind === "unknown"
            ? "counting the things targeted…"
            : eta.kind === "scheduled"
              ? eta.startMs !== null
                ? `scheduled to start ${formatUtc(eta.startMs)}`
                : "waiting for its schedule"
              : eta.kind === "unknown"
                ? `unknown (${eta.why})`
                : eta.kind === "notified"
                  ? "every target has been notified; waiting for the devices"
                  : eta.atLeast
                    ? `the ${formatCount(targetCount?.count ?? 0)} things counted are notified in ${formatEtaMinutes(eta.minutes)} (${formatUtc(eta.atMs)}), at the configured rate; the rest, not counted, after that`
                    : `every target notified in ${formatEtaMinutes(eta.minutes)} (${formatUtc(eta.atMs)}), at the configured rate`}
      </p>
    </div>
  );
}

function Settings({ job, targetCount }: { job: JobDetail; targetCount: TargetState }) {
  return (
    <KeyValues
      items={[
        { label: "Rate", value: rateLabel(job.rollout) },
        { label: "Things targeted", value: targetCount === undefined ? "counting…" : targetCount === null ? "unknown" : targetLabel(targetCount) },
        {
          label: "Timeout",
          value: job.inProgressTimeoutMinutes !== null ? `${formatCount(job.inProgressTimeoutMinutes)} min in progress, then timed out` : "none",
        },
        {
          label: "Retries",
          value: job.retryCriteria.length
            ? job.retryCriteria
                .map((r) => `${r.numberOfRetries}× on ${r.failureType === "ALL" ? "failed or timed out" : r.failureType.toLowerCase().replace("_", " ")}`)
                .join(", ")
            : "none",
        },
        ...(job.scheduledStartMs !== null ? [{ label: "Scheduled start", value: formatUtc(job.scheduledStartMs) }] : []),
        ...(job.scheduledEndMs !== null ? [{ label: "Scheduled end", value: formatUtc(job.scheduledEndMs) }] : []),
        { label: "Created", value: job.createdAtMs !== null ? <TimeAgo at={job.createdAtMs} /> : "—" },
        { label: "Last updated", value: job.lastUpdatedAtMs !== null ? <TimeAgo at={job.lastUpdatedAtMs} /> : "—" },
        ...(job.completedAtMs !== null ? [{ label: "Completed", value: <TimeAgo at={job.completedAtMs} /> }] : []),
        ...(job.jobTemplateArn ? [{ label: "Template", value: job.jobTemplateArn, mono: true }] : []),
        { label: "ARN", value: job.jobArn ?? "—", mono: true },
      ]}
    />
  );
}

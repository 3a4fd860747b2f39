"use client";

import Link from "next/link";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { AppError } from "@/lib/errors";
import { formatCount, plural } from "@/lib/format/count";
import type { BlastRadius, Bucket, OfflineBucket } from "@/lib/jobs/blast-radius";
import { CONFIRM_ABOVE_THINGS } from "@/lib/jobs/draft-request";

const pct = (n: number, total: number) => (total > 0 ? `${Math.round((n / total) * 100)}%` : "");

function minutesLabel(m: number): string {
  if (m < 60) return `${m} min`;
  if (m < 1440) return `${Math.round(m / 60)} h`;
  return `${Math.round(m / 1440)} d`;
}

function offlineLabel(b: OfflineBucket, timeoutMinutes: number | null): string {
  const range =
    b.maxMinutes === null
      ? `for ${minutesLabel(b.minMinutes)} or more`
      : b.minMinutes === 0
        ? `for under ${minutesLabel(b.maxMinutes)}`
        : `for ${minutesLabel(b.minMinutes)} – ${minutesLabel(b.maxMinutes)}`;
  const vsTimeout = timeoutMinutes !== null && b.minMinutes >= timeoutMinutes ? " (longer than the in-progress timeout)" : "";
  return `Offline ${range}${vsTimeout}`;
}

function Breakdown({ title, buckets, total, empty, testId }: { title: string; buckets: Bucket[]; total: number; empty: string; testId: string }) {
  const covered = buckets.reduce((n, b) => n + b.count, 0);
  return (
    <section aria-label={title} className="rounded border border-border bg-surface p-2" data-testid={testId}>
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">{title}</h3>
      {buckets.length === 0 ? (
        <p className="text-sm text-muted">{empty}</p>
      ) : (
        <table className="w-full text-sm">
          <tbody>
            {buckets.map((b) => (
              <tr key={b.key}>
                <td className="py-0.5 pr-2 font-mono break-all">{b.key}</td>
                <td className="py-0.5 text-right tabular-nums">{formatCount(b.count)}</td>
                <td className="w-12 py-0.5 text-right text-xs text-muted tabular-nums">{pct(b.count, total)}</td>
              </tr>
            ))}
            {total > covered && title !== "Groups" ? (
              <tr>
                <td className="py-0.5 pr-2 text-muted">other or none</td>
                <td className="py-0.5 text-right text-muted tabular-nums">{formatCount(total - covered)}</td>
                <td />
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Step 4: what the job reaches, before it exists. */
export function BlastStep({
  data,
  error,
  loading,
  timeoutMinutes,
  onRetry,
}: {
  data: BlastRadius | undefined;
  error: unknown;
  loading: boolean;
  timeoutMinutes: number | null;
  onRetry: () => void;
}) {
  if (loading && !data) return <LinesSkeleton lines={6} label="Computing the blast radius" />;
  if (error && !data) {
    const e = error instanceof AppError ? error.toData() : { code: "internal" as const, message: "The blast radius could not be computed." };
    return (
      <ErrorNotice
        error={e}
        title="Could not compute the blast radius"
        action={
          <button type="button" className="btn" onClick={onRetry}>
            Retry
          </button>
        }
      />
    );
  }
  if (!data) return <p className="text-sm text-muted">Choose the targets first.</p>;
  const total = data.total ?? 0;
  const base = data.sample?.things ?? total;
  const c = data.connectivity;
  return (
    <div className="space-y-3" data-testid="blast-radius">
      <p className="text-lg">
        This job reaches{" "}
        <strong data-testid="blast-total" className="tabular-nums">
          {data.total === null ? "an unknown number of" : formatCount(data.total)}
        </strong>{" "}
        {data.total === 1 ? "thing" : "things"} now.
        {data.total !== null && data.total > CONFIRM_ABOVE_THINGS ? (
          <span className="ml-2 text-sm text-warn">Over {formatCount(CONFIRM_ABOVE_THINGS)}: you will type the job id to confirm.</span>
        ) : null}
      </p>
      {data.total === 0 ? (
        <p role="alert" className="text-sm text-warn">
          No thing matches these targets: the job would do nothing now. Check the targets.
        </p>
      ) : null}
      {data.sample ? <p className="text-sm text-muted">The breakdown covers {plural(data.sample.things, "thing")} of them.</p> : null}
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4">
        <section aria-label="Connectivity" className="rounded border border-border bg-surface p-2" data-testid="blast-connectivity">
          <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Connectivity</h3>
          {c ? (
            <table className="w-full text-sm">
              <tbody>
                <tr>
                  <td className="py-0.5 pr-2 text-ok">Online now</td>
                  <td className="py-0.5 text-right tabular-nums">{formatCount(c.online)}</td>
                  <td className="w-12 py-0.5 text-right text-xs text-muted">{pct(c.online, base)}</td>
                </tr>
                {c.offline.map((b) => (
                  <tr key={b.minMinutes}>
                    <td className={`py-0.5 pr-2 ${timeoutMinutes !== null && b.minMinutes >= timeoutMinutes ? "text-bad" : "text-warn"}`}>
                      {offlineLabel(b, timeoutMinutes)}
                    </td>
                    <td className="py-0.5 text-right tabular-nums">{formatCount(b.count)}</td>
                    <td className="w-12 py-0.5 text-right text-xs text-muted">{pct(b.count, base)}</td>
                  </tr>
                ))}
                {c.unknown ? (
                  <tr>
                    <td className="py-0.5 pr-2 text-muted">Never connected / unknown</td>
                    <td className="py-0.5 text-right tabular-nums">{formatCount(c.unknown)}</td>
                    <td />
                  </tr>
                ) : null}
              </tbody>
            </table>
          ) : (
            <p className="text-sm text-muted">Not indexed.</p>
          )}
          <p className="mt-1 text-xs text-muted">
            Offline things stay queued until they reconnect; the in-progress timeout{timeoutMinutes !== null ? ` (${minutesLabel(timeoutMinutes)})` : ""} starts
            only once one starts.
          </p>
        </section>
        <Breakdown title="Thing types" buckets={data.byThingType} total={base} empty="No thing type set." testId="blast-types" />
        {data.byAgentVersion ? (
          <Breakdown title="Agent versions" buckets={data.byAgentVersion} total={base} empty="No version reported." testId="blast-versions" />
        ) : (
          <section aria-label="Agent versions" className="rounded border border-border bg-surface p-2">
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Agent versions</h3>
            <p className="text-sm text-muted">No agent-version field is indexed.</p>
          </section>
        )}
        <Breakdown title="Groups" buckets={data.byGroup} total={base} empty="In no group." testId="blast-groups" />
      </div>
      <section aria-label="Other active jobs" className="rounded border border-border bg-surface p-2" data-testid="blast-active-jobs">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Things already in other active jobs</h3>
        {data.activeJobs.length === 0 ? (
          <p className="text-sm text-muted">No other job is in progress or scheduled.</p>
        ) : (
          <ul className="text-sm">
            {data.activeJobs.map((j) => (
              <li key={j.jobId}>
                <Link href={`/jobs/${encodeURIComponent(j.jobId)}`} className="font-mono">
                  {j.jobId}
                </Link>{" "}
                <span className="text-xs text-muted">({j.status.toLowerCase().replace("_", " ")})</span>:{" "}
                {j.overlap === null ? (
                  <span className="text-muted">overlap not computable</span>
                ) : (
                  <span className={j.overlap > 0 ? "text-warn" : ""}>{plural(j.overlap, "thing")} in common</span>
                )}
              </li>
            ))}
            {data.moreActiveJobs ? <li className="text-muted">…and more active jobs, not compared.</li> : null}
          </ul>
        )}
      </section>
      {data.notes.length ? (
        <ul className="list-disc pl-5 text-xs text-muted">
          {data.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

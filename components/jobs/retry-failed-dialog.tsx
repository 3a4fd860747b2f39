"use client";

import Link from "next/link";
import { useId, useState, useTransition } from "react";
import { Dialog } from "@/components/ui/dialog";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldControl } from "@/components/ui/field";
import { retryFailedExecutions } from "@/lib/actions/retry-failed-executions";
import type { AppErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { retryJobId } from "@/lib/jobs/cancel-input";

/** A job names at most this many things; more need a new static thing group (lib/aws/jobs-retry.ts). */
const MAX_DIRECT_TARGETS = 100;

interface RetryProps {
  jobId: string;
  retryable: number;
  rejected: number;
  /**
   * Whether the viewer may create thing groups (registry.write, admins), needed above 100
   * things. Unknown (not passed): the dialog says so and lets the server decide.
   */
  canCreateGroups?: boolean;
}

/**
 * "Retry the failed": a new job with this job's document and settings for the things whose
 * execution failed or timed out (AWS re-runs no finished execution; see lib/aws/jobs-retry.ts).
 */
export function RetryFailedButton({ jobId, retryable, rejected, canCreateGroups }: RetryProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Retry the failed…
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Retry the failed">
        <RetryForm jobId={jobId} retryable={retryable} rejected={rejected} canCreateGroups={canCreateGroups} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RetryForm({ jobId, retryable, rejected, canCreateGroups, onDone }: RetryProps & { onDone: () => void }) {
  const id = useId();
  const [newJobId, setNewJobId] = useState(retryJobId(jobId));
  const [includeRejected, setIncludeRejected] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [created, setCreated] = useState<{ jobId: string; things: number; group: string | null } | null>(null);
  const [pending, startTransition] = useTransition();

  if (created) {
    return (
      <div className="space-y-3" role="status">
        <p>
          Created job <span className="font-mono font-semibold">{created.jobId}</span> for {formatCount(created.things)}{" "}
          {created.things === 1 ? "thing" : "things"}
          {created.group ? (
            <>
              {" "}
              (through the new thing group <span className="font-mono">{created.group}</span>)
            </>
          ) : null}
          .
        </p>
        <div className="flex justify-end gap-2">
          <Link className="btn btn-primary hover:no-underline" href={`/jobs/${encodeURIComponent(created.jobId)}`}>
            Open {created.jobId}
          </Link>
          <button type="button" className="btn" onClick={onDone}>
            Close
          </button>
        </div>
      </div>
    );
  }

  const things = retryable + (includeRejected ? rejected : 0);
  const needsGroup = things > MAX_DIRECT_TARGETS;
  const blocked = needsGroup && canCreateGroups === false;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (blocked) return;
    startTransition(async () => {
      const r = await retryFailedExecutions({ jobId, newJobId, includeRejected });
      if (r.ok) {
        setCreated(r.data);
        return;
      }
      const errors = { ...(r.fieldErrors ?? {}) };
      if (r.error.reason === "job_id_taken") errors.newJobId = r.error.message;
      setFieldErrors(errors);
      setError(errors.newJobId ? null : r.error);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Retry the failed" className="space-y-3">
      <p className="text-sm">
        A new job runs this job’s document, with its rollout, abort, timeout and retry settings, on the {formatCount(retryable)} things whose execution failed
        or timed out. AWS IoT re-runs no finished execution itself, so the retry is a job of its own.
      </p>
      <Field id={`${id}-job`} label="New job id" error={fieldErrors.newJobId} hint="Letters, digits, “_” or “-”; up to 64.">
        <input
          {...fieldControl(`${id}-job`, "newJobId", fieldErrors.newJobId, true)}
          className="input font-mono"
          value={newJobId}
          maxLength={64}
          data-autofocus
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setNewJobId(e.target.value)}
        />
      </Field>
      {rejected > 0 ? (
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="includeRejected" checked={includeRejected} onChange={(e) => setIncludeRejected(e.target.checked)} className="mt-1" />
          <span>
            Also the {formatCount(rejected)} that <span className="font-semibold">rejected</span> the job (the device refused it; AWS never retries those).
          </span>
        </label>
      ) : null}
      {needsGroup ? (
        <p className={`text-sm ${blocked ? "text-bad" : "text-warn"}`} role={blocked ? "alert" : undefined} data-testid="retry-group-note">
          {formatCount(things)} things are more than the {MAX_DIRECT_TARGETS} a job can name, so the retry puts them in a new static thing group{" "}
          <span className="font-mono">job-{newJobId || "…"}</span>.{" "}
          {blocked
            ? "Creating thing groups is for admins (registry.write): ask an admin to create this retry."
            : canCreateGroups
              ? "The group stays after the job; it is in the audit trail."
              : "Creating thing groups is for admins (registry.write): for other roles the console refuses this retry."}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} title="Could not create the retry" /> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={pending || blocked}>
          {pending ? "Creating…" : "Create retry job"}
        </button>
      </div>
    </form>
  );
}

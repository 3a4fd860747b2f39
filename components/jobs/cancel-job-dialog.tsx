"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, useTransition } from "react";
import { Dialog } from "@/components/ui/dialog";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldControl } from "@/components/ui/field";
import { cancelJob } from "@/lib/actions/cancel-job";
import type { AppErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { jobKeys } from "@/lib/jobs/api";

/**
 * Cancel (or force-cancel) a job with a reason. Shown only to roles with jobs.write; the
 * server action checks again and records the reason and AWS's request id.
 */
export function CancelJobButton({ jobId, inProgress }: { jobId: string; inProgress: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn border-bad/60 text-bad" onClick={() => setOpen(true)}>
        Cancel job…
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Cancel job ${jobId}`}>
        <CancelJobForm jobId={jobId} inProgress={inProgress} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CancelJobForm({ jobId, inProgress, onDone }: { jobId: string; inProgress: number; onDone: () => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [force, setForce] = useState(false);
  const [reasonCode, setReasonCode] = useState("");
  const [comment, setComment] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await cancelJob({ jobId, force, reasonCode, comment });
      if (r.ok) {
        await queryClient.invalidateQueries({ queryKey: jobKeys.all });
        onDone();
        return;
      }
      setFieldErrors(r.fieldErrors ?? {});
      setError(r.fieldErrors && Object.keys(r.fieldErrors).some((k) => k === "comment" || k === "reasonCode") ? null : r.error);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Cancel job" className="space-y-3">
      <p className="text-sm">
        Canceling stops the rollout: no more things are notified, and queued executions are canceled.
        {inProgress > 0 ? ` ${formatCount(inProgress)} in progress will finish unless you force.` : ""}
      </p>
      <Field id={`${id}-comment`} label="Why (kept on the job and in the audit trail)" error={fieldErrors.comment}>
        <input
          {...fieldControl(`${id}-comment`, "comment", fieldErrors.comment)}
          className="input"
          value={comment}
          maxLength={2028}
          data-autofocus
          placeholder="e.g. install failures on 7.3.0"
          onChange={(e) => setComment(e.target.value)}
        />
      </Field>
      <Field id={`${id}-reason`} label="Reason code (optional)" error={fieldErrors.reasonCode} hint="Upper-case letters, digits and “_”.">
        <input
          {...fieldControl(`${id}-reason`, "reasonCode", fieldErrors.reasonCode, true)}
          className="input font-mono"
          value={reasonCode}
          maxLength={128}
          placeholder="BAD_BUILD"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setReasonCode(e.target.value.toUpperCase())}
        />
      </Field>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="force" checked={force} onChange={(e) => setForce(e.target.checked)} className="mt-1" />
        <span>
          <span className="font-semibold">Force</span>: also cancel executions in progress. A device in the middle of an update may be left half-done.
        </span>
      </label>
      {error ? <ErrorNotice error={error} title="Could not cancel the job" /> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onDone}>
          Keep running
        </button>
        <button type="submit" className="btn border-bad bg-bad text-white" disabled={pending}>
          {pending ? "Canceling…" : force ? "Force-cancel job" : "Cancel job"}
        </button>
      </div>
    </form>
  );
}

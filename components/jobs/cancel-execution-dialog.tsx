"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { Dialog } from "@/components/ui/dialog";
import { ErrorNotice } from "@/components/ui/error-notice";
import { cancelJobExecution } from "@/lib/actions/cancel-job-execution";
import type { AppErrorData } from "@/lib/errors";
import { jobKeys } from "@/lib/jobs/api";
import type { ExecutionStatus } from "@/lib/jobs/types";

/**
 * Cancel one thing's execution. A queued one is canceled as asked; one in progress needs
 * force (AWS refuses it otherwise), which the dialog asks for explicitly.
 */
export function CancelExecutionButton({ jobId, thingName, status }: { jobId: string; thingName: string; status: ExecutionStatus }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn px-1.5 py-0 text-xs" onClick={() => setOpen(true)} aria-label={`Cancel the execution on ${thingName}`}>
        Cancel
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Cancel this execution">
        <CancelExecutionForm jobId={jobId} thingName={thingName} status={status} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CancelExecutionForm({ jobId, thingName, status, onDone }: { jobId: string; thingName: string; status: ExecutionStatus; onDone: () => void }) {
  const queryClient = useQueryClient();
  const running = status === "IN_PROGRESS";
  const [force, setForce] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await cancelJobExecution({ jobId, thingName, force });
      if (r.ok) {
        await queryClient.invalidateQueries({ queryKey: jobKeys.all });
        onDone();
      } else setError(r.error);
    });
  };
  return (
    <form onSubmit={submit} aria-label="Cancel execution" className="space-y-3">
      <p className="text-sm">
        Cancel <span className="font-mono font-semibold">{thingName}</span>’s execution of <span className="font-mono font-semibold">{jobId}</span>. The rest of
        the rollout goes on.
      </p>
      {running ? (
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="force" checked={force} onChange={(e) => setForce(e.target.checked)} className="mt-1" data-autofocus />
          <span>
            <span className="font-semibold">Force</span>: this execution is in progress; AWS cancels it only with force, and the device may be left mid-update.
          </span>
        </label>
      ) : null}
      {error ? <ErrorNotice error={error} title="Could not cancel the execution" /> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onDone}>
          Keep it
        </button>
        <button type="submit" className="btn border-bad bg-bad text-white" disabled={pending || (running && !force)}>
          {pending ? "Canceling…" : "Cancel execution"}
        </button>
      </div>
    </form>
  );
}

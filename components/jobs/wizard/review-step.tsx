"use client";

import { useEffect, useId, useState, useTransition } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { createRolloutJob } from "@/lib/actions/create-job";
import { previewCreateJob } from "@/lib/actions/preview-create-job";
import type { AppErrorData } from "@/lib/errors";
import { formatCount, plural } from "@/lib/format/count";
import type { JobDraft, WizardStep } from "@/lib/jobs/draft";
import { stepOfField, type CreateJobRequest } from "@/lib/jobs/draft-request";

function prettyDocument(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

interface Preview {
  request: CreateJobRequest;
  targetsTotal: number;
  thingCount: number | null;
  needsConfirmation: boolean;
  createsDynamicGroup: string | null;
  createsStaticGroup: { name: string; things: number } | null;
}

/** A failed action's error, with the field it is about as its reason (the server's schema errors name `draft.<field>`). */
function withField(error: AppErrorData, fieldErrors: Record<string, string> | undefined): AppErrorData {
  const first = fieldErrors ? Object.entries(fieldErrors)[0] : undefined;
  if (!first || error.reason) return error;
  const field = first[0].replace(/^draft\./, "");
  return { ...error, message: first[1], reason: `field:${field}` };
}

/** An action that threw instead of answering (network, request too large): shown in place, never the error page. */
function thrownError(err: unknown, what: string): AppErrorData {
  const detail = err instanceof Error && err.message ? ` (${err.message.slice(0, 200)})` : "";
  return {
    code: "unavailable",
    message: `The console could not ${what}${detail}. Check the connection and try again; your draft is kept. A very large draft (document or thing list) can also be refused.`,
  };
}

/**
 * Step 5: the exact CreateJob request (built on the server, from the same draft the
 * create action receives), the typed confirmation over 1,000 things, and Create.
 */
export function ReviewStep({ draft, onGoTo, onCreated }: { draft: JobDraft; onGoTo: (s: WizardStep) => void; onCreated: (jobId: string) => void }) {
  const id = useId();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<AppErrorData | null>(null);
  const [loading, startPreview] = useTransition();
  const [creating, startCreate] = useTransition();
  const [confirm, setConfirm] = useState("");
  const [createError, setCreateError] = useState<AppErrorData | null>(null);
  const [attempt, setAttempt] = useState(0);

  // The preview follows the draft: a change made on another step is shown here on return.
  const snapshot = JSON.stringify({ ...draft, step: "review", savedAtMs: 0 });
  useEffect(() => {
    startPreview(async () => {
      try {
        const r = await previewCreateJob({ draft: JSON.parse(snapshot) as JobDraft });
        if (r.ok) {
          setPreview(r.data);
          setPreviewError(null);
        } else {
          setPreview(null);
          setPreviewError(withField(r.error, r.fieldErrors));
        }
      } catch (err) {
        setPreview(null);
        setPreviewError(thrownError(err, "build the CreateJob request"));
      }
    });
  }, [snapshot, attempt]);

  const fieldStep = (e: AppErrorData | null) => (e?.reason?.startsWith("field:") ? stepOfField(e.reason.slice("field:".length)) : null);
  const confirmOk = !preview?.needsConfirmation || confirm === draft.jobId;

  const create = () => {
    setCreateError(null);
    startCreate(async () => {
      try {
        const r = await createRolloutJob({ draft, confirmJobId: preview?.needsConfirmation ? confirm : undefined });
        if (r.ok) onCreated(r.data.jobId);
        else setCreateError(withField(r.error, r.fieldErrors));
      } catch (err) {
        // Whether AWS created the job is not known: the jobs list tells.
        setCreateError(thrownError(err, "reach the server to create the job; look at the jobs list before trying again"));
      }
    });
  };

  if (loading && !preview) return <LinesSkeleton lines={8} label="Building the CreateJob request" />;
  if (previewError) {
    const step = fieldStep(previewError);
    return (
      <ErrorNotice
        error={previewError}
        title="The job cannot be created yet"
        action={
          <div className="flex gap-2">
            {step && step !== "review" ? (
              <button type="button" className="btn" onClick={() => onGoTo(step)}>
                Go to {step === "blast" ? "blast radius" : step}
              </button>
            ) : null}
            <button type="button" className="btn" onClick={() => setAttempt((n) => n + 1)}>
              Check again
            </button>
          </div>
        }
      />
    );
  }
  if (!preview) return null;
  const createStep = fieldStep(createError);
  return (
    <div className="space-y-3">
      <p className="text-sm">
        Job <span className="font-mono font-semibold">{draft.jobId}</span> reaches{" "}
        <strong data-testid="review-thing-count">{preview.thingCount === null ? "an unknown number of things" : plural(preview.thingCount, "thing")}</strong>
        {preview.createsDynamicGroup ? (
          <>
            {" "}
            through the new dynamic group <span className="font-mono">{preview.createsDynamicGroup}</span>, created just before the job
          </>
        ) : null}
        {preview.createsStaticGroup ? (
          <>
            {" "}
            through the new thing group <span className="font-mono">{preview.createsStaticGroup.name}</span> holding them (a job has at most 100 targets),
            created just before the job
          </>
        ) : null}
        .
      </p>
      <div>
        <h3 id={`${id}-req`} className="mb-1 text-xs font-semibold text-muted">
          The CreateJob request, exactly as it will be sent
          {preview.targetsTotal > preview.request.targets.length
            ? ` (the first ${formatCount(preview.request.targets.length)} of ${formatCount(preview.targetsTotal)} targets shown)`
            : ""}
        </h3>
        <pre
          aria-labelledby={`${id}-req`}
          tabIndex={0}
          className="max-h-[28rem] overflow-auto rounded border border-border bg-surface-2 p-2 font-mono text-[13px] whitespace-pre-wrap"
          data-testid="create-job-request"
        >
          {JSON.stringify(preview.request, null, 2)}
        </pre>
        <details className="mt-2">
          <summary className="cursor-pointer text-xs font-semibold text-muted">The document, decoded</summary>
          <pre className="mt-1 max-h-72 overflow-auto rounded border border-border bg-surface-2 p-2 font-mono text-[13px] whitespace-pre-wrap">
            {prettyDocument(preview.request.document)}
          </pre>
        </details>
      </div>
      {preview.needsConfirmation ? (
        <div className="flex flex-col gap-0.5 rounded border border-warn/50 bg-warn/10 p-2">
          <label htmlFor={`${id}-confirm`} className="text-sm font-semibold">
            {preview.thingCount === null
              ? "The number of things is not known. Type the job id to confirm."
              : `This reaches ${formatCount(preview.thingCount)} things. Type the job id to confirm.`}
          </label>
          <input
            id={`${id}-confirm`}
            className="input w-72 font-mono"
            value={confirm}
            autoComplete="off"
            spellCheck={false}
            placeholder={draft.jobId}
            aria-invalid={confirm !== "" && !confirmOk ? true : undefined}
            onChange={(e) => setConfirm(e.target.value)}
          />
          {confirm !== "" && !confirmOk ? <span className="text-xs text-bad">That is not the job id.</span> : null}
        </div>
      ) : null}
      {createError ? (
        <ErrorNotice
          error={createError}
          title="The job was not created"
          action={
            createStep && createStep !== "review" ? (
              <button type="button" className="btn" onClick={() => onGoTo(createStep)}>
                Go to {createStep}
              </button>
            ) : undefined
          }
        />
      ) : null}
      <div className="flex items-center gap-2">
        <button type="button" className="btn btn-primary" disabled={creating || loading || !confirmOk} onClick={create}>
          {creating ? "Creating…" : "Create job"}
        </button>
        {loading ? <span className="text-xs text-muted">Refreshing the request…</span> : null}
        <span className="text-xs text-muted">Your draft is kept until the job exists.</span>
      </div>
    </div>
  );
}

"use client";

import { keepPreviousData } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { useRouteQuery } from "@/components/query/use-route-query";
import { blastRadiusRoute } from "@/lib/jobs/blast-radius-routes";
import { WIZARD_STEPS, type JobDraft, type WizardStep } from "@/lib/jobs/draft";
import { draftErrors, stepOfField } from "@/lib/jobs/draft-request";
import { BlastStep } from "./blast-step";
import { DocumentStep } from "./document-step";
import { ReviewStep } from "./review-step";
import { RolloutStep } from "./rollout-step";
import { TargetsStep } from "./targets-step";
import { useJobDraft } from "./use-job-draft";
import { fieldId, type WizardContext } from "./wizard-types";

const TITLES: Record<WizardStep, string> = {
  targets: "Targets",
  document: "Document",
  rollout: "Rollout",
  blast: "Blast radius",
  review: "Review and create",
};

/**
 * The new-rollout wizard: five steps over one draft (lib/jobs/draft.ts) kept in this
 * browser. Each step's problems come from the same checks the server runs again
 * (lib/jobs/draft-request.ts); they show once the operator tries to go on, with links to
 * the fields. The blast radius and the review are computed on the server.
 */
export function RolloutWizard({ ctx }: { ctx: WizardContext }) {
  const { draft, update, discard, storageError, repaired } = useJobDraft(ctx.username);
  if (!draft) return <LinesSkeleton lines={8} label="Loading your draft" />;
  return <Wizard ctx={ctx} draft={draft} update={update} discard={discard} storageError={storageError} repaired={repaired} />;
}

/** `value`, once it has stopped changing for `ms` (the first value at once). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

function Wizard({
  ctx,
  draft,
  update,
  discard,
  storageError,
  repaired,
}: {
  ctx: WizardContext;
  draft: JobDraft;
  update: ReturnType<typeof useJobDraft>["update"];
  discard: () => void;
  storageError: boolean;
  repaired: string[];
}) {
  const router = useRouter();
  const [shown, setShown] = useState<Partial<Record<WizardStep, boolean>>>({});
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const heading = useRef<HTMLHeadingElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    const t = setInterval(() => setNowMs(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  const errors = useMemo(
    () => draftErrors(draft, { nowMs, region: ctx.region, canCreateGroups: ctx.canCreateGroups }),
    [draft, nowMs, ctx.region, ctx.canCreateGroups],
  );
  const errorsOf = (s: WizardStep) => Object.fromEntries(Object.entries(errors).filter(([f]) => stepOfField(f) === s));
  const step = draft.step;
  const stepErrors = errorsOf(step);
  const targetsOk = Object.keys(errorsOf("targets")).every((f) => f === "jobId" || f === "description");

  // The timeout only changes the overlap note: counted again once it has stopped changing, not on every keystroke.
  const settledTimeout = useSettled(draft.timeoutMinutes, 600);
  const blast = useRouteQuery(blastRadiusRoute, [draft.targets, settledTimeout], {
    enabled: targetsOk && (step === "blast" || step === "rollout"),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    retry: false,
  });

  useEffect(() => {
    // Focus follows the step for keyboard and screen-reader users (not on first load).
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const goTo = (s: WizardStep) => update((d) => ({ ...d, step: s }));
  const index = WIZARD_STEPS.indexOf(step);
  const next = () => {
    if (Object.keys(stepErrors).length) {
      setShown((x) => ({ ...x, [step]: true }));
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    const n = WIZARD_STEPS[index + 1];
    if (n) goTo(n);
  };
  const show = !!shown[step];
  const thingCount = blast.data?.total ?? (draft.targets.kind === "things" && draft.targets.thingNames.length ? draft.targets.thingNames.length : null);
  const props = { draft, update, errors: stepErrors, showErrors: show, ctx };

  return (
    <div className="space-y-3" data-testid="rollout-wizard">
      <nav aria-label="Wizard steps">
        <ol className="flex flex-wrap gap-1">
          {WIZARD_STEPS.map((s, i) => {
            const bad = Object.keys(errorsOf(s)).length > 0 && shown[s];
            return (
              <li key={s}>
                <button
                  type="button"
                  aria-current={s === step ? "step" : undefined}
                  className={`rounded border px-2.5 py-1 text-sm ${s === step ? "border-accent bg-accent text-accent-fg" : bad ? "border-bad/60 text-bad" : "border-border bg-surface-2 text-fg hover:border-accent"}`}
                  onClick={() => goTo(s)}
                >
                  {i + 1}. {TITLES[s]}
                  {bad ? <span className="sr-only"> (has problems)</span> : null}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>

      <section aria-labelledby="wz-step-title" className="rounded border border-border bg-surface">
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-3 py-2">
          <h2 id="wz-step-title" ref={heading} tabIndex={-1} className="text-base font-semibold outline-none">
            Step {index + 1} of {WIZARD_STEPS.length}: {TITLES[step]}
          </h2>
          <p className="text-xs text-muted" aria-live="polite">
            {storageError ? <span className="text-warn">This browser does not keep the draft (storage unavailable).</span> : "Draft kept in this browser"}
          </p>
        </header>
        <div className="space-y-3 px-3 py-3">
          {repaired.length ? (
            <div role="status" className="rounded border border-warn/50 bg-warn/10 px-3 py-2 text-sm" data-testid="draft-repaired">
              Your saved draft was restored, but some fields were over their limits or unreadable and were cut or reset:{" "}
              {repaired.map((f, i) => (
                <span key={f}>
                  {i ? ", " : ""}
                  <button type="button" className="underline" onClick={() => goTo(stepOfField(f))}>
                    {f}
                  </button>
                </span>
              ))}
              . Check them before creating the job.
            </div>
          ) : null}
          {show && Object.keys(stepErrors).length ? (
            <div ref={summary} tabIndex={-1} role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2 outline-none" data-testid="step-errors">
              <p className="font-semibold text-bad">Fix these to go on:</p>
              <ul className="mt-1 list-disc pl-5 text-sm">
                {Object.entries(stepErrors).map(([f, m]) => (
                  <li key={f}>
                    <a
                      href={`#${fieldId(f)}`}
                      onClick={(e) => {
                        const el = document.getElementById(fieldId(f));
                        if (el) {
                          e.preventDefault();
                          // A section (the editor, the uploader): its first control.
                          const control = el.matches("input, select, textarea, button")
                            ? el
                            : el.querySelector<HTMLElement>("[contenteditable=true], input, select, textarea, button");
                          (control ?? el).focus();
                        }
                      }}
                    >
                      {m}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {step === "targets" ? <TargetsStep {...props} /> : null}
          {step === "document" ? <DocumentStep {...props} /> : null}
          {step === "rollout" ? <RolloutStep {...props} targetCount={thingCount} /> : null}
          {step === "blast" ? (
            targetsOk ? (
              <BlastStep
                data={blast.data}
                error={blast.error}
                loading={blast.isFetching}
                timeoutMinutes={draft.timeoutMinutes}
                onRetry={() => void blast.refetch()}
              />
            ) : (
              <p className="text-sm text-warn">
                Choose valid targets first.{" "}
                <button type="button" className="btn" onClick={() => goTo("targets")}>
                  Go to targets
                </button>
              </p>
            )
          ) : null}
          {step === "review" ? (
            <ReviewStep
              draft={draft}
              onGoTo={(s) => {
                setShown((x) => ({ ...x, [s]: true }));
                goTo(s);
              }}
              onCreated={(jobId) => {
                discard();
                router.push(`/jobs/${encodeURIComponent(jobId)}`);
              }}
            />
          ) : null}
        </div>
        <footer className="flex flex-wrap items-center justify-between gap-2 border-t border-border px-3 py-2">
          <div className="flex gap-2">
            <button type="button" className="btn" disabled={index === 0} onClick={() => goTo(WIZARD_STEPS[index - 1]!)}>
              Back
            </button>
            {step !== "review" ? (
              <button type="button" className="btn btn-primary" onClick={next}>
                Next: {TITLES[WIZARD_STEPS[index + 1]!]}
              </button>
            ) : null}
          </div>
          {confirmDiscard ? (
            <span className="flex items-center gap-2 text-sm">
              Discard everything typed?
              <button
                type="button"
                className="btn border-bad/60 text-bad"
                onClick={() => {
                  discard();
                  setShown({});
                  setConfirmDiscard(false);
                }}
              >
                Discard
              </button>
              <button type="button" className="btn" onClick={() => setConfirmDiscard(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button type="button" className="btn" onClick={() => setConfirmDiscard(true)}>
              Discard draft…
            </button>
          )}
        </footer>
      </section>
    </div>
  );
}

"use client";

import { useDeferredValue, useId, useMemo, useState } from "react";
import { Field, fieldControl } from "@/components/ui/field";
import { formatCount } from "@/lib/format/count";
import { MAX_DOCUMENT_TEXT } from "@/lib/jobs/draft";
import { checkJobDocument, JOB_DOCUMENT_MAX_BYTES } from "@/lib/jobs/document";
import { useRouteQuery } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { fetchRoute } from "@/lib/http/get-json";
import { toErrorData, type AppErrorData } from "@/lib/errors";
import {
  applyAgentUpdateFields,
  awsTemplateId,
  DOCUMENT_TEMPLATES,
  jobTemplateRoute,
  jobTemplatesRoute,
  withAgentUpdateFields,
} from "@/lib/jobs/document-templates";
import { ArtifactUploader } from "./artifact-uploader";
import { DocumentEditor } from "./document-editor";
import { NumberInput } from "./number-input";
import { fieldId, type StepProps } from "./wizard-types";

/** Step 2: the job document, from a template or typed, checked as it is typed; for agent-update, the artifact. */
export function DocumentStep({ draft, update, errors, showErrors, ctx }: StepProps) {
  const id = useId();
  const text = useDeferredValue(draft.document.text);
  const check = useMemo(() => checkJobDocument(text, { region: ctx.region }), [text, ctx.region]);
  // An unfinished upload stays visible whatever the document, so it can be resumed or forgotten.
  const isAgentUpdate = check.operation === "agent-update" || draft.document.templateId === "agent-update" || (draft.artifact !== null && !draft.artifact.done);
  const err = (f: string) => (showErrors ? errors[f] : undefined);
  // Text over the draft's limit is not saved (the draft could not be stored and reloaded): said, and the last text that fit kept.
  const [oversized, setOversized] = useState<number | null>(null);
  const setText = (t: string, templateId?: string | null) => {
    if (t.length > MAX_DOCUMENT_TEXT) {
      setOversized(t.length);
      return;
    }
    setOversized(null);
    update((d) => ({ ...d, document: { ...d.document, text: t, ...(templateId !== undefined ? { templateId } : {}) } }));
  };
  const overLimit = check.bytes > JOB_DOCUMENT_MAX_BYTES;
  // Typed errors show as they are typed (that is the point of the editor), the "empty" one only after Next.
  const liveIssues = text.trim() ? check.issues : showErrors ? check.issues : [];
  // The version and artifact are written into the document only while it parses; typed text is never replaced.
  const fieldsBlocked = isAgentUpdate && text.trim() !== "" && !applyAgentUpdateFields(text, {}).applied;

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="mb-1 text-xs font-semibold text-muted">Start from a template</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {DOCUMENT_TEMPLATES.map((t) => (
            <button
              key={t.id}
              type="button"
              aria-pressed={draft.document.templateId === t.id}
              className={`rounded border px-3 py-2 text-left text-sm ${draft.document.templateId === t.id ? "border-accent bg-accent/10" : "border-border bg-surface-2 hover:border-accent"}`}
              onClick={() => {
                const next =
                  t.id === "agent-update"
                    ? withAgentUpdateFields(t.text, {
                        version: draft.document.agentVersion,
                        artifact:
                          draft.artifact?.done && draft.artifact.sha256 ? { ...draft.artifact, sha256: draft.artifact.sha256, region: ctx.region } : null,
                      })
                    : t.text;
                setText(next, t.id);
              }}
            >
              <span className="block font-semibold">{t.label}</span>
              <span className="block text-xs text-muted">{t.description}</span>
            </button>
          ))}
        </div>
      </fieldset>

      <AwsTemplatePicker
        current={draft.document.templateId}
        onLoad={(t) =>
          update((d) => ({
            ...d,
            document: { ...d.document, text: t.document, templateId: awsTemplateId(t.id) },
            ...(t.timeoutMinutes !== null ? { timeoutMinutes: t.timeoutMinutes } : {}),
            ...(t.maximumPerMinute !== null ? { rate: { kind: "fixed" as const, maximumPerMinute: t.maximumPerMinute } } : {}),
          }))
        }
      />

      {isAgentUpdate ? (
        <div className="space-y-3">
          <Field
            id={fieldId("document.agentVersion")}
            label="Version to install"
            hint="As the agents report it, e.g. 7.4.0 (a version ending in -bad is a bad build in the simulator)."
          >
            <input
              {...fieldControl(fieldId("document.agentVersion"), "agentVersion", undefined, true)}
              className="input w-60 font-mono"
              value={draft.document.agentVersion}
              maxLength={64}
              spellCheck={false}
              onChange={(e) => {
                const version = e.target.value;
                update((d) => ({ ...d, document: { ...d.document, agentVersion: version, text: withAgentUpdateFields(d.document.text, { version }) } }));
              }}
            />
          </Field>
          {fieldsBlocked ? (
            <p role="status" className="text-xs text-warn" data-testid="agent-fields-not-set">
              The document below is not a valid JSON object, so the version and artifact could not be set in it. Your text is kept as typed: fix it, then set
              the version again (or pick the Agent update template to start over).
            </p>
          ) : null}
          <ArtifactUploader
            id={fieldId("artifact")}
            artifact={draft.artifact}
            version={draft.document.agentVersion}
            error={err("artifact")}
            onState={(artifact) => update((d) => ({ ...d, artifact }))}
            onUploaded={(artifact, u) =>
              update((d) => ({
                ...d,
                artifact,
                document: { ...d.document, text: withAgentUpdateFields(d.document.text, { version: d.document.agentVersion, artifact: u }) },
              }))
            }
          />
        </div>
      ) : null}

      <div className="space-y-1">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <span id={`${id}-label`} className="text-xs font-semibold text-muted">
            Job document (JSON)
          </span>
          <span className={`text-xs tabular-nums ${overLimit ? "font-semibold text-bad" : "text-muted"}`} data-testid="document-bytes">
            {formatCount(check.bytes)} / {formatCount(JOB_DOCUMENT_MAX_BYTES)} bytes
          </span>
        </div>
        <div id={fieldId("document")}>
          <DocumentEditor
            value={draft.document.text}
            onChange={(t) => setText(t)}
            nonce={ctx.nonce}
            region={ctx.region}
            labelId={`${id}-label`}
            describedById={`${id}-issues`}
            invalid={liveIssues.some((i) => i.severity === "error")}
          />
        </div>
        <ul id={`${id}-issues`} aria-live="polite" className="space-y-0.5 text-xs" data-testid="document-issues">
          {oversized !== null ? (
            <li className="font-semibold text-bad" data-testid="document-oversized">
              Error: the text is {formatCount(oversized)} characters; the editor keeps at most {formatCount(MAX_DOCUMENT_TEXT)} (256 KiB) and a job document is
              at most {formatCount(JOB_DOCUMENT_MAX_BYTES)} bytes. It is not saved in the draft until it is shorter.
            </li>
          ) : null}
          {liveIssues.length === 0 && text.trim() ? (
            <li className="text-ok">Valid JSON, within the size limit{check.operation ? `; operation ${check.operation}` : ""}.</li>
          ) : null}
          {liveIssues.map((i, n) => (
            <li key={n} className={i.severity === "error" ? "text-bad" : "text-warn"}>
              {i.severity === "error" ? "Error: " : "Warning: "}
              {i.message}
            </li>
          ))}
        </ul>
      </div>

      {check.placeholders.length > 0 ? (
        <div className="flex flex-col gap-0.5">
          <label htmlFor={fieldId("presignExpiresInSec")} className="text-xs font-semibold text-muted">
            Presigned URL lifetime (seconds)
          </label>
          <NumberInput
            id={fieldId("presignExpiresInSec")}
            value={draft.presignExpiresInSec}
            min={60}
            max={3600}
            error={errors.presignExpiresInSec}
            onChange={(v) => update((d) => ({ ...d, presignExpiresInSec: v ?? 0 }))}
          />
          <span className="text-xs text-muted">AWS IoT presigns the placeholder’s URL each time a device reads the document; 60 to 3600.</span>
        </div>
      ) : null}
    </div>
  );
}

/** The account's AWS IoT job templates: one loads its document (and its timeout and rate, when it sets them) into the draft. */
function AwsTemplatePicker({
  current,
  onLoad,
}: {
  current: string | null;
  onLoad: (t: { id: string; document: string; timeoutMinutes: number | null; maximumPerMinute: number | null }) => void;
}) {
  const id = useId();
  const list = useRouteQuery(jobTemplatesRoute, [], { staleTime: 60_000, retry: false });
  const [chosen, setChosen] = useState("");
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const templates = list.data?.templates ?? [];
  const load = async () => {
    if (!chosen) return;
    setLoading(true);
    setError(null);
    setLoaded(null);
    try {
      const t = await fetchRoute(jobTemplateRoute, [chosen]);
      if (t.document === null) {
        setError({
          code: "invalid_input",
          message: `The template ${t.id} keeps its document in S3 (documentSource), which the wizard does not load. Paste the document instead.`,
        });
      } else {
        onLoad({ id: t.id, document: t.document, timeoutMinutes: t.timeoutMinutes, maximumPerMinute: t.maximumPerMinute });
        setLoaded(t.id);
      }
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setLoading(false);
    }
  };
  return (
    <div className="space-y-1" data-testid="aws-job-templates">
      <label htmlFor={`${id}-tpl`} className="text-xs font-semibold text-muted">
        Or an AWS IoT job template of the account
      </label>
      {list.isPending ? (
        <p className="text-xs text-muted">Loading the account’s job templates…</p>
      ) : list.error ? (
        <ErrorNotice error={toErrorData(list.error)} title="The job templates could not be listed" />
      ) : templates.length === 0 ? (
        <p className="text-xs text-muted">The account has no job templates.</p>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <select id={`${id}-tpl`} className="input w-72" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">Choose a template…</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id}
                {t.description ? ` — ${t.description.slice(0, 60)}` : ""}
                {current === awsTemplateId(t.id) ? " (loaded)" : ""}
              </option>
            ))}
          </select>
          <button type="button" className="btn" disabled={!chosen || loading} onClick={() => void load()}>
            {loading ? "Loading…" : "Load template"}
          </button>
        </div>
      )}
      {error ? <ErrorNotice error={error} title="The template was not loaded" /> : null}
      {loaded ? (
        <p role="status" className="text-xs text-ok">
          Loaded {loaded}: its document replaces the text below, and its timeout and rate (where it sets them) the rollout settings.
        </p>
      ) : null}
    </div>
  );
}

"use client";

import { useId, useMemo, useState, useTransition } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { updateShadowDesiredState } from "@/lib/actions/update-shadow-desired";
import type { AppErrorData } from "@/lib/errors";
import { checkDesiredEdit, type Change } from "@/lib/shadows/edit";
import { formatPath } from "@/lib/shadows/json";
import { desiredChangesSince, editText, mustReviewBeforeSending, reapply, withConflict, type EditSession } from "@/lib/shadows/session";
import { isShadowConflict, SHADOW_LIMITS, shadowLabel, type ShadowDocument, type ShadowName, type ShadowUpdateResult } from "@/lib/shadows/types";
import { documentFromText } from "@/lib/shadows/wire";
import { ChangeList } from "./change-list";
import { ConflictPanel } from "./conflict-panel";
import { JsonEditor } from "./json-editor";

interface Props {
  thingName: string;
  shadowName: ShadowName;
  session: EditSession;
  /** The latest document the tab has read (polled). */
  live: ShadowDocument | null;
  nonce: string | undefined;
  onSession: (next: EditSession) => void;
  onClose: () => void;
  onSent: (result: ShadowUpdateResult, changes: Change[]) => void;
}

function Meter({ label, value, max, unit }: { label: string; value: number; max: number; unit: string }) {
  const ratio = value / max;
  const tone = ratio > 1 ? "bg-bad" : ratio > 0.8 ? "bg-warn" : "bg-ok";
  return (
    <div className="text-xs">
      <div className="flex justify-between gap-2">
        <span className="text-muted">{label}</span>
        <span className={`font-mono ${ratio > 1 ? "font-semibold text-bad" : ""}`}>
          {value.toLocaleString("en-US")} / {max.toLocaleString("en-US")} {unit}
        </span>
      </div>
      <div className="mt-0.5 h-1.5 overflow-hidden rounded bg-surface-2" aria-hidden="true">
        <div className={`h-full ${tone}`} style={{ width: `${Math.min(100, ratio * 100)}%` }} />
      </div>
    </div>
  );
}

/**
 * Editing desired state: a JSON editor on the whole desired object, checked as you type
 * against AWS IoT's limits, the list of what will be sent, and Send (with the version the
 * edit started from). A version conflict shows what changed in between and offers to
 * re-apply the edit on the latest version; the text is never thrown away.
 */
export function EditPanel({ thingName, shadowName, session, live, nonce, onSession, onClose, onSent }: Props) {
  const ids = useId();
  const labelId = `${ids}-label`;
  const hintId = `${ids}-hint`;
  const [error, setError] = useState<AppErrorData | null>(null);
  const [pending, startTransition] = useTransition();
  const base = session.base;
  // Size counts the reported state as last read: it is what the merge will meet.
  const check = useMemo(
    () => checkDesiredEdit(session.text, { desired: base?.desired ?? null, reported: live?.reported ?? base?.reported ?? null }),
    [session.text, base, live?.reported],
  );
  const changedSince = useMemo(() => desiredChangesSince(session, live), [session, live]);
  // Created or deleted meanwhile: AWS would not refuse the update, so it waits for a review.
  const review = mustReviewBeforeSending(session, live);
  const canSend = check.ok && !!check.patch && !session.conflict && !review && !pending;
  const paths = (
    <>
      {changedSince
        .slice(0, 3)
        .map((c) => formatPath(c.path))
        .join(", ")}
      {changedSince.length > 3 ? ` and ${changedSince.length - 3} more` : ""}
    </>
  );

  const send = () => {
    if (!canSend || !check.patch) return;
    const patch = check.patch;
    const changes = check.changes;
    setError(null);
    startTransition(async () => {
      const r = await updateShadowDesiredState({
        thingName,
        shadowName: shadowName ?? "",
        desired: JSON.stringify(patch),
        version: base ? base.version : null,
      });
      if (r.ok) {
        onSent(r.data, changes);
        return;
      }
      if (isShadowConflict(r.error)) {
        onSession(withConflict(session, documentFromText(r.error.currentJson), "refused"));
        return;
      }
      setError(r.error);
    });
  };

  const issues = check.errors;
  const describedBy = issues.length ? `${hintId}-issues` : hintId;

  return (
    <section aria-labelledby={labelId} className="space-y-3 rounded border border-accent/50 bg-surface px-3 py-2.5" data-testid="edit-panel">
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={labelId} className="text-base font-semibold">
          Edit desired state <span className="font-normal text-muted">· {shadowLabel(shadowName)}</span>
        </h2>
        <p className="text-xs text-muted">
          Based on{" "}
          {base ? (
            <>
              version <strong className="text-fg">{base.version}</strong>
            </>
          ) : (
            "no shadow yet (creates it)"
          )}
        </p>
      </header>

      {session.conflict ? (
        <ConflictPanel
          conflict={session.conflict}
          baseVersion={base?.version ?? null}
          baseDesired={base?.desired ?? null}
          onReapply={() => {
            const next = reapply(session);
            if (next) {
              setError(null);
              onSession(next);
            }
          }}
          onDiscard={onClose}
        />
      ) : review || changedSince.length > 0 ? (
        <div role="alert" className="flex flex-wrap items-center gap-2 rounded border border-warn/60 bg-warn/10 px-3 py-2" data-testid="behind-notice">
          <p className="min-w-0 flex-1">
            {review === "deleted" ? (
              <>
                <strong className="text-warn">The shadow was deleted while you were editing.</strong> Sending now would create it again holding only your
                changes.
              </>
            ) : review === "created" ? (
              <>
                <strong className="text-warn">Someone created this shadow while you were editing</strong> (now version {live?.version}), with desired state:{" "}
                {paths}. Your edit started from no shadow, so it would be merged into theirs without a version check. Review what changed and re-apply your
                changes before sending.
              </>
            ) : (
              <>
                <strong className="text-warn">Desired state changed since you started editing</strong> (version {base?.version ?? "—"} → {live?.version}):{" "}
                {paths}. Sending now would be refused.
              </>
            )}
          </p>
          <button type="button" className="btn" onClick={() => onSession(withConflict(session, live, "seen"))}>
            Review what changed
          </button>
        </div>
      ) : null}

      {session.note ? (
        <p role="status" className="rounded bg-surface-2 px-2 py-1 text-sm">
          {session.note}
        </p>
      ) : null}
      {session.overlaps.length > 0 ? (
        <div role="alert" className="rounded border border-warn/60 bg-warn/10 px-3 py-1.5 text-sm">
          <strong className="text-warn">Check before sending:</strong> someone else also changed {session.overlaps.map(formatPath).join(", ")}. Your value is in
          the editor and will win if you send.
        </div>
      ) : null}

      <div className="grid gap-3 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-1">
          <p id={hintId} className="text-xs text-muted">
            The whole <code className="font-mono">desired</code> object. A key you delete, or set to <code className="font-mono">null</code>, is removed; keys
            you leave as they are are not sent. <kbd className="font-sans font-semibold">Ctrl+Enter</kbd> sends;{" "}
            <kbd className="font-sans font-semibold">Tab</kbd> leaves the editor.
          </p>
          <JsonEditor
            value={session.text}
            onChange={(text) => text !== session.text && onSession(editText(session, text))}
            onSubmit={send}
            nonce={nonce}
            labelId={labelId}
            describedById={describedBy}
            invalid={issues.length > 0}
          />
          <div id={`${hintId}-issues`} aria-live="polite" className="space-y-0.5 text-sm">
            {issues.map((i) => (
              <p key={i.message} className="font-semibold text-bad" data-testid="edit-error">
                ✕ {i.message}
              </p>
            ))}
            {check.warnings.map((w) => (
              <p key={w.message} className="text-warn">
                ⚠ {w.message}
              </p>
            ))}
          </div>
          {session.typedBeforeReapply !== null ? (
            <details className="text-sm">
              <summary className="cursor-pointer text-muted">Your text as typed, before re-applying (Ctrl+Z in the editor also brings it back)</summary>
              <pre className="mt-1 max-h-48 overflow-auto rounded bg-surface-2 px-2 py-1 font-mono text-[12px]">{session.typedBeforeReapply}</pre>
            </details>
          ) : null}
        </div>

        <div className="space-y-3">
          <div>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Will send</h3>
            {check.edited ? (
              <ChangeList changes={check.changes} label="Changes to send" />
            ) : (
              <p className="text-sm text-muted">Fix the JSON to see the changes.</p>
            )}
          </div>
          <div className="space-y-1.5">
            <h3 className="text-xs font-semibold tracking-wide text-muted uppercase">AWS IoT limits</h3>
            {check.bytes !== null ? (
              <Meter label="desired + reported after the update" value={check.bytes} max={SHADOW_LIMITS.maxStateBytes} unit="bytes" />
            ) : null}
            {check.depth !== null ? (
              <Meter label="nesting of this update (desired = level 1)" value={check.depth} max={SHADOW_LIMITS.maxDepth} unit="levels" />
            ) : null}
            <p className="text-xs text-muted">No null inside arrays; null on a key removes it.</p>
          </div>
        </div>
      </div>

      {error ? <ErrorNotice error={error} title="Not sent" /> : null}

      <div className="flex flex-wrap items-center gap-2 border-t border-border pt-2.5">
        <button type="button" className="btn btn-primary" disabled={!canSend} onClick={send}>
          {pending ? "Sending…" : check.changes.length ? `Send ${check.changes.length} change${check.changes.length === 1 ? "" : "s"}` : "Send"}
        </button>
        <button
          type="button"
          className="btn"
          disabled={pending}
          onClick={() => {
            if (check.changes.length === 0 || window.confirm("Discard your unsent changes to desired state?")) onClose();
          }}
        >
          Cancel
        </button>
        <span className="text-xs text-muted">
          {session.conflict
            ? "Resolve the conflict above first."
            : review
              ? "Review what changed above first."
              : !check.ok
                ? "Fix the errors to send."
                : !check.patch
                  ? "Nothing changed yet."
                  : "The device receives the change as a delta and reports back when it has applied it."}
        </span>
      </div>
    </section>
  );
}

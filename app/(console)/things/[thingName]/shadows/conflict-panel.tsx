"use client";

import { describePatch } from "@/lib/shadows/edit";
import { patchPaths } from "@/lib/shadows/conflict";
import { formatPath, pathsOverlap } from "@/lib/shadows/json";
import type { EditConflict } from "@/lib/shadows/session";
import type { JsonObject } from "@/lib/shadows/types";
import { ChangeList } from "./change-list";

/**
 * A version conflict: what changed between the version the operator started from and
 * now, their own changes, and the way forward (re-apply on the latest version, or drop
 * the edit). Nothing was sent.
 */
export function ConflictPanel({
  conflict,
  baseVersion,
  baseDesired,
  onReapply,
  onDiscard,
}: {
  conflict: EditConflict;
  baseVersion: number | null;
  baseDesired: JsonObject | null;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const { current, inBetween, patch, source } = conflict;
  const mine = patch ? patchPaths(patch) : [];
  const desired = inBetween.filter((c) => c.section === "desired");
  const reported = inBetween.filter((c) => c.section === "reported");
  const overlapping = mine.filter((p) => desired.some((c) => pathsOverlap(p, c.path)));
  return (
    <section role="alert" aria-labelledby="conflict-title" className="space-y-3 rounded border border-warn/60 bg-warn/10 px-3 py-2.5" data-testid="conflict">
      <div>
        <h3 id="conflict-title" className="font-semibold text-warn">
          {source === "refused"
            ? "Not sent: someone changed this shadow while you were editing"
            : !current
              ? "Someone deleted this shadow while you were editing"
              : baseVersion === null
                ? "Someone created this shadow while you were editing"
                : "Someone changed desired state while you were editing"}
        </h3>
        <p className="mt-0.5">
          You started from version <strong>{baseVersion ?? "— (no shadow)"}</strong>;{" "}
          {current ? (
            <>
              it is now at version <strong>{current.version}</strong>.
            </>
          ) : (
            <>the shadow has since been deleted.</>
          )}{" "}
          {source === "refused"
            ? "AWS IoT refused the update, so nothing changed on the device."
            : !current
              ? "Sending your edit as it is would create the shadow again holding only your changes."
              : baseVersion === null
                ? "Your edit started from no shadow, so it would be merged into this one without a version check."
                : "Sending your edit as it is would be refused."}
        </p>
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">What changed in between</h4>
          <ChangeList changes={[...desired, ...reported]} highlight={mine} label="What changed in between" />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Your changes</h4>
          {patch ? (
            <ChangeList changes={describePatch(baseDesired, patch)} label="Your changes" />
          ) : (
            <p className="text-sm text-bad">Your text is not valid JSON, so it cannot be re-applied. Fix it in the editor first.</p>
          )}
        </div>
      </div>
      {patch && desired.length > 0 ? (
        overlapping.length ? (
          <p className="text-sm font-semibold text-warn">
            You and the other change both touch {overlapping.map(formatPath).join(", ")}. Re-applying keeps your value there; check it before sending.
          </p>
        ) : (
          <p className="text-sm">None of the keys you change were changed by someone else: re-applying keeps both their changes and yours.</p>
        )
      ) : patch ? (
        <p className="text-sm">Only the device&apos;s reported state changed: re-applying sends exactly your changes.</p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn btn-primary" onClick={onReapply} disabled={!patch}>
          {current ? `Re-apply my changes on version ${current.version}` : "Re-apply my changes to create it again"}
        </button>
        <button type="button" className="btn" onClick={onDiscard}>
          Discard my changes
        </button>
        <span className="text-xs text-muted">
          Re-applying puts the latest desired state with your changes in the editor, for you to review and send. Your text as typed stays available.
        </span>
      </div>
    </section>
  );
}

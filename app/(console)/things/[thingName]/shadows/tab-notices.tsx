"use client";

import { useEffect, useState } from "react";
import { awaitingDevice, type ComparisonRow } from "@/lib/shadows/compare";
import { SHADOW_POLL } from "@/lib/http/poll-policy";
import { formatPath } from "@/lib/shadows/json";
import type { ShadowDocument, ShadowName } from "@/lib/shadows/types";

/** The shadows tab's smaller pieces: the message after an update, the refresh status, the "no shadow" state. */

export function UpdateFlash({
  flash,
  doc,
  rows,
  onDismiss,
}: {
  flash: { version: number; written: string[][]; removed: string[][] };
  doc: ShadowDocument | null;
  rows: readonly ComparisonRow[];
  onDismiss: () => void;
}) {
  // Until the tab has read the version it wrote, every written key is still on its way.
  const waiting = !doc || doc.version < flash.version ? flash.written : awaitingDevice(rows, flash.written);
  const list = (paths: string[][]) => paths.map(formatPath).join(", ");
  const done = waiting.length === 0;
  return (
    <div
      role="status"
      className={`flex items-start gap-2 rounded border px-3 py-2 ${done ? "border-ok/50 bg-ok/10" : "border-accent/40 bg-accent/10"}`}
      data-testid="update-flash"
    >
      <p className="min-w-0 flex-1">
        <strong>Desired state updated (version {flash.version}).</strong> {flash.written.length ? <>Set {list(flash.written)}. </> : null}
        {flash.removed.length ? <>Removed {list(flash.removed)}. </> : null}
        {flash.written.length === 0 ? null : done ? (
          <span className="font-semibold text-ok">✓ The device has reported the new value{flash.written.length === 1 ? "" : "s"}: in sync.</span>
        ) : (
          <span>
            Waiting for the device to report {list(waiting)}… this view refreshes every {SHADOW_POLL.everyMs / 1000} s.
          </span>
        )}
      </p>
      <button type="button" className="btn px-2 py-0.5 text-xs" onClick={onDismiss} aria-label="Dismiss this message">
        ✕
      </button>
    </div>
  );
}

/** "read 3 s ago", to the second: an operator watching a device needs to see the view is live. */
function useSecondsSince(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return at === null ? null : Math.max(0, Math.floor((now - at) / 1000));
}

export function RefreshStatus({
  updatedAt,
  fetching,
  failed,
  onRefresh,
}: {
  updatedAt: number | null;
  fetching: boolean;
  failed: boolean;
  onRefresh: () => void;
}) {
  const seconds = useSecondsSince(updatedAt);
  return (
    <div className="flex items-center gap-2 text-xs text-muted">
      <span aria-live="off">
        {failed ? "Reading failed; retrying less often" : `Refreshes every ${SHADOW_POLL.everyMs / 1000} s`}
        {seconds !== null ? ` · read ${seconds < 2 ? "just now" : seconds < 120 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ago`}` : null}
      </span>
      <button type="button" className="btn px-2 py-0.5 text-xs" onClick={onRefresh} aria-label="Refresh the shadow now" aria-busy={fetching}>
        Refresh
      </button>
    </div>
  );
}

export function NoShadow({
  shadowName,
  named,
  canEdit,
  editing,
  onCreate,
  onPickClassic,
}: {
  shadowName: ShadowName;
  named: string[];
  canEdit: boolean;
  editing: boolean;
  onCreate: () => void;
  onPickClassic: () => void;
}) {
  return (
    <div className="rounded border border-border bg-surface px-4 py-6" data-testid="no-shadow">
      {shadowName === null ? (
        <>
          <p className="text-base font-semibold">This thing has no classic shadow yet</p>
          <p className="mt-1 max-w-prose text-muted">
            Its device has not reported any state, and nobody has set desired state. AWS IoT creates the shadow on the first update
            {named.length ? (
              <>
                ; this thing has {named.length} named shadow{named.length === 1 ? "" : "s"} (pick one above)
              </>
            ) : null}
            .
          </p>
        </>
      ) : (
        <>
          <p className="text-base font-semibold">This thing has no shadow named “{shadowName}”</p>
          <p className="mt-1 max-w-prose text-muted">
            It may have been deleted, or the link is wrong.{" "}
            <button type="button" className="text-accent underline-offset-2 hover:underline" onClick={onPickClassic}>
              Open the classic shadow
            </button>
            .
          </p>
        </>
      )}
      {canEdit && !editing ? (
        <button type="button" className="btn btn-primary mt-3" onClick={onCreate}>
          Set desired state…
        </button>
      ) : null}
    </div>
  );
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useQueryStates } from "nuqs";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useLiveQuery } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton, TableSkeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { toErrorData, type AppErrorData } from "@/lib/errors";
import { SHADOW_POLL } from "@/lib/http/poll-policy";
import { shadowViewRoute } from "@/lib/shadows/api";
import { compareShadow } from "@/lib/shadows/compare";
import { desiredText, type Change } from "@/lib/shadows/edit";
import { shareUnchanged } from "@/lib/shadows/json";
import { followLive, removeKey, startEdit, type EditSession } from "@/lib/shadows/session";
import { shadowFromParam, shadowLabel, shadowParam, type ShadowName, type ShadowUpdateResult } from "@/lib/shadows/types";
import { viewFromText } from "@/lib/shadows/wire";
import { ComparisonTable } from "./comparison-table";
import { EditPanel } from "./edit-panel";
import { RawJson } from "./raw-json";
import { shadowTabParams } from "./search-params";
import { ShadowPicker } from "./shadow-picker";
import { ShadowSummary } from "./shadow-summary";
import { NoShadow, RefreshStatus, UpdateFlash } from "./tab-notices";

interface Props {
  thingName: string;
  /** May change desired state (shadow.write); the server action checks again. */
  canEdit: boolean;
  role: string;
  /** This response's CSP nonce (the editor's style elements carry it). */
  nonce: string | undefined;
  /**
   * The view the server read with the page (for the shadow the URL named then), as JSON
   * text (lib/shadows/wire.ts), and when.
   */
  initialJson?: string | null;
  initialAtMs?: number;
}

/**
 * The shadows tab of a thing: pick the classic or a named shadow, compare desired and
 * reported key by key (or read the raw document), and, for responders, edit desired
 * state. It re-reads the shadow every 5 s while visible (backing off on failures), so an
 * operator watches the device apply a change without reloading.
 */
export function ShadowsTab({ thingName, canEdit, role, nonce, initialJson, initialAtMs }: Props) {
  const qc = useQueryClient();
  const [{ shadow: param, view, keys }, setParams] = useQueryStates(shadowTabParams, { history: "push" });
  const shadowName: ShadowName = shadowFromParam(param);
  const key = shadowParam(shadowName);

  const initial = useMemo(() => viewFromText(initialJson), [initialJson]);
  const query = useLiveQuery(shadowViewRoute, [thingName, shadowName], SHADOW_POLL, {
    // The server's read serves the first paint; polling takes over from there.
    initialData: initial && initial.thingName === thingName && initial.shadowName === shadowName ? initial : undefined,
    initialDataUpdatedAt: initialAtMs,
    // react-query's own sharing loses keys named `__proto__` (see shareUnchanged).
    structuralSharing: shareUnchanged,
  });
  const data = query.data;
  const doc = data?.document ?? null;

  // The list of named shadows stays on screen while another shadow loads.
  const namedRef = useRef<string[] | null>(null);
  if (data) namedRef.current = data.namedShadows;
  const named = namedRef.current;

  // One edit per shadow, kept while the operator looks at another shadow.
  const [edits, setEdits] = useState<Record<string, EditSession>>({});
  // Own keys only: "__proto__" is a valid shadow name.
  const session = Object.hasOwn(edits, key) ? edits[key] : null;
  const setSession = useCallback(
    (next: EditSession | null) => {
      setEdits(({ [key]: _, ...rest }) => (next ? { ...rest, [key]: next } : rest));
    },
    [key],
  );
  /** The last update sent from this tab: which keys it wrote, to follow them until the device reports them. */
  const [flash, setFlash] = useState<{ key: string; version: number; written: string[][]; removed: string[][] } | null>(null);
  const editRef = useRef<HTMLDivElement>(null);

  // A newer document: an edit based on an older version follows it when only reported moved.
  useEffect(() => {
    if (!session || !data) return;
    const next = followLive(session, data.document);
    if (next !== session) setSession(next);
  }, [data, session, setSession]);

  // Leaving the page with unsent edits asks first.
  const dirty = Object.values(edits).some((s) => s.text !== desiredText(s.base?.desired));
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const comparison = useMemo(() => (doc ? compareShadow(doc) : null), [doc]);
  const rows = useMemo(
    () => (comparison ? (keys === "differences" ? comparison.rows.filter((r) => r.status !== "in_sync") : comparison.rows) : []),
    [comparison, keys],
  );

  const openEditor = (s: EditSession) => {
    setSession(s);
    setFlash(null);
    requestAnimationFrame(() => editRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }));
  };
  const onRemove = (path: string[]) => {
    const current = session ?? startEdit(doc);
    const next = removeKey(current, path);
    openEditor(
      next ?? { ...current, note: "Your text is not valid JSON, so the key could not be marked for removal. Fix the JSON, or delete the key in the editor." },
    );
  };
  const onSent = (result: ShadowUpdateResult, changes: Change[]) => {
    setSession(null);
    setFlash({
      key,
      version: result.version,
      written: changes.filter((c) => c.kind !== "remove").map((c) => c.path),
      removed: changes.filter((c) => c.kind === "remove").map((c) => c.path),
    });
    void qc.invalidateQueries({ queryKey: shadowViewRoute.key(thingName, shadowName) });
  };

  const refreshError: AppErrorData | null = query.isError ? toErrorData(query.error) : null;

  return (
    <div className="space-y-3" data-testid="shadows-tab">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ShadowPicker current={shadowName} named={named} onPick={(name) => void setParams({ shadow: name === null ? null : name })} />
        <RefreshStatus updatedAt={query.dataUpdatedAt || null} fetching={query.isFetching} failed={!!refreshError} onRefresh={() => void query.refetch()} />
      </div>

      {flash && flash.key === key ? <UpdateFlash flash={flash} doc={doc} rows={comparison?.rows ?? []} onDismiss={() => setFlash(null)} /> : null}

      {query.isPending ? (
        <div className="space-y-2">
          <LinesSkeleton lines={2} label={`Loading the ${shadowLabel(shadowName).toLowerCase()}`} />
          <TableSkeleton rows={6} columns={4} label="Loading keys" />
        </div>
      ) : !data ? (
        <ErrorNotice
          error={refreshError ?? toErrorData(null)}
          title={`Could not read the ${shadowLabel(shadowName).toLowerCase()}`}
          action={
            <button type="button" className="btn" onClick={() => void query.refetch()}>
              Retry
            </button>
          }
        />
      ) : (
        <>
          {refreshError ? (
            <div role="alert" className="rounded border border-warn/50 bg-warn/10 px-3 py-1.5 text-sm">
              <strong className="text-warn">Could not refresh:</strong> {refreshError.message} Showing what was read <TimeAgo at={query.dataUpdatedAt} />; the
              console tries again less often until it works.
            </div>
          ) : null}

          {doc ? (
            <ShadowSummary
              doc={doc}
              summary={comparison!.summary}
              canEdit={canEdit}
              role={role}
              editing={!!session}
              onEdit={() => openEditor(session ?? startEdit(doc))}
              view={view}
              onView={(v) => void setParams({ view: v })}
              keys={keys}
              onKeys={(k) => void setParams({ keys: k })}
            />
          ) : (
            <NoShadow
              shadowName={shadowName}
              named={named ?? []}
              canEdit={canEdit}
              editing={!!session}
              onCreate={() => openEditor(startEdit(null))}
              onPickClassic={() => void setParams({ shadow: null })}
            />
          )}

          {session ? (
            <div ref={editRef}>
              <EditPanel
                thingName={thingName}
                shadowName={shadowName}
                session={session}
                live={doc}
                nonce={nonce}
                onSession={setSession}
                onClose={() => setSession(null)}
                onSent={onSent}
              />
            </div>
          ) : null}

          {doc ? (
            view === "raw" ? (
              <RawJson doc={doc} />
            ) : (
              <ComparisonTable
                rows={rows}
                canEdit={canEdit}
                onRemove={onRemove}
                emptyText={
                  comparison!.rows.length === 0
                    ? "This shadow is empty: neither desired nor reported state holds any key."
                    : "No differences: every desired key is reported with the same value."
                }
              />
            )
          ) : null}
        </>
      )}
    </div>
  );
}

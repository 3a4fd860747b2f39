"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouteQuery } from "@/components/query/use-route-query";
import { useId, useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Dialog } from "@/components/ui/dialog";
import { Field, fieldControl } from "@/components/ui/field";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { TimeAgo } from "@/components/ui/time-ago";
import { deleteSavedQuery } from "@/lib/actions/delete-saved-query";
import { saveQuery } from "@/lib/actions/save-query";
import { queryHistoryRoute, savedQueriesRoute } from "@/lib/fleet-search/routes";
import type { SavedQuery } from "@/lib/fleet-search/contract";
import { toErrorData, type AppErrorData } from "@/lib/errors";

export interface Viewer {
  username: string;
  isAdmin: boolean;
}

/**
 * Saved queries: the caller's own and those shared with the team, newest change first.
 * Opening one puts its query and columns in the URL (and runs it); its owner (or an
 * admin) may delete it.
 */
export function SavedQueries({ viewer, onOpen }: { viewer: Viewer; onOpen: (s: SavedQuery) => void }) {
  const id = useId();
  const qc = useQueryClient();
  const list = useRouteQuery(savedQueriesRoute, []);
  const [pending, startTransition] = useTransition();
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);

  const remove = (s: SavedQuery) => {
    if (!window.confirm(`Delete the saved query “${s.name}”${s.shared ? " (shared with the team)" : ""}?`)) return;
    setDeleting(s.id);
    setError(null);
    startTransition(async () => {
      const r = await deleteSavedQuery({ id: s.id });
      setDeleting(null);
      if (!r.ok) setError(r.error);
      await qc.invalidateQueries({ queryKey: savedQueriesRoute.key() });
    });
  };

  return (
    <section aria-labelledby={`${id}-title`} className="rounded border border-border bg-surface">
      <header className="border-b border-border px-3 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold tracking-wide text-muted uppercase">
          Saved queries
        </h2>
      </header>
      <div className="px-3 py-2">
        {error ? <ErrorNotice error={error} title="Could not delete the saved query" /> : null}
        {list.isPending ? (
          <LinesSkeleton lines={3} label="Loading saved queries" />
        ) : list.isError ? (
          <ErrorNotice
            error={toErrorData(list.error)}
            title="Could not load saved queries"
            action={
              <button type="button" className="btn" onClick={() => void list.refetch()}>
                Retry
              </button>
            }
          />
        ) : list.data.length === 0 ? (
          <p className="text-sm text-muted">None yet. “Save query” keeps the current query and columns under a name.</p>
        ) : (
          <ul aria-label="Saved queries" className="max-h-64 divide-y divide-border overflow-y-auto">
            {list.data.map((s) => {
              const own = s.owner === viewer.username;
              return (
                <li key={s.id} className="flex items-start gap-2 py-1.5">
                  <div className="min-w-0 flex-1">
                    <button
                      type="button"
                      className="block max-w-full truncate text-left font-semibold text-accent hover:underline"
                      onClick={() => onOpen(s)}
                      title={`Open: ${s.query}`}
                    >
                      {s.name}
                    </button>
                    <p className="truncate font-mono text-xs text-muted" title={s.query}>
                      {s.query}
                    </p>
                    <p className="flex flex-wrap items-center gap-1.5 text-xs text-muted">
                      {s.shared ? <Badge tone="info">shared</Badge> : null}
                      <span>{own ? "yours" : `by ${s.owner}`}</span>
                      <span>
                        · <TimeAgo at={s.updatedAtMs} />
                      </span>
                    </p>
                  </div>
                  {own || viewer.isAdmin ? (
                    <button
                      type="button"
                      className="btn px-1.5 py-0 text-xs"
                      aria-label={`Delete saved query ${s.name}`}
                      disabled={pending && deleting === s.id}
                      onClick={() => remove(s)}
                    >
                      {pending && deleting === s.id ? "Deleting…" : "Delete"}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}

/** The caller's recent queries (recorded when a first page is served), newest first. */
export function QueryHistory({ onOpen }: { onOpen: (q: string) => void }) {
  const id = useId();
  const list = useRouteQuery(queryHistoryRoute, []);
  return (
    <section aria-labelledby={`${id}-title`} className="rounded border border-border bg-surface">
      <header className="border-b border-border px-3 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold tracking-wide text-muted uppercase">
          Recent queries
        </h2>
      </header>
      <div className="px-3 py-2">
        {list.isPending ? (
          <LinesSkeleton lines={3} label="Loading recent queries" />
        ) : list.isError ? (
          <ErrorNotice
            error={toErrorData(list.error)}
            title="Could not load recent queries"
            action={
              <button type="button" className="btn" onClick={() => void list.refetch()}>
                Retry
              </button>
            }
          />
        ) : list.data.length === 0 ? (
          <p className="text-sm text-muted">Queries you run appear here.</p>
        ) : (
          <ol aria-label="Recent queries" className="max-h-56 space-y-0.5 overflow-y-auto">
            {list.data.map((h) => (
              <li key={`${h.atMs}-${h.query}`} className="flex items-baseline gap-2">
                <button
                  type="button"
                  className="min-w-0 flex-1 truncate text-left font-mono text-[13px] text-accent hover:underline"
                  title={h.query}
                  onClick={() => onOpen(h.query)}
                >
                  {h.query}
                </button>
                <span className="shrink-0 text-xs text-muted">
                  <TimeAgo at={h.atMs} />
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

/**
 * "Save query": the current query and columns under a name, optionally shared with the
 * team. When the view came from one of the caller's saved queries, saving updates that
 * one unless they choose to save a new one.
 */
export function SaveQueryButton({
  query,
  columns,
  disabled,
  current,
}: {
  query: string;
  columns: readonly string[];
  disabled: boolean;
  current: SavedQuery | null;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" disabled={disabled} onClick={() => setOpen(true)}>
        Save query
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Save query">
        <SaveQueryForm query={query} columns={columns} current={current} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function SaveQueryForm({ query, columns, current, onDone }: { query: string; columns: readonly string[]; current: SavedQuery | null; onDone: () => void }) {
  const id = useId();
  const qc = useQueryClient();
  const [update, setUpdate] = useState(current !== null);
  const [name, setName] = useState(current?.name ?? "");
  const [shared, setShared] = useState(current?.shared ?? false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await saveQuery({ id: update && current ? current.id : undefined, name, query, columns: [...columns], shared });
      if (r.ok) {
        await qc.invalidateQueries({ queryKey: savedQueriesRoute.key() });
        onDone();
        return;
      }
      const errors = { ...(r.fieldErrors ?? {}) };
      if (r.error.code === "conflict") errors.name = r.error.message;
      setFieldErrors(errors);
      setError(errors.name ? null : r.error);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Save query" className="space-y-3">
      {current ? (
        <fieldset className="space-y-1 text-sm">
          <legend className="text-xs font-semibold text-muted">This view came from your saved query “{current.name}”</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" checked={update} onChange={() => setUpdate(true)} />
            Update “{current.name}”
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" checked={!update} onChange={() => setUpdate(false)} />
            Save as a new query
          </label>
        </fieldset>
      ) : null}
      <Field id={`${id}-name`} label="Name" error={fieldErrors.name}>
        <input
          {...fieldControl(`${id}-name`, "name", fieldErrors.name)}
          className="input"
          value={name}
          maxLength={100}
          data-autofocus
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            setFieldErrors(({ name: _, ...rest }) => rest);
          }}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        Share with the team (every signed-in user sees it)
      </label>
      <div className="rounded bg-surface-2 px-2 py-1.5">
        <p className="text-xs font-semibold text-muted">Query</p>
        <p className="font-mono text-[13px] break-all">{query}</p>
        <p className="mt-1 text-xs font-semibold text-muted">Columns</p>
        <p className="font-mono text-xs break-all">{columns.join(", ")}</p>
      </div>
      {error ? <ErrorNotice error={error} title="Could not save the query" /> : null}
      {Object.entries(fieldErrors)
        .filter(([k]) => k !== "name")
        .map(([k, m]) => (
          <p key={k} className="text-xs text-bad">
            {m}
          </p>
        ))}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? "Saving…" : update && current ? "Update" : "Save"}
        </button>
      </div>
    </form>
  );
}

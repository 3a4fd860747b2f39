"use client";

import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useRouteQuery } from "@/components/query/use-route-query";
import { useQueryStates } from "nuqs";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { ErrorNotice } from "@/components/ui/error-notice";
import { toErrorData } from "@/lib/errors";
import { queryHistoryRoute, searchCountRoute, searchFieldsRoute, searchPageRoute } from "@/lib/fleet-search/routes";
import { isRetryingThrottled, retryDelayMs, retryThrottled } from "@/lib/http/poll-policy";
import { DEFAULT_COLUMNS, type IndexField, type SavedQuery, type SearchCount, type SearchPage } from "@/lib/fleet-search/contract";
import { appendFilter, querySnippets, snippetText } from "@/lib/fleet-search/snippets";
import { discoverShadowFields, normalizeColumns, numericColumns } from "@/lib/fleet-search/table-columns";
import { formatCount } from "@/lib/format/count";
import { Aggregations } from "./aggregations";
import { ColumnChooser } from "./column-chooser";
import { SaveAsDynamicGroupButton } from "./dynamic-group";
import { ExportControl } from "./export-control";
import { QueryEditor, type QueryEditorHandle } from "./query-editor";
import { checkQuery, type QueryCheck } from "./query-language";
import { SearchResults } from "./results";
import { QueryHistory, SavedQueries, SaveQueryButton, type Viewer } from "./saved-queries";
import { searchParams } from "./search-params";

const NO_FIELDS: IndexField[] = [];

const EXAMPLES: Array<{ label: string; query: string }> = [
  { label: "Every thing", query: "*" },
  { label: "Disconnected Linux agents", query: "thingTypeName:linux-agent AND connectivity.connected:false" },
  { label: "Agents below 7.2 at one customer", query: "attributes.customer:acme AND attributes.agentVersion < 7.2" },
  { label: "Windows servers or gateways", query: "attributes.os:windows-server* OR thingTypeName:gateway" },
];

interface Props {
  /** This response's CSP nonce (the editor's style elements carry it). */
  nonce: string | undefined;
  viewer: Viewer;
  /** May create dynamic groups (registry.write). */
  canCreateGroup: boolean;
}

/**
 * The search workbench: the query editor, the results of the query that ran, its count,
 * columns, export, saved queries and history, and aggregations beside the results. The
 * query that ran and the columns are in the URL; typing only changes the editor until
 * the query runs (Enter).
 */
export function SearchWorkbench({ nonce, viewer, canCreateGroup }: Props) {
  const qc = useQueryClient();
  const [{ q, cols, by, num }, setParams] = useQueryStates(searchParams, { history: "push" });
  const columns = useMemo(() => normalizeColumns(cols, DEFAULT_COLUMNS), [cols]);
  const editor = useRef<QueryEditorHandle>(null);
  const ids = useId();
  const labelId = `${ids}-label`;
  const hintId = `${ids}-hint`;

  const [draft, setDraft] = useState(q);
  const [check, setCheck] = useState<QueryCheck>(() => checkQuery(q));
  const ran = useMemo(() => checkQuery(q), [q]);
  const runnable = q.trim() !== "" && ran.ok;

  // A query from outside (back/forward, an opened saved query) becomes the editor's text.
  useEffect(() => {
    setDraft(q);
    setCheck(checkQuery(q));
  }, [q]);

  const fieldsQuery = useRouteQuery(searchFieldsRoute, [], {
    staleTime: 5 * 60_000,
    retry: retryThrottled,
    retryDelay: (attempt) => retryDelayMs(attempt),
  });
  const fields = fieldsQuery.data?.fields ?? NO_FIELDS;
  const numeric = useMemo(() => numericColumns(columns, fields), [columns, fields]);

  const count = useRouteQuery(searchCountRoute, [q], {
    enabled: runnable,
    staleTime: 30_000,
    retry: retryThrottled,
    retryDelay: (attempt) => retryDelayMs(attempt),
  });
  const total = runnable ? (count.data?.count ?? null) : null;

  const run = useCallback(
    (text: string) => {
      const t = text.trim();
      const c = checkQuery(t);
      setCheck(c);
      if (!c.ok || !t) return;
      if (t === q) {
        // The same query again: fresh results from the first page, a fresh count and figures.
        void qc.resetQueries({ queryKey: searchPageRoute.key(q, null) });
        void qc.invalidateQueries({ queryKey: searchCountRoute.key(q) });
        void qc.invalidateQueries({ queryKey: ["search", "aggregate", q] });
      } else {
        void setParams({ q: t });
      }
    },
    [q, qc, setParams],
  );

  const setColumns = useCallback((next: string[]) => void setParams({ cols: next }), [setParams]);
  // The saved query the view came from (the caller's own), so "Save query" can update it.
  const [opened, setOpened] = useState<SavedQuery | null>(null);
  const openSaved = useCallback(
    (s: SavedQuery) => {
      setOpened(s.owner === viewer.username ? s : null);
      void setParams({ q: s.query, cols: s.columns.length ? s.columns : null });
    },
    [setParams, viewer.username],
  );
  const openQuery = useCallback((text: string) => void setParams({ q: text }), [setParams]);
  const onFirstPage = useCallback(() => void qc.invalidateQueries({ queryKey: queryHistoryRoute.key() }), [qc]);
  const shadowFields = useCallback(() => {
    const data = qc.getQueryData<InfiniteData<SearchPage>>(searchPageRoute.key(q, null));
    return discoverShadowFields(data?.pages[0]?.things ?? []);
  }, [qc, q]);

  const snippets = useMemo(() => querySnippets(Date.now()), []);
  const index = fieldsQuery.data;

  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-bold">Search</h1>
        <div className="flex items-center gap-2 text-sm text-muted">
          <span>The fleet index (SearchIndex)</span>
          {index ? (
            index.indexStatus === "ACTIVE" ? (
              <Badge tone="ok">index active</Badge>
            ) : index.indexStatus ? (
              <Badge tone="warn" title="Results may be incomplete until the index is ACTIVE">
                index {index.indexStatus.toLowerCase()}
              </Badge>
            ) : (
              <Badge tone="bad">indexing off</Badge>
            )
          ) : null}
        </div>
      </header>

      <section aria-label="Query" className="space-y-1.5 rounded border border-border bg-surface px-3 py-2.5">
        <div className="flex flex-wrap items-start gap-2">
          <label id={labelId} className="pt-1.5 text-sm font-semibold" onClick={() => editor.current?.focus()}>
            Query
          </label>
          <QueryEditor
            ref={editor}
            value={q}
            onChange={setDraft}
            onRun={run}
            onCheck={(c) => setCheck(c)}
            fields={fields}
            nonce={nonce}
            labelId={labelId}
            describedById={hintId}
            invalid={!check.ok}
          />
          <button type="button" className="btn btn-primary h-[34px]" onClick={() => run(draft)}>
            Run
          </button>
          <select
            aria-label="Insert a filter"
            className="input h-[34px] w-40"
            value=""
            onChange={(e) => {
              const s = snippets.find((x) => x.label === e.target.value);
              if (s) editor.current?.setText(appendFilter(draft, snippetText(s.template)));
            }}
          >
            <option value="">Insert a filter…</option>
            {snippets.map((s) => (
              <option key={s.label} value={s.label} title={s.detail}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <p id={hintId} aria-live="polite" className="min-h-5 pl-14 text-xs">
          {!check.ok ? (
            <span className="font-semibold text-bad" data-testid="query-error">
              ✕ {check.message} <span className="font-normal text-muted">(at character {check.from + 1})</span>
            </span>
          ) : check.warnings.length ? (
            <span className="text-warn">⚠ {check.warnings[0]!.message}</span>
          ) : (
            <span className="text-muted">
              <kbd className="font-sans font-semibold">Enter</kbd> runs the query · <kbd className="font-sans font-semibold">Ctrl+Space</kbd> lists fields and
              filters · values are case-insensitive, field names are not
            </span>
          )}
        </p>
      </section>

      {fieldsQuery.isError ? (
        <ErrorNotice
          error={toErrorData(fieldsQuery.error)}
          title="Could not read the indexing configuration (autocomplete and aggregations need it)"
          action={
            <button type="button" className="btn" onClick={() => void fieldsQuery.refetch()}>
              Retry
            </button>
          }
        />
      ) : null}

      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <MatchCount runnable={runnable} query={count} />
          <ColumnChooser columns={columns} onChange={setColumns} fields={fields} shadowFields={shadowFields} />
          <SaveQueryButton query={q} columns={columns} disabled={!runnable} current={opened} />
          {canCreateGroup ? <SaveAsDynamicGroupButton query={q} disabled={!runnable} /> : null}
        </div>
        <ExportControl q={q} columns={columns} total={total} disabled={!runnable} />
      </div>

      <div className="grid items-start gap-3 xl:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0">
          {!q.trim() ? (
            <StartHere onPick={openQuery} />
          ) : !ran.ok ? (
            <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
              <p className="font-semibold text-bad">This query can’t run</p>
              <p className="mt-0.5">{ran.message}</p>
              <p className="mt-1 text-muted">The problem is marked in the editor. Nothing was sent to AWS IoT.</p>
            </div>
          ) : (
            <SearchResults key={q} q={q} columns={columns} numericColumns={numeric} total={total} onFirstPage={onFirstPage} />
          )}
        </div>
        <aside aria-label="Aggregations, saved and recent queries" className="space-y-3">
          <Aggregations
            q={runnable ? q : ""}
            fields={fields}
            fieldsReady={fieldsQuery.isSuccess}
            connectivityIndexed={index?.indexing.connectivity ?? false}
            bucketField={by}
            numericField={num}
            onBucketField={(f) => void setParams({ by: f })}
            onNumericField={(f) => void setParams({ num: f })}
          />
          <SavedQueries viewer={viewer} onOpen={openSaved} />
          <QueryHistory onOpen={openQuery} />
        </aside>
      </div>
    </div>
  );
}

function MatchCount({
  runnable,
  query,
}: {
  runnable: boolean;
  query: { data?: SearchCount; isPending: boolean; isError: boolean; error: unknown; fetchStatus: string; failureCount: number; failureReason: unknown };
}) {
  if (!runnable) return null;
  let body;
  if (query.data)
    body = (
      <>
        <span className="font-semibold tabular-nums" data-testid="match-count">
          {formatCount(query.data.count)}
        </span>{" "}
        {query.data.count === 1 ? "thing matches" : "things match"}
      </>
    );
  else if (isRetryingThrottled(query)) body = <span className="text-warn">counting: rate limited, retrying…</span>;
  else if (query.isError)
    body = (
      <span className="text-warn" title={toErrorData(query.error).message}>
        count unavailable
      </span>
    );
  else body = <span className="text-muted">counting…</span>;
  return (
    <p role="status" className="mr-2 text-sm">
      {body}
    </p>
  );
}

function StartHere({ onPick }: { onPick: (q: string) => void }) {
  return (
    <div className="rounded border border-border bg-surface px-4 py-5">
      <p className="text-base font-semibold">Type a query and press Enter</p>
      <p className="mt-1 text-muted">
        Field searches (<code className="font-mono">attributes.customer:acme</code>), wildcards (<code className="font-mono">thingName:agent-01*</code>), ranges
        (<code className="font-mono">attributes.agentVersion:[7.0 TO 7.2]</code>), comparisons, <code className="font-mono">AND</code> /{" "}
        <code className="font-mono">OR</code> / <code className="font-mono">NOT</code> and parentheses. Or start from one of these:
      </p>
      <ul className="mt-3 flex flex-wrap gap-2">
        {EXAMPLES.map((e) => (
          <li key={e.query}>
            <button type="button" className="btn" onClick={() => onPick(e.query)} title={e.query}>
              {e.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

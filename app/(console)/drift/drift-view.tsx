"use client";

import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { useCallback, useEffect, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { ErrorNotice } from "@/components/ui/error-notice";
import { TimeAgo } from "@/components/ui/time-ago";
import { toErrorData } from "@/lib/errors";
import { DRIFT_POLL } from "@/lib/http/poll-policy";
import { ANY_SHADOW, CLASSIC_SHADOW, type DriftSummary, type DriftThingFilter, type PendingKeyStats } from "@/lib/shadow-drift/contract";
import { deltaField, drillDownQuery, searchHref, shadowPrefix } from "@/lib/shadow-drift/queries";
import { queryKeys } from "@/lib/query-keys";
import { Breakdown } from "./breakdown";
import { DriftedThings } from "./drifted-things";
import { PendingKeys } from "./pending-keys";
import { QueryState, StaleNotice } from "./query-state";
import { ScopeCards, scopeLabel } from "./scope-cards";
import { driftParams } from "./search-params";
import { useDriftKeys, useDriftSummary } from "./use-drift";

/**
 * The fleet drift view: where desired shadow state (what operators asked agents to do)
 * and reported state (what the agents say they did) still disagree. Counts per shadow
 * and breakdowns by thing type and group come from fleet-index aggregations; pending
 * keys and the drill-down list from the shared drift snapshot. Scope and drill-down live
 * in the URL; everything refreshes on its own while the tab is visible.
 */
export function DriftView() {
  const qc = useQueryClient();
  const [{ shadow: scope, type, group, key }, setParams] = useQueryStates(driftParams, { history: "push" });
  const summary = useDriftSummary(scope);
  const keys = useDriftKeys();
  const fetching = useIsFetching({ queryKey: queryKeys.drift.all }) > 0;
  const listHeading = useRef<HTMLHeadingElement>(null);
  const focusList = useRef(false);

  const filter: DriftThingFilter = { scope, type, group, key };
  const drilling = type !== null || group !== null || key !== null;
  const data = summary.data;
  const indexed = data ? [...(data.indexing.classic ? [CLASSIC_SHADOW] : []), ...data.indexing.namedShadows] : [];

  // A drill-down picked on the page moves the keyboard (and the eye) to its list.
  useEffect(() => {
    if (drilling && focusList.current) {
      focusList.current = false;
      listHeading.current?.scrollIntoView({ block: "start", behavior: "smooth" });
      listHeading.current?.focus({ preventScroll: true });
    }
  }, [drilling, type, group, key]);

  const drill = useCallback(
    (next: Partial<{ shadow: string; type: string | null; group: string | null; key: string | null }>) => {
      const opening = Object.values(next).some((v) => v !== null && v !== undefined);
      focusList.current = opening;
      void setParams({ ...next, ...(next.shadow === ANY_SHADOW ? { shadow: null } : {}) });
    },
    [setParams],
  );

  const refresh = () => void qc.invalidateQueries({ queryKey: queryKeys.drift.all });
  const onScope = (s: string) => void setParams({ shadow: s === ANY_SHADOW ? null : s, key: s === scope ? key : null });
  const typeHref = (v: string) => link({ ...filter, type: v, group: null, key: null }, indexed);
  const groupHref = (v: string) => link({ ...filter, group: v, type: null, key: null }, indexed);
  const keyHref = (k: PendingKeyStats) => link({ scope: k.shadow, type: null, group: null, key: k.path }, indexed);

  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-bold">Drift</h1>
          <p className="text-sm text-muted">Desired shadow state the agents have not applied yet: what is pending, where, and since when.</p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm text-muted">
          <IndexBadge summary={data} />
          <span aria-live="off">
            {summary.dataUpdatedAt ? (
              <>
                Updated <TimeAgo at={summary.dataUpdatedAt} />
              </>
            ) : (
              "Loading"
            )}
            {fetching ? " · refreshing…" : null}
            <span className="hidden lg:inline"> · auto-refresh every {DRIFT_POLL.everyMs / 1000} s while this tab is visible</span>
          </span>
          <button type="button" className="btn" onClick={refresh} disabled={fetching}>
            Refresh now
          </button>
        </div>
      </header>

      <StaleNotice query={summary} what="the drift summary" />
      {!data ? (
        summary.isError && toErrorData(summary.error).code === "invalid_input" ? (
          <ErrorNotice
            error={toErrorData(summary.error)}
            title={`Cannot show ${scopeLabel(scope).toLowerCase()}`}
            action={
              <button type="button" className="btn" onClick={() => void setParams({ shadow: null, key: null })}>
                Show all shadows
              </button>
            }
          />
        ) : (
          <QueryState query={summary} what="the drift summary" lines={4} />
        )
      ) : indexed.length === 0 ? (
        <NotIndexed summary={data} />
      ) : (
        <>
          <ScopeCards summary={data} scope={scope} onScope={onScope} />
          {data.any.drifted === 0 ? (
            <p role="status" className="rounded border border-ok/40 bg-ok/10 px-3 py-2 font-semibold text-ok">
              No drift: every agent has applied its desired state.
            </p>
          ) : null}
        </>
      )}

      {data && indexed.length === 0 ? null : (
        <>
          <StaleNotice query={keys} what="the pending-keys analysis" />
          {keys.data ? (
            <PendingKeys
              keys={keys.data}
              scope={scope}
              selected={key !== null ? { shadow: scope, key } : null}
              onSelect={(s, k) => drill({ shadow: s, key: k })}
              searchHrefFor={keyHref}
            />
          ) : (
            <section aria-label="Pending desired keys" className="rounded border border-border bg-surface px-3 py-2">
              <h2 className="mb-1 text-sm font-semibold tracking-wide text-muted uppercase">Pending desired keys</h2>
              <QueryState query={keys} what="the pending-keys analysis" lines={5} />
            </section>
          )}
        </>
      )}

      {data && indexed.length > 0 ? (
        <div className="grid items-start gap-3 xl:grid-cols-2">
          {data.byType ? (
            <Breakdown
              title={`By thing type · ${scopeLabel(data.scope).toLowerCase()}`}
              noun="type"
              breakdown={data.byType}
              selected={type}
              onSelect={(v) => drill({ type: v })}
              searchHrefFor={typeHref}
            />
          ) : null}
          {data.byGroup ? (
            <Breakdown
              title={`By thing group · ${scopeLabel(data.scope).toLowerCase()}`}
              noun="group"
              breakdown={data.byGroup}
              selected={group}
              onSelect={(v) => drill({ group: v })}
              searchHrefFor={groupHref}
            />
          ) : null}
        </div>
      ) : null}

      {drilling ? (
        <DriftedThings
          key={`${scope}|${type}|${group}|${key}`}
          ref={listHeading}
          filter={filter}
          searchHref={link(filter, indexed)}
          onClear={(what) => void setParams(what === "all" ? { type: null, group: null, key: null } : { [what]: null })}
        />
      ) : data && indexed.length > 0 && data.any.drifted > 0 ? (
        <p className="text-sm text-muted">
          Pick a thing type, a thing group or a key above to list its drifted things, each linked to its desired vs reported diff.
        </p>
      ) : null}
    </div>
  );
}

/** The search workbench on a drill-down's things, with the delta (or the key's delta and reported value) as columns. */
function link(filter: DriftThingFilter, indexed: readonly string[]): string | null {
  const q = drillDownQuery(filter, indexed);
  if (q === null) return null;
  const shadows = filter.scope === ANY_SHADOW ? indexed : [filter.scope];
  const cols =
    filter.key !== null
      ? shadows.flatMap((s) => [deltaField(s, filter.key!), `${shadowPrefix(s)}.reported.${filter.key}`])
      : shadows.map((s) => `${shadowPrefix(s)}.delta`);
  return searchHref(q, cols);
}

function IndexBadge({ summary }: { summary: DriftSummary | undefined }) {
  if (!summary) return null;
  const s = summary.indexing.indexStatus;
  if (s === "ACTIVE") return null;
  if (s) {
    return (
      <Badge tone="warn" title="Counts may be incomplete until the fleet index is ACTIVE">
        index {s.toLowerCase()}
      </Badge>
    );
  }
  return <Badge tone="bad">indexing off</Badge>;
}

function NotIndexed({ summary }: { summary: DriftSummary }) {
  return (
    <div role="status" className="rounded border border-warn/50 bg-warn/10 px-4 py-3">
      <p className="font-semibold text-warn">Shadows are not in the fleet index, so drift cannot be seen here</p>
      <p className="mt-1">
        {summary.indexing.indexStatus === null ? "Fleet indexing is off." : "The index holds registry data only."} An admin can set the indexing mode to{" "}
        <code className="font-mono">REGISTRY_AND_SHADOW</code> (and list the named shadows to index) in the indexing configuration. One thing&apos;s shadows can
        still be read on its page.
      </p>
      <p className="mt-2">
        <Link href="/things">Browse things</Link>
      </p>
    </div>
  );
}

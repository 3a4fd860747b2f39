"use client";

import Link from "next/link";
import { forwardRef, useState } from "react";
import { ConnectivityStatus } from "@/components/things/connectivity-status";
import { TimeAgo } from "@/components/ui/time-ago";
import { TableSkeleton } from "@/components/ui/skeleton";
import { formatCount, plural } from "@/lib/format/count";
import { formatUtc } from "@/lib/format/time";
import { DEFAULT_THINGS_LIMIT } from "@/lib/shadow-drift/params";
import { ANY_SHADOW, CLASSIC_SHADOW, type DriftThingFilter, type DriftThingRow, type PendingKey } from "@/lib/shadow-drift/contract";
import { thingShadowHref } from "@/lib/shadow-drift/queries";
import { CoverageNote } from "./pending-keys";
import { QueryState, StaleNotice } from "./query-state";
import { scopeLabel, shadowShort } from "./scope-cards";
import { useDriftThings } from "./use-drift";

const CHIPS_SHOWN = 4;

interface Props {
  filter: DriftThingFilter;
  /** The search workbench on the same things (null when the query would be too long). */
  searchHref: string | null;
  onClear: (what: "type" | "group" | "key" | "all") => void;
}

/**
 * The drill-down: the drifted things of a type, a group and/or with a key pending (all in
 * the URL), the longest waiting first. Each thing links to its shadow diff on the thing
 * page (the shadow whose key has waited longest).
 */
export const DriftedThings = forwardRef<HTMLHeadingElement, Props>(function DriftedThings({ filter, searchHref, onClear }, headingRef) {
  const [limit, setLimit] = useState(DEFAULT_THINGS_LIMIT);
  const query = useDriftThings(filter, limit, true);
  const data = query.data;

  return (
    <section aria-labelledby="drifted-things-title" className="rounded border border-accent/60 bg-surface" data-testid="drifted-things">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-3 py-2">
        <div className="flex flex-wrap items-center gap-2">
          <h2
            id="drifted-things-title"
            ref={headingRef}
            tabIndex={-1}
            className="text-sm font-semibold tracking-wide text-muted uppercase focus:outline-none focus-visible:outline-2"
          >
            Drifted things
          </h2>
          <ul aria-label="Filters" className="flex flex-wrap items-center gap-1.5">
            <FilterChip label="Shadow" value={scopeLabel(filter.scope)} />
            {filter.type !== null ? <FilterChip label="Type" value={filter.type} onRemove={() => onClear("type")} /> : null}
            {filter.group !== null ? <FilterChip label="Group" value={filter.group} onRemove={() => onClear("group")} /> : null}
            {filter.key !== null ? <FilterChip label="Key pending" value={filter.key} onRemove={() => onClear("key")} /> : null}
          </ul>
        </div>
        <div className="flex items-center gap-2">
          {searchHref ? (
            <Link href={searchHref} className="btn hover:no-underline">
              Open in Search ↗
            </Link>
          ) : null}
          <button type="button" className="btn" onClick={() => onClear("all")}>
            Close list
          </button>
        </div>
      </header>
      <div className="space-y-2 px-3 py-2">
        <StaleNotice query={query} what="the list of drifted things" />
        {!data ? (
          query.isPending && !query.isError ? (
            <TableSkeleton label="Loading the drifted things" columns={6} rows={6} />
          ) : (
            <QueryState query={query} what="the list of drifted things" />
          )
        ) : data.matched === 0 ? (
          <div className="py-4 text-center">
            <p className="font-semibold">No drifted thing matches these filters</p>
            <p className="mt-1 text-sm text-muted">
              It may have applied its desired state since the figures above were read, or the filters exclude each other.
            </p>
          </div>
        ) : (
          <>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="text-sm" aria-live="polite">
                <span className="font-semibold tabular-nums" data-testid="drifted-things-count">
                  {formatCount(data.matched)}
                </span>{" "}
                {data.matched === 1 ? "thing" : "things"}, the longest waiting first
                {data.rows.length < data.matched ? <span className="text-muted"> · showing {formatCount(data.rows.length)}</span> : null}
              </p>
              <CoverageNote coverage={data} everyMatch="“Open in Search” lists every match" />
            </div>
            <div className="max-h-[36rem] overflow-auto rounded border border-border">
              <table className="data-table text-sm" aria-label="Drifted things">
                <thead>
                  <tr>
                    <th scope="col">Thing</th>
                    <th scope="col">Type</th>
                    <th scope="col">Pending keys</th>
                    <th scope="col" title="When desired was written for the oldest key still pending">
                      Waiting since
                    </th>
                    <th scope="col">Connection</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <ThingRow key={r.thingName} row={r} filter={filter} />
                  ))}
                </tbody>
              </table>
            </div>
            {data.rows.length < data.matched ? (
              <button type="button" className="btn" disabled={query.isFetching} onClick={() => setLimit((n) => n + DEFAULT_THINGS_LIMIT)}>
                {query.isFetching ? "Loading…" : `Show ${formatCount(Math.min(DEFAULT_THINGS_LIMIT, data.matched - data.rows.length))} more`}
              </button>
            ) : null}
          </>
        )}
      </div>
    </section>
  );
});

function FilterChip({ label, value, onRemove }: { label: string; value: string; onRemove?: () => void }) {
  return (
    <li className="inline-flex items-center gap-1 rounded border border-border bg-surface-2 py-px pr-1 pl-1.5 text-xs">
      <span className="text-muted">{label}:</span>
      <span className="max-w-64 truncate font-mono font-semibold" title={value}>
        {value}
      </span>
      {onRemove ? (
        <button
          type="button"
          className="rounded px-1 text-muted hover:bg-border hover:text-fg"
          aria-label={`Remove the ${label.toLowerCase()} filter (${value})`}
          onClick={onRemove}
        >
          ✕
        </button>
      ) : null}
    </li>
  );
}

function ThingRow({ row, filter }: { row: DriftThingRow; filter: DriftThingFilter }) {
  // The diff to open: the shadow whose key has waited longest.
  const shadow = row.pending[0]?.shadow ?? row.shadows[0]!;
  const many = row.shadows.length > 1 || (filter.scope === ANY_SHADOW && row.shadows[0] !== CLASSIC_SHADOW);
  return (
    <tr>
      <td className="max-w-72">
        <Link
          href={thingShadowHref(row.thingName, shadow)}
          className="font-mono text-[13px] break-all"
          title={`Open the ${shadowShort(shadow)} shadow's desired vs reported diff`}
        >
          {row.thingName}
        </Link>
        {row.thingGroupNames.length ? (
          <span className="block truncate text-xs text-muted" title={row.thingGroupNames.join(", ")}>
            {row.thingGroupNames.join(", ")}
          </span>
        ) : null}
      </td>
      <td className="whitespace-nowrap">{row.thingTypeName ?? <span className="text-muted">—</span>}</td>
      <td>
        <PendingChips keys={row.pending} highlight={filter.key} showShadow={many} />
      </td>
      <td className="whitespace-nowrap">
        {row.oldestSinceSec === null ? <span className="text-muted">unknown</span> : <TimeAgo at={row.oldestSinceSec * 1000} />}
      </td>
      <td className="whitespace-nowrap">
        {row.connected === null ? (
          <span className="text-muted" title="Connectivity is not indexed">
            —
          </span>
        ) : (
          <ConnectivityStatus
            value={{ thingName: row.thingName, connected: row.connected, changedAtMs: row.connectivityChangedAtMs, disconnectReason: row.disconnectReason }}
          />
        )}
      </td>
    </tr>
  );
}

function PendingChips({ keys, highlight, showShadow }: { keys: readonly PendingKey[]; highlight: string | null; showShadow: boolean }) {
  const [open, setOpen] = useState(false);
  if (keys.length === 0)
    return (
      <span className="text-muted" title="The index says this shadow has a delta, but its keys could not be read">
        unknown keys
      </span>
    );
  const shown = open ? keys : keys.slice(0, CHIPS_SHOWN);
  return (
    <span className="flex flex-wrap items-center gap-1">
      {shown.map((k) => (
        <span
          key={`${k.shadow}\u0000${k.path}`}
          title={`${shadowShort(k.shadow)} shadow · ${k.path}\ndesired written ${k.sinceSec === null ? "at an unknown time" : formatUtc(k.sinceSec * 1000)}\n${
            k.error !== null
              ? `the agent reports an error applying it: ${k.error}`
              : k.reported
                ? "the agent reports a different value"
                : "the agent reports no value for it"
          }`}
          className={`inline-flex max-w-full flex-wrap items-center gap-x-1 rounded border px-1 font-mono text-xs break-all ${
            k.error !== null ? "border-bad/60 bg-bad/10" : k.path === highlight ? "border-warn/60 bg-warn/15" : "border-border bg-surface-2"
          } ${k.path === highlight ? "font-semibold" : ""}`}
        >
          {showShadow ? <span className="text-muted">{shadowShort(k.shadow)}:</span> : null}
          {k.path}
          {k.error !== null ? (
            <span className="font-sans text-[10px] font-semibold text-bad">✕ {k.error}</span>
          ) : k.reported ? null : (
            <span className="font-sans text-[10px] text-muted">(not reported)</span>
          )}
        </span>
      ))}
      {keys.length > CHIPS_SHOWN ? (
        <button type="button" className="text-xs" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
          {open ? "fewer" : `+${plural(keys.length - CHIPS_SHOWN, "more key")}`}
        </button>
      ) : null}
    </span>
  );
}

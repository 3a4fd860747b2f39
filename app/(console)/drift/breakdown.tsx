"use client";

import Link from "next/link";
import { useId, useState } from "react";
import type { DriftBreakdown } from "@/lib/shadow-drift/contract";
import { percentLabel } from "@/lib/fleet-search/aggregation-view";
import { formatCount, plural } from "@/lib/format/count";
import { ShareBars } from "./drift-charts";

const INITIAL_ROWS = 10;

interface Props {
  title: string;
  /** What one value is: "type", "group". */
  noun: "type" | "group";
  breakdown: DriftBreakdown;
  selected: string | null;
  onSelect: (value: string | null) => void;
  /** The search workbench link for one value's drifted things (null: the query would be too long). */
  searchHrefFor: (value: string) => string | null;
}

/**
 * Drifted things by one registry field (fleet-index bucket aggregations): a chart of the
 * top values (drifted vs in sync) and a table with every number. A value's name lists its
 * drifted things below (the drill-down, in the URL); "Search" opens the same things in
 * the search workbench.
 */
export function Breakdown({ title, noun, breakdown, selected, onSelect, searchHrefFor }: Props) {
  const id = useId();
  const [showAll, setShowAll] = useState(false);
  const { buckets } = breakdown;
  const rows = showAll ? buckets : buckets.slice(0, INITIAL_ROWS);
  const topChart = buckets.slice(0, INITIAL_ROWS).map((b) => ({ label: b.key, drifted: b.drifted, total: b.total }));

  return (
    <section aria-labelledby={`${id}-title`} className="min-w-0 rounded border border-border bg-surface">
      <header className="flex items-baseline justify-between gap-2 border-b border-border px-3 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold tracking-wide text-muted uppercase">
          {title}
        </h2>
        <span className="text-xs text-muted">
          {buckets.length > INITIAL_ROWS ? `top ${INITIAL_ROWS} of ${formatCount(buckets.length)}${breakdown.truncated ? "+" : ""} in the chart` : null}
        </span>
      </header>
      {buckets.length === 0 ? (
        <p className="px-3 py-3 text-sm text-muted">No drifted thing has a {noun === "type" ? "thing type" : "thing group"}.</p>
      ) : (
        <div className="space-y-2 px-3 py-2">
          <ShareBars rows={topChart} labelWidth={noun === "type" ? 120 : 200} />
          <p className="flex items-center gap-3 text-xs text-muted" aria-hidden="true">
            <span className="inline-flex items-center gap-1">
              <span className="inline-block size-2.5 rounded-sm bg-warn" /> pending changes
            </span>
            <span className="inline-flex items-center gap-1">
              <span className="inline-block size-2.5 rounded-sm bg-idle/25" /> in sync
            </span>
          </p>
          <div className="overflow-x-auto">
            <table className="data-table text-sm" aria-labelledby={`${id}-title`}>
              <thead>
                <tr>
                  <th scope="col">{noun === "type" ? "Thing type" : "Thing group"}</th>
                  <th scope="col" className="text-right" title="Things with desired state their agent has not applied">
                    Drifted
                  </th>
                  <th scope="col" className="text-right" title={`Things of this ${noun} that have the shadow(s) in view`}>
                    Out of
                  </th>
                  <th scope="col" className="text-right">
                    Share
                  </th>
                  <th scope="col">
                    <span className="sr-only">Open in Search</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => {
                  const active = b.key === selected;
                  const href = searchHrefFor(b.key);
                  return (
                    <tr key={b.key} className={active ? "bg-accent/10" : undefined}>
                      <td className="max-w-64">
                        <button
                          type="button"
                          aria-pressed={active}
                          title={active ? `Showing the drifted things of ${noun} ${b.key}; press again to stop` : `List the drifted things of ${noun} ${b.key}`}
                          onClick={() => onSelect(active ? null : b.key)}
                          className={`max-w-full truncate text-left font-mono text-[13px] text-accent underline-offset-2 hover:underline ${active ? "font-semibold" : ""}`}
                        >
                          {b.key === "" ? "(empty)" : b.key}
                        </button>
                      </td>
                      <td className="text-right font-semibold tabular-nums">{formatCount(b.drifted)}</td>
                      <td className="text-right text-muted tabular-nums">{b.total === null ? "—" : formatCount(b.total)}</td>
                      <td className="text-right tabular-nums">{b.total === null ? "—" : percentLabel(b.drifted, b.total)}</td>
                      <td className="text-right">
                        {href ? (
                          <Link href={href} className="text-xs whitespace-nowrap" aria-label={`Open the drifted things of ${noun} ${b.key} in Search`}>
                            Search ↗
                          </Link>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
            <span>
              {breakdown.outside > 0
                ? breakdown.truncated
                  ? `${plural(breakdown.outside, "more drifted thing")} in ${noun}s not listed`
                  : `${plural(breakdown.outside, "drifted thing")} without a ${noun === "type" ? "thing type" : "thing group"}`
                : null}
            </span>
            {buckets.length > INITIAL_ROWS ? (
              <button type="button" className="btn text-xs" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll}>
                {showAll ? `Show the top ${INITIAL_ROWS}` : `Show all ${formatCount(buckets.length)} ${noun}s`}
              </button>
            ) : null}
          </div>
        </div>
      )}
    </section>
  );
}

"use client";

import Link from "next/link";
import { useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { TimeAgo } from "@/components/ui/time-ago";
import { ANY_SHADOW, type DriftKeys, type PendingKeyStats, type SnapshotCoverage } from "@/lib/shadow-drift/contract";
import { formatCount, plural } from "@/lib/format/count";
import { AgeBars, AGE_LEGEND } from "./drift-charts";
import { scopeLabel, shadowShort } from "./scope-cards";

const INITIAL_ROWS = 12;

interface Props {
  keys: DriftKeys;
  scope: string;
  selected: { shadow: string; key: string } | null;
  onSelect: (shadow: string, key: string | null) => void;
  searchHrefFor: (k: PendingKeyStats) => string | null;
}

/** "Based on all 488 drifted things" or, for a fleet beyond the cap, "the first 5,000 of 48,210". */
export function CoverageNote({ coverage, everyMatch = "open a key in Search for every match" }: { coverage: SnapshotCoverage; everyMatch?: string }) {
  return (
    <p className="text-xs text-muted" data-testid="drift-coverage">
      {coverage.capped ? (
        <>
          <span className="font-semibold text-warn">
            Based on the first {formatCount(coverage.analysed)} of {formatCount(coverage.drifted)} drifted things
          </span>{" "}
          (the view reads at most {formatCount(coverage.cap)}; the counts at the top are exact; {everyMatch})
        </>
      ) : (
        <>Based on all {formatCount(coverage.analysed)} drifted things</>
      )}
      {" · read from the fleet index "}
      <TimeAgo at={coverage.analysedAtMs} />
    </p>
  );
}

/**
 * Which desired keys wait to be applied, on how many things, and for how long: per key
 * path, the things pending (split by age in the chart), how many of those agents are
 * online (online and still pending is the worrying kind), how many do not report the key
 * at all, and the oldest and median waits. A key's name lists its things below.
 */
export function PendingKeys({ keys, scope, selected, onSelect, searchHrefFor }: Props) {
  const id = useId();
  const [showAll, setShowAll] = useState(false);
  const inScope = keys.keys.filter((k) => scope === ANY_SHADOW || k.shadow === scope);
  const rows = showAll ? inScope : inScope.slice(0, INITIAL_ROWS);
  const many = scope === ANY_SHADOW && new Set(inScope.map((k) => k.shadow)).size > 1;
  const label = (k: PendingKeyStats) => (many ? `${shadowShort(k.shadow)}: ${k.path}` : k.path);

  return (
    <section aria-labelledby={`${id}-title`} className="rounded border border-border bg-surface">
      <header className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 border-b border-border px-3 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold tracking-wide text-muted uppercase">
          Pending desired keys{scope === ANY_SHADOW ? "" : ` · ${scopeLabel(scope).toLowerCase()}`}
        </h2>
        <CoverageNote coverage={keys} />
      </header>
      {inScope.length === 0 ? (
        <p className="px-3 py-3 text-sm">
          {keys.analysed === 0 ? (
            <span className="font-semibold text-ok">Nothing pending: every agent has applied its desired state.</span>
          ) : (
            <span className="text-muted">No key is pending in this shadow.</span>
          )}
        </p>
      ) : (
        <div className="space-y-2 px-3 py-2">
          <TopKey k={inScope[0]!} />
          <AgeBars rows={inScope.slice(0, INITIAL_ROWS).map((k) => ({ label: label(k), ageClasses: k.ageClasses }))} labelWidth={220} />
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted" aria-hidden="true">
            <span>Waiting since desired was written:</span>
            {AGE_LEGEND.map((a) => (
              <span key={a.label} className="inline-flex items-center gap-1">
                <span className={`inline-block size-2.5 rounded-sm ${a.className}`} /> {a.label}
              </span>
            ))}
          </p>
          <div className="overflow-x-auto">
            <table className="data-table text-sm" aria-labelledby={`${id}-title`} data-testid="pending-keys">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col" className="text-right">
                    Things
                  </th>
                  <th scope="col" className="text-right" title="Of these things, those whose agent is online now and still has not applied the key">
                    Online now
                  </th>
                  <th scope="col" className="text-right" title="Agents that report failing to apply this key (their reported lastError names it)">
                    Agent reports an error
                  </th>
                  <th scope="col" className="text-right" title="Agents that report no value at all for this key (they may not know it)">
                    Not reporting the key
                  </th>
                  <th scope="col" title="When desired was written on the thing that has waited longest">
                    Oldest since
                  </th>
                  <th scope="col" title="Half of these things have waited at least since then">
                    Median since
                  </th>
                  <th scope="col">
                    <span className="sr-only">Open in Search</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((k) => {
                  const active = selected?.shadow === k.shadow && selected.key === k.path;
                  const href = searchHrefFor(k);
                  return (
                    <tr key={`${k.shadow}\u0000${k.path}`} className={active ? "bg-accent/10" : undefined}>
                      <td className="max-w-80">
                        <span className="flex items-center gap-1.5">
                          {many ? <Badge tone="neutral">{shadowShort(k.shadow)}</Badge> : null}
                          <button
                            type="button"
                            aria-pressed={active}
                            onClick={() => onSelect(k.shadow, active ? null : k.path)}
                            title={active ? "Showing the things where this key is pending; press again to stop" : `List the things where ${k.path} is pending`}
                            className={`truncate text-left font-mono text-[13px] text-accent underline-offset-2 hover:underline ${active ? "font-semibold" : ""}`}
                          >
                            {k.path}
                          </button>
                        </span>
                      </td>
                      <td className="text-right font-semibold tabular-nums">{formatCount(k.things)}</td>
                      <td className={`text-right tabular-nums ${k.connected > 0 ? "font-semibold text-warn" : "text-muted"}`}>{formatCount(k.connected)}</td>
                      <td className={`text-right tabular-nums ${k.failing > 0 ? "font-semibold text-bad" : "text-muted"}`}>{formatCount(k.failing)}</td>
                      <td className={`text-right tabular-nums ${k.notReported > 0 ? "" : "text-muted"}`}>{formatCount(k.notReported)}</td>
                      <td className="whitespace-nowrap">
                        {k.oldestSinceSec === null ? <span className="text-muted">unknown</span> : <TimeAgo at={k.oldestSinceSec * 1000} />}
                      </td>
                      <td className="whitespace-nowrap">
                        {k.medianSinceSec === null ? <span className="text-muted">unknown</span> : <TimeAgo at={k.medianSinceSec * 1000} />}
                      </td>
                      <td className="text-right">
                        {href ? (
                          <Link href={href} className="text-xs whitespace-nowrap" aria-label={`Open the things where ${k.path} is pending in Search`}>
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
          {inScope.length > INITIAL_ROWS ? (
            <button type="button" className="btn text-xs" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll}>
              {showAll ? `Show the top ${INITIAL_ROWS}` : `Show all ${formatCount(inScope.length)} keys`}
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}

/** The one line to read first: the most pending key, how many of its agents are online, and the longest wait. */
function TopKey({ k }: { k: PendingKeyStats }) {
  return (
    <p className="text-sm" data-testid="top-pending-key">
      Most pending: <span className="font-mono font-semibold">{k.path}</span>
      <span className="text-muted"> ({shadowShort(k.shadow)} shadow)</span> on <span className="font-semibold">{plural(k.things, "thing")}</span>
      {k.connected > 0 ? (
        <>
          , <span className="font-semibold text-warn">{formatCount(k.connected)} of them online</span> and still not applied
        </>
      ) : (
        ", none of them online"
      )}
      {k.failing > 0 ? (
        <>
          ; <span className="font-semibold text-bad">{plural(k.failing, "agent reports", "agents report")} an error applying it</span>
        </>
      ) : null}
      {k.oldestSinceSec !== null ? (
        <>
          ; the longest wait began <TimeAgo at={k.oldestSinceSec * 1000} />
        </>
      ) : null}
      .
    </p>
  );
}

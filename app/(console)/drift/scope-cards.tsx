"use client";

import { ANY_SHADOW, CLASSIC_SHADOW, type DriftSummary, type ShadowDriftCount } from "@/lib/shadow-drift/contract";
import { percentLabel } from "@/lib/fleet-search/aggregation-view";
import { formatCount } from "@/lib/format/count";

/** How the view names a scope: every shadow, the classic shadow, or a named one. */
export function scopeLabel(scope: string): string {
  if (scope === ANY_SHADOW) return "All shadows";
  if (scope === CLASSIC_SHADOW) return "Classic shadow";
  return `Named shadow “${scope}”`;
}

/** A short form for chips and table cells. */
export function shadowShort(shadow: string): string {
  return shadow === CLASSIC_SHADOW ? "classic" : shadow;
}

/**
 * The headline: per indexed shadow (and all of them together), how many things have
 * desired state their agent has not applied, out of the things that have that shadow.
 * Each card is also the scope switch for the breakdowns below (a toggle button group).
 */
export function ScopeCards({ summary, scope, onScope }: { summary: DriftSummary; scope: string; onScope: (scope: string) => void }) {
  const cards: ShadowDriftCount[] = summary.shadows.length > 1 ? [summary.any, ...summary.shadows] : summary.shadows;
  return (
    <div role="group" aria-label="Shadow in scope" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {cards.map((c) => (
        <ScopeCard
          key={c.shadow}
          count={c}
          totalThings={summary.totalThings}
          active={c.shadow === scope || (cards.length === 1 && scope === ANY_SHADOW)}
          onClick={() => onScope(c.shadow)}
        />
      ))}
    </div>
  );
}

function ScopeCard({ count, totalThings, active, onClick }: { count: ShadowDriftCount; totalThings: number; active: boolean; onClick: () => void }) {
  const { shadow, drifted, withShadow } = count;
  const share = withShadow > 0 ? (drifted / withShadow) * 100 : 0;
  const label = scopeLabel(shadow);
  const base =
    shadow === ANY_SHADOW ? "things with any indexed shadow" : withShadow === totalThings ? "things (every thing has it)" : "things that have this shadow";
  return (
    <button
      type="button"
      aria-pressed={active}
      onClick={onClick}
      data-testid={`drift-card-${shadow}`}
      className={`rounded border bg-surface px-3 py-2.5 text-left hover:border-accent ${active ? "border-accent ring-1 ring-accent" : "border-border"}`}
    >
      <span className="flex items-center justify-between gap-2">
        <span className="text-sm font-semibold">{label}</span>
        {active ? <span className="text-[11px] font-semibold tracking-wide text-accent uppercase">shown below</span> : null}
      </span>
      <span className="mt-1 flex items-baseline gap-2">
        <span className={`text-3xl font-bold tabular-nums ${drifted > 0 ? "text-warn" : "text-ok"}`} data-testid={`drift-count-${shadow}`}>
          {formatCount(drifted)}
        </span>
        <span className="text-sm">{drifted === 1 ? "thing has" : "things have"} pending changes</span>
      </span>
      <span className="mt-0.5 block text-sm text-muted">
        of <span className="font-semibold text-fg tabular-nums">{formatCount(withShadow)}</span> {base} ·{" "}
        <span className="font-semibold text-fg">{percentLabel(drifted, withShadow)}</span>
      </span>
      <span aria-hidden="true" className="mt-2 flex h-2 overflow-hidden rounded bg-idle/25">
        <span className="h-full bg-warn" style={{ width: `${share}%` }} />
      </span>
    </button>
  );
}

"use client";

import type { ShadowName } from "@/lib/shadows/types";

/**
 * Which shadow to show: the classic one, or one of the thing's named shadows. The choice
 * is in the URL (`?shadow=`). A named shadow the URL asks for but the thing lacks is
 * still offered, so the page can say so.
 */
export function ShadowPicker({ current, named, onPick }: { current: ShadowName; named: readonly string[] | null; onPick: (name: ShadowName) => void }) {
  const names = named ? [...named] : [];
  if (current !== null && !names.includes(current)) names.push(current);
  const item = (name: ShadowName, label: string, hint?: string) => {
    const active = name === current;
    return (
      <button
        key={name ?? "\u0000classic"}
        type="button"
        aria-pressed={active}
        title={hint}
        onClick={() => (active ? undefined : onPick(name))}
        className={`rounded border px-2.5 py-1 text-sm font-medium ${active ? "border-accent bg-accent/10 text-fg" : "border-border bg-surface text-muted hover:border-accent hover:text-fg"}`}
      >
        {label}
      </button>
    );
  };
  return (
    <div role="group" aria-label="Shadow" className="flex flex-wrap items-center gap-1.5">
      <span className="mr-1 text-sm font-semibold">Shadow</span>
      {item(null, "Classic", "The thing's unnamed (classic) shadow")}
      {names.map((n) => item(n, n, `Named shadow “${n}”`))}
      {named && named.length === 0 ? <span className="text-xs text-muted">· no named shadows</span> : null}
    </div>
  );
}

import type { ReactNode } from "react";

/** A titled section of a page (a "card"), labelled for assistive tech by its heading. */
export function Panel({ title, id, actions, children }: { title: string; id: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded border border-border bg-surface">
      <header className="flex items-center justify-between gap-2 border-b border-border px-3 py-2">
        <h2 id={id} className="text-sm font-semibold uppercase tracking-wide text-muted">
          {title}
        </h2>
        {actions}
      </header>
      <div className="px-3 py-2">{children}</div>
    </section>
  );
}

export function KeyValues({ items }: { items: Array<{ label: string; value: ReactNode; mono?: boolean }> }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
      {items.map((i) => (
        <div key={i.label} className="contents">
          <dt className="text-muted">{i.label}</dt>
          <dd className={`min-w-0 break-all ${i.mono ? "font-mono text-[13px]" : ""}`}>{i.value}</dd>
        </div>
      ))}
    </dl>
  );
}

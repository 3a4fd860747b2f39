/** Placeholders shaped like the content they stand for, so the layout does not jump. */
export function Skeleton({ className = "" }: { className?: string }) {
  return <span aria-hidden="true" className={`block animate-pulse rounded bg-surface-2 ${className}`} />;
}

export function LinesSkeleton({ lines = 4, label }: { lines?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-2 py-1">
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} className={`h-4 ${i % 3 === 2 ? "w-1/2" : i % 2 ? "w-3/4" : "w-full"}`} />
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function TableSkeleton({ rows = 10, columns = 5, label }: { rows?: number; columns?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="overflow-hidden rounded border border-border bg-surface">
      <div className="flex gap-4 border-b border-border bg-surface-2 px-3 py-2">
        {Array.from({ length: columns }, (_, c) => (
          <Skeleton key={c} className="h-3 flex-1" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="flex gap-4 border-b border-border px-3 py-2 last:border-0">
          {Array.from({ length: columns }, (_, c) => (
            <Skeleton key={c} className={`h-4 flex-1 ${c === 0 ? "max-w-56" : ""}`} />
          ))}
        </div>
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}

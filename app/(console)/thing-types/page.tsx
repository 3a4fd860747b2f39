import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Badge } from "@/components/ui/badge";
import { ErrorNotice } from "@/components/ui/error-notice";
import { RefreshButton } from "@/components/ui/retry-button";
import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";
import { requirePage } from "@/lib/auth/guard";
import { countThingsOfType, listThingTypes } from "@/lib/aws/thing-types";
import { toErrorData } from "@/lib/errors";
import { formatCount, plural } from "@/lib/format/count";
import { formatUtcDate, formatUtc } from "@/lib/format/time";
import type { ThingTypeSummary } from "@/lib/thing-types/types";

export const metadata: Metadata = { title: "Thing types" };

export default async function ThingTypesPage() {
  await requirePage("fleet.read");
  return (
    <div className="space-y-3">
      <header className="flex items-baseline justify-between">
        <h1 className="text-xl font-bold">Thing types</h1>
        <p className="text-sm text-muted">Counts page through ListThings per type; cached for a minute</p>
      </header>
      <Suspense fallback={<TableSkeleton label="Loading thing types" columns={5} rows={6} />}>
        <ThingTypesTable />
      </Suspense>
    </div>
  );
}

async function ThingTypesTable() {
  let types: ThingTypeSummary[];
  try {
    types = await listThingTypes();
  } catch (err) {
    return <ErrorNotice error={toErrorData(err)} title="Could not list thing types" action={<RefreshButton />} />;
  }
  if (types.length === 0) {
    return <div className="rounded border border-border bg-surface px-4 py-8 text-center text-muted">No thing types are defined in this account.</div>;
  }
  return (
    <div className="overflow-auto rounded border border-border bg-surface">
      <table className="data-table" aria-label="Thing types">
        <caption className="sr-only">{plural(types.length, "thing type")}</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Description</th>
            <th scope="col">Searchable attributes</th>
            <th scope="col">Created</th>
            <th scope="col">State</th>
            <th scope="col" className="text-right">
              Things
            </th>
          </tr>
        </thead>
        <tbody>
          {types.map((t) => (
            <tr key={t.name} className={t.deprecated ? "text-muted" : ""}>
              <td className="font-mono text-[13px] whitespace-nowrap">
                <Link href={`/things?type=${encodeURIComponent(t.name)}`} title={`List things of type ${t.name}`}>
                  {t.name}
                </Link>
              </td>
              <td className="max-w-md">{t.description ?? <span className="text-muted">—</span>}</td>
              <td>
                {t.searchableAttributes.length ? (
                  <span className="flex flex-wrap gap-1">
                    {t.searchableAttributes.map((a) => (
                      <span key={a} className="rounded bg-surface-2 px-1 font-mono text-xs">
                        {a}
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="text-muted">—</span>
                )}
              </td>
              <td className="font-mono text-[13px] whitespace-nowrap" title={formatUtc(t.createdAt)}>
                {formatUtcDate(t.createdAt)}
              </td>
              <td className="whitespace-nowrap">
                {t.deprecated ? (
                  <Badge tone="warn" title={t.deprecatedAt ? `Deprecated ${formatUtc(t.deprecatedAt)}` : "Deprecated"}>
                    DEPRECATED{t.deprecatedAt ? ` · ${formatUtcDate(t.deprecatedAt)}` : ""}
                  </Badge>
                ) : (
                  <Badge tone="ok">active</Badge>
                )}
              </td>
              <td className="text-right font-mono text-[13px] tabular-nums">
                <Suspense fallback={<Skeleton className="ml-auto h-4 w-12" />}>
                  <TypeCount name={t.name} />
                </Suspense>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One count per row, streamed in as it finishes, so the list never waits for the biggest type. */
async function TypeCount({ name }: { name: string }) {
  try {
    const { count, capped } = await countThingsOfType(name);
    return (
      <Link href={`/things?type=${encodeURIComponent(name)}`} title={capped ? "Counting stopped here; there are more" : undefined}>
        {formatCount(count)}
        {capped ? "+" : ""}
      </Link>
    );
  } catch (err) {
    const e = toErrorData(err);
    return (
      <span className="text-xs text-warn" title={e.message}>
        count unavailable
      </span>
    );
  }
}

"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import { useId, type ReactNode } from "react";
import { useRouteQuery } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import type { AggregationResult, AggregationType, IndexField } from "@/lib/fleet-search/contract";
import {
  bucketFieldChoices,
  connectedSplit,
  numericFieldChoices,
  type BucketsResult,
  type PercentilesResult,
  type StatisticsResult,
} from "@/lib/fleet-search/aggregation-view";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { isRetryingThrottled, retryDelayMs, retryThrottled } from "@/lib/http/poll-policy";
import { searchAggregateRoute, type AggregateOptions } from "@/lib/fleet-search/routes";
import { BucketChart, ConnectedBar, PercentileChart } from "./charts";
import { RateLimitedNotice } from "@/components/ui/rate-limited";

const PERCENTS = [1, 5, 25, 50, 75, 95, 99] as const;
const MAX_BUCKETS = 10;

function useAggregation<T extends AggregationResult>(q: string, field: string | null, type: AggregationType, opts: AggregateOptions = {}) {
  // The type asked for is the type answered (AggregationResult is tagged by `type`).
  return useRouteQuery(searchAggregateRoute, [q, field ?? "", type, opts], {
    enabled: !!q && !!field,
    staleTime: 30_000,
    retry: retryThrottled,
    retryDelay: (attempt) => retryDelayMs(attempt),
  }) as UseQueryResult<T>;
}

type AggQuery = ReturnType<typeof useAggregation>;

/** Loading, rate-limited or failed, in the space the figure will take; null once there is data. */
function AggState({ query, what }: { query: AggQuery; what: string }) {
  if (isRetryingThrottled(query)) return <RateLimitedNotice attempt={query.failureCount} what={what} />;
  if (query.isPending) return <LinesSkeleton lines={3} label={`Loading ${what}`} />;
  if (query.isError) {
    const error = toErrorData(query.error);
    return (
      <ErrorNotice
        error={error}
        title={error.code === "invalid_input" ? `The index cannot compute ${what}` : `Could not load ${what}`}
        action={
          <button type="button" className="btn" onClick={() => void query.refetch()}>
            Retry
          </button>
        }
      />
    );
  }
  return null;
}

interface Props {
  q: string;
  fields: readonly IndexField[];
  /** The indexing configuration has loaded (the field choices depend on it). */
  fieldsReady: boolean;
  connectivityIndexed: boolean;
  bucketField: string | null;
  numericField: string | null;
  onBucketField: (field: string) => void;
  onNumericField: (field: string) => void;
}

/**
 * Aggregations of the current query beside the results, each one fleet-index call:
 * connected vs disconnected (GetStatistics on the Boolean `connectivity.connected`: the
 * sum is the connected count), counts by a chosen field (GetBucketsAggregation), and
 * statistics and percentiles of a chosen Number field.
 */
export function Aggregations({ q, fields, fieldsReady, connectivityIndexed, bucketField, numericField, onBucketField, onNumericField }: Props) {
  const id = useId();
  const bucketChoices = bucketFieldChoices(fields);
  const numericChoices = numericFieldChoices(fields);
  const byField = bucketField && bucketChoices.includes(bucketField) ? bucketField : (bucketChoices[0] ?? null);
  const numField = numericField && numericChoices.includes(numericField) ? numericField : (numericChoices[0] ?? null);

  return (
    <section aria-labelledby={`${id}-title`} className="rounded border border-border bg-surface">
      <header className="border-b border-border px-3 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold tracking-wide text-muted uppercase">
          Aggregations
        </h2>
      </header>
      {!q ? (
        <p className="px-3 py-3 text-sm text-muted">Run a query to see how its things break down.</p>
      ) : !fieldsReady ? (
        <p className="px-3 py-3 text-sm text-muted">Waiting for the indexing configuration, which says which fields can be aggregated…</p>
      ) : (
        <div className="divide-y divide-border">
          {connectivityIndexed ? <Connectivity q={q} /> : null}

          <FieldPicker label="Count by" choices={bucketChoices} value={byField} onChange={onBucketField}>
            {byField ? (
              <Buckets q={q} field={byField} />
            ) : (
              <p className="text-sm text-muted">No field can be aggregated: declare custom fields in the indexing configuration.</p>
            )}
          </FieldPicker>

          <FieldPicker label="Numeric field" choices={numericChoices} value={numField} onChange={onNumericField}>
            {numField ? (
              <Numeric q={q} field={numField} />
            ) : (
              <p className="text-sm text-muted">
                No Number field is indexed. Declare one (e.g. a shadow metric) as a custom field of type Number to see its statistics.
              </p>
            )}
          </FieldPicker>
        </div>
      )}
    </section>
  );
}

/** One aggregation block: a labelled choice of field above what it shows. */
function FieldPicker({
  label,
  choices,
  value,
  onChange,
  children,
}: {
  label: string;
  choices: readonly string[];
  value: string | null;
  onChange: (field: string) => void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="space-y-2 px-3 py-2.5">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-sm font-semibold">
          {label}
        </label>
        {choices.length ? (
          <select id={id} className="input max-w-52 font-mono text-xs" value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
            {choices.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {children}
    </div>
  );
}

function Connectivity({ q }: { q: string }) {
  const query = useAggregation<StatisticsResult>(q, "connectivity.connected", "statistics");
  const data = query.data;
  return (
    <div className="space-y-1.5 px-3 py-2.5">
      <h3 className="text-sm font-semibold">Connected vs disconnected</h3>
      {data ? <ConnectedBar {...connectedSplit(data)} /> : <AggState query={query} what="connectivity" />}
    </div>
  );
}

function Buckets({ q, field }: { q: string; field: string }) {
  const query = useAggregation<BucketsResult>(q, field, "buckets", { maxBuckets: MAX_BUCKETS });
  const data = query.data;
  if (!data) return <AggState query={query} what={`counts by ${field}`} />;
  if (data.buckets.length === 0) return <p className="text-sm text-muted">No values of {field} among these things.</p>;
  const shown = data.buckets.reduce((a, b) => a + b.count, 0);
  return (
    <div>
      <BucketChart field={field} buckets={data.buckets} />
      <p className="mt-1 text-xs text-muted">
        {formatCount(data.totalCount)} {data.totalCount === 1 ? "thing" : "things"}
        {data.buckets.length >= MAX_BUCKETS ? ` · top ${MAX_BUCKETS} values` : ""}
        {data.buckets.length >= MAX_BUCKETS && data.totalCount > shown ? ` · ${formatCount(data.totalCount - shown)} in other values or without one` : ""}
      </p>
    </div>
  );
}

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });
const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "—" : numberFormat.format(n));

function Numeric({ q, field }: { q: string; field: string }) {
  const stats = useAggregation<StatisticsResult>(q, field, "statistics");
  const pct = useAggregation<PercentilesResult>(q, field, "percentiles", { percents: PERCENTS });
  return (
    <div className="space-y-2">
      {stats.data ? (
        <dl className="grid grid-cols-3 gap-x-3 gap-y-1 text-sm" aria-label={`Statistics of ${field}`}>
          {(
            [
              ["count", formatCount(stats.data.count)],
              ["min", fmt(stats.data.minimum)],
              ["max", fmt(stats.data.maximum)],
              ["average", fmt(stats.data.average)],
              ["sum", fmt(stats.data.sum)],
              ["std dev", fmt(stats.data.stdDeviation)],
            ] as const
          ).map(([label, value]) => (
            <div key={label} className="min-w-0">
              <dt className="text-xs text-muted">{label}</dt>
              <dd className="truncate font-mono tabular-nums" title={value}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <AggState query={stats} what={`statistics of ${field}`} />
      )}
      {pct.data ? (
        pct.data.percentiles.length ? (
          <PercentileChart field={field} percentiles={pct.data.percentiles} />
        ) : (
          <p className="text-sm text-muted">No values of {field} among these things.</p>
        )
      ) : (
        <AggState query={pct} what={`percentiles of ${field}`} />
      )}
    </div>
  );
}

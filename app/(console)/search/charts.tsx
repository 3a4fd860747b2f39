"use client";

import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { percentLabel } from "@/lib/fleet-search/aggregation-view";
import { formatCount } from "@/lib/format/count";
import { useThemeColors } from "./use-theme-colors";

/**
 * Small typed charts fed pre-aggregated data (the fleet index does the counting). Colours
 * come from the console's theme, so they stay readable in dark mode; each chart carries a
 * visually hidden table with the same numbers for screen readers.
 */

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const precise = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function BucketChart({ field, buckets }: { field: string; buckets: ReadonlyArray<{ key: string; count: number }> }) {
  const c = useThemeColors();
  const data = buckets.map((b) => ({ key: b.key === "" ? "(empty)" : b.key, count: b.count }));
  const height = 24 * data.length + 16;
  return (
    <figure>
      <div aria-hidden="true" style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 0, right: 44, bottom: 0, left: 0 }} barCategoryGap={3} accessibilityLayer={false}>
            <CartesianGrid horizontal={false} stroke={c.border} strokeDasharray="2 3" />
            <XAxis type="number" hide domain={[0, "dataMax"]} />
            <YAxis
              type="category"
              dataKey="key"
              width={112}
              tickLine={false}
              axisLine={false}
              interval={0}
              tick={{ fill: c.fg, fontSize: 12, fontFamily: "var(--font-mono)" }}
              tickFormatter={(v: string) => truncate(v, 16)}
            />
            <Tooltip
              cursor={{ fill: c.surface2 }}
              contentStyle={{ background: c.surface, border: `1px solid ${c.border}`, borderRadius: 4, color: c.fg, fontSize: 12 }}
              labelStyle={{ color: c.fg, fontFamily: "var(--font-mono)" }}
              itemStyle={{ color: c.fg }}
              formatter={(v) => [formatCount(Number(v)), "things"]}
            />
            <Bar dataKey="count" fill={c.accent} radius={[0, 3, 3, 0]} isAnimationActive={false}>
              <LabelList dataKey="count" position="right" fill={c.muted} fontSize={11} formatter={(v) => compact.format(Number(v))} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Things by {field}</caption>
        <thead>
          <tr>
            <th scope="col">{field}</th>
            <th scope="col">Things</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.key}>
              <td>{d.key}</td>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function PercentileChart({ field, percentiles }: { field: string; percentiles: ReadonlyArray<{ percent: number; value: number }> }) {
  const c = useThemeColors();
  const data = percentiles.map((p) => ({ label: `p${p.percent}`, value: p.value }));
  return (
    <figure>
      <figcaption className="text-xs text-muted">Percentiles</figcaption>
      <div aria-hidden="true" className="h-32">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 14, right: 4, bottom: 0, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke={c.border} strokeDasharray="2 3" />
            <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: c.border }} tick={{ fill: c.fg, fontSize: 11 }} interval={0} />
            <YAxis hide domain={[0, "auto"]} />
            <Tooltip
              cursor={{ fill: c.surface2 }}
              contentStyle={{ background: c.surface, border: `1px solid ${c.border}`, borderRadius: 4, color: c.fg, fontSize: 12 }}
              labelStyle={{ color: c.fg }}
              itemStyle={{ color: c.fg }}
              formatter={(v) => [precise.format(Number(v)), field]}
            />
            <Bar dataKey="value" fill={c.accent} radius={[3, 3, 0, 0]} isAnimationActive={false}>
              <LabelList dataKey="value" position="top" fill={c.muted} fontSize={10} formatter={(v) => compact.format(Number(v))} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Percentiles of {field}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{d.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** One stacked bar: connected (green) and disconnected (grey), with the counts in words beside it. */
export function ConnectedBar({ connected, disconnected }: { connected: number; disconnected: number }) {
  const total = connected + disconnected;
  const share = total > 0 ? (connected / total) * 100 : 0;
  return (
    <div className="space-y-1.5">
      <div className="flex h-3 overflow-hidden rounded bg-idle/30" aria-hidden="true">
        <div className="h-full bg-ok" style={{ width: `${share}%` }} />
      </div>
      <dl className="flex flex-wrap justify-between gap-x-3 text-sm">
        <div className="flex items-baseline gap-1.5">
          <span aria-hidden="true" className="inline-block size-2 rounded-full bg-ok" />
          <dt className="text-muted">Connected</dt>
          <dd className="font-semibold tabular-nums">
            {formatCount(connected)} <span className="text-xs font-normal text-muted">({percentLabel(connected, total)})</span>
          </dd>
        </div>
        <div className="flex items-baseline gap-1.5">
          <span aria-hidden="true" className="inline-block size-2 rounded-full bg-idle" />
          <dt className="text-muted">Disconnected</dt>
          <dd className="font-semibold tabular-nums">
            {formatCount(disconnected)} <span className="text-xs font-normal text-muted">({percentLabel(disconnected, total)})</span>
          </dd>
        </div>
      </dl>
    </div>
  );
}

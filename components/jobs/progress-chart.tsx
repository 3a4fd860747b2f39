"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useThemeColors } from "@/app/(console)/search/use-theme-colors";
import { formatCount } from "@/lib/format/count";
import type { ProgressPoint } from "@/lib/jobs/progress";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** "40 s", "2 min 30 s", "12 min", "1 h 05", "2 d 3 h": the x axis in minutes since the rollout started. */
export function minuteLabel(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 10) {
    const whole = Math.floor(minutes);
    const s = Math.round((minutes - whole) * 60);
    return s === 0 ? `${whole} min` : s === 60 ? `${whole + 1} min` : `${whole} min ${s} s`;
  }
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ${String(Math.round(minutes % 60)).padStart(2, "0")}`;
  return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
}

/**
 * Things notified, succeeded and failed over time, against what the configured rate
 * allows (dashed). Fed a pre-bucketed series (lib/jobs/progress.ts); a visually hidden
 * table carries the same numbers.
 */
export function ProgressChart({ points }: { points: readonly ProgressPoint[] }) {
  const c = useThemeColors();
  const hasExpected = points.some((p) => p.expected !== null);
  const sample = points.filter((_, i) => i % Math.max(1, Math.ceil(points.length / 12)) === 0 || i === points.length - 1);
  return (
    <figure>
      <div aria-hidden="true" className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points as ProgressPoint[]} margin={{ top: 6, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={c.border} strokeDasharray="2 3" />
            <XAxis
              dataKey="minute"
              type="number"
              domain={[0, "dataMax"]}
              tickFormatter={minuteLabel}
              tick={{ fill: c.muted, fontSize: 11 }}
              stroke={c.border}
            />
            <YAxis width={44} tickFormatter={(v: number) => compact.format(v)} tick={{ fill: c.muted, fontSize: 11 }} stroke={c.border} allowDecimals={false} />
            <Tooltip
              contentStyle={{ background: c.surface, border: `1px solid ${c.border}`, borderRadius: 4, color: c.fg, fontSize: 12 }}
              labelFormatter={(v) => `after ${minuteLabel(Number(v))}`}
              formatter={(v, name) => [`${formatCount(Number(v))} things`, String(name)]}
            />
            {/* In the order the lines are drawn (recharts sorts by name otherwise). */}
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            {hasExpected ? (
              <Line dataKey="expected" name="Rate allows" stroke={c.muted} strokeDasharray="5 4" dot={false} isAnimationActive={false} type="linear" />
            ) : null}
            <Line dataKey="notified" name="Notified" stroke={c.accent} dot={false} isAnimationActive={false} type="stepAfter" />
            <Line dataKey="succeeded" name="Succeeded" stroke={c.ok} dot={false} isAnimationActive={false} type="stepAfter" />
            <Line dataKey="failed" name="Failed" stroke={c.bad} dot={false} isAnimationActive={false} type="stepAfter" />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Progress over time</caption>
        <thead>
          <tr>
            <th scope="col">Since start</th>
            <th scope="col">Notified</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            {hasExpected ? <th scope="col">Rate allows</th> : null}
          </tr>
        </thead>
        <tbody>
          {sample.map((p) => (
            <tr key={p.minute}>
              <td>{minuteLabel(p.minute)}</td>
              <td>{p.notified}</td>
              <td>{p.succeeded}</td>
              <td>{p.failed}</td>
              {hasExpected ? <td>{p.expected ?? ""}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

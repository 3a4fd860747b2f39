"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useThemeColors } from "@/app/(console)/search/use-theme-colors";
import { minuteLabel } from "@/components/jobs/progress-chart";
import { formatCount } from "@/lib/format/count";
import type { RampStep } from "@/lib/jobs/rollout";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** Seconds for a ramp that lasts under two minutes (every tick would read "0 min"), else the job page's minute labels. */
const timeLabel = (short: boolean) => (minutes: number) => (short ? `${Math.round(minutes * 60)} s` : minuteLabel(minutes));

/**
 * The planned rollout: things notified over time (cumulative) and the rate of each step
 * (things a minute, right axis). Fed the schedule of lib/jobs/rollout.ts; a visually
 * hidden table carries the same steps.
 */
export function RampChart({ steps }: { steps: readonly RampStep[] }) {
  const c = useThemeColors();
  const points = steps.flatMap((s) => [
    { minute: s.startMinute, notified: s.fromThings, rate: s.ratePerMinute },
    { minute: s.endMinute, notified: s.toThings, rate: s.ratePerMinute },
  ]);
  const short = (steps[steps.length - 1]?.endMinute ?? 0) < 2;
  const label = timeLabel(short);
  const table = steps.length > 12 ? [...steps.slice(0, 11), steps[steps.length - 1]!] : steps;
  return (
    <figure data-testid="ramp-chart">
      <div aria-hidden="true" className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 6, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={c.border} strokeDasharray="2 3" />
            <XAxis dataKey="minute" type="number" domain={[0, "dataMax"]} tickFormatter={label} tick={{ fill: c.muted, fontSize: 11 }} stroke={c.border} />
            <YAxis
              yAxisId="n"
              width={44}
              tickFormatter={(v: number) => compact.format(v)}
              tick={{ fill: c.muted, fontSize: 11 }}
              stroke={c.border}
              allowDecimals={false}
            />
            <YAxis
              yAxisId="r"
              orientation="right"
              width={52}
              tickFormatter={(v: number) => `${compact.format(v)}/min`}
              tick={{ fill: c.muted, fontSize: 11 }}
              stroke={c.border}
              allowDecimals={false}
            />
            <Tooltip
              contentStyle={{ background: c.surface, border: `1px solid ${c.border}`, borderRadius: 4, color: c.fg, fontSize: 12 }}
              labelFormatter={(v) => `after ${label(Number(v))}`}
              formatter={(v, name) => [name === "Rate" ? `${formatCount(Number(v))} a minute` : `${formatCount(Number(v))} things`, String(name)]}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line yAxisId="n" dataKey="notified" name="Notified (total)" stroke={c.accent} dot={false} isAnimationActive={false} type="linear" />
            <Line yAxisId="r" dataKey="rate" name="Rate" stroke={c.warn} strokeDasharray="5 4" dot={false} isAnimationActive={false} type="stepAfter" />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Rollout steps</caption>
        <thead>
          <tr>
            <th scope="col">From minute</th>
            <th scope="col">Things a minute</th>
            <th scope="col">Things notified by the end of the step</th>
          </tr>
        </thead>
        <tbody>
          {table.map((s) => (
            <tr key={s.fromThings}>
              <td>{label(s.startMinute)}</td>
              <td>{s.ratePerMinute}</td>
              <td>{s.toThings}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

"use client";

import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AGE_CLASSES } from "@/lib/shadow-drift/contract";
import { formatCount } from "@/lib/format/count";
import { useThemeColors, type ThemeColors } from "../search/use-theme-colors";

/**
 * The drift view's small charts, fed pre-aggregated rows. The numbers they draw are always
 * in the table beside them too, so the charts are pictures for a glance (hidden from
 * screen readers) and never the only place a figure is.
 */

const ROW_HEIGHT = 26;

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function tooltipStyles(c: ThemeColors) {
  return {
    cursor: { fill: c.surface2 },
    contentStyle: { background: c.surface, border: `1px solid ${c.border}`, borderRadius: 4, color: c.fg, fontSize: 12 },
    labelStyle: { color: c.fg, fontFamily: "var(--font-mono)" },
    itemStyle: { color: c.fg },
  };
}

/** Drifted (amber) and in sync (grey) per value, with "drifted / total" at the end of each bar. */
export function ShareBars({ rows, labelWidth = 150 }: { rows: ReadonlyArray<{ label: string; drifted: number; total: number | null }>; labelWidth?: number }) {
  const c = useThemeColors();
  const data = rows.map((r) => ({
    label: r.label,
    drifted: r.drifted,
    inSync: r.total === null ? 0 : Math.max(0, r.total - r.drifted),
    caption: r.total === null ? formatCount(r.drifted) : `${formatCount(r.drifted)} / ${formatCount(r.total)}`,
  }));
  return (
    <div aria-hidden="true" style={{ height: ROW_HEIGHT * data.length + 8 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 78, bottom: 0, left: 0 }} barCategoryGap={4} accessibilityLayer={false}>
          {labelledRows(c, labelWidth)}
          <Tooltip {...tooltipStyles(c)} formatter={(v, name) => [formatCount(Number(v)), name === "drifted" ? "drifted" : "in sync"]} />
          <Bar dataKey="drifted" stackId="s" fill={c.warn} isAnimationActive={false} />
          <Bar dataKey="inSync" stackId="s" fill={c.idle} fillOpacity={0.25} radius={[0, 3, 3, 0]} isAnimationActive={false}>
            <LabelList dataKey="caption" position="right" fill={c.muted} fontSize={11} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * The grid and axes of a horizontal bar chart with one labelled row per bar. An array of
 * elements (not a component) so that recharts finds them as direct children of the chart.
 */
function labelledRows(c: ThemeColors, labelWidth: number) {
  return [
    <CartesianGrid key="grid" horizontal={false} stroke={c.border} strokeDasharray="2 3" />,
    <XAxis key="x" type="number" hide domain={[0, "dataMax"]} />,
    <YAxis
      key="y"
      type="category"
      dataKey="label"
      width={labelWidth}
      tickLine={false}
      axisLine={false}
      interval={0}
      tick={{ fill: c.fg, fontSize: 12, fontFamily: "var(--font-mono)" }}
      tickFormatter={(v: string) => truncate(v, Math.floor(labelWidth / 7.5))}
    />,
  ];
}

/** Colours of the age classes (fresh to stale), then "no timestamp"; the same as the legend's. */
export function ageColors(c: ThemeColors): Array<{ fill: string; opacity: number }> {
  return [
    { fill: c.ok, opacity: 0.85 },
    { fill: c.accent, opacity: 0.85 },
    { fill: c.warn, opacity: 0.9 },
    { fill: c.bad, opacity: 0.6 },
    { fill: c.bad, opacity: 1 },
    { fill: c.idle, opacity: 0.5 },
  ];
}

/** The legend of the age classes as Tailwind classes (for HTML), in the same order as ageColors. */
export const AGE_LEGEND = [
  ...AGE_CLASSES.map((a, i) => ({ label: a.label, className: ["bg-ok/85", "bg-accent/85", "bg-warn/90", "bg-bad/60", "bg-bad"][i]! })),
  { label: "no timestamp", className: "bg-idle/50" },
];

function lastSegment(row: Record<string, string | number>): number {
  let last = -1;
  for (let i = 0; i <= AGE_CLASSES.length; i++) if (Number(row[`a${i}`]) > 0) last = i;
  return last;
}

/** Things per key, each bar split by how long the key has waited. */
export function AgeBars({ rows, labelWidth = 190 }: { rows: ReadonlyArray<{ label: string; ageClasses: readonly number[] }>; labelWidth?: number }) {
  const c = useThemeColors();
  const colors = ageColors(c);
  const data = rows.map((r) => {
    const d: Record<string, string | number> = { label: r.label, total: r.ageClasses.reduce((a, b) => a + b, 0) };
    r.ageClasses.forEach((n, i) => (d[`a${i}`] = n));
    return d;
  });
  const names = [...AGE_CLASSES.map((a) => a.label), "no timestamp"];
  return (
    <div aria-hidden="true" style={{ height: ROW_HEIGHT * data.length + 8 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 48, bottom: 0, left: 0 }} barCategoryGap={4} accessibilityLayer={false}>
          {labelledRows(c, labelWidth)}
          <Tooltip {...tooltipStyles(c)} formatter={(v, name) => [formatCount(Number(v)), names[Number(String(name).slice(1))] ?? String(name)]} />
          {colors.map((col, i) => (
            <Bar key={i} dataKey={`a${i}`} stackId="a" fill={col.fill} fillOpacity={col.opacity} isAnimationActive={false}>
              {/* The total goes after the last segment that has a width (a zero-width one draws no label). */}
              <LabelList
                dataKey="total"
                content={(p) => {
                  const row = typeof p.index === "number" ? data[p.index] : undefined;
                  if (!row || lastSegment(row) !== i) return null;
                  const x = Number(p.x) + Number(p.width) + 5;
                  const y = Number(p.y) + Number(p.height) / 2;
                  return (
                    <text x={x} y={y} dy="0.35em" fill={c.muted} fontSize={11}>
                      {formatCount(Number(row.total))}
                    </text>
                  );
                }}
              />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

import type { AggregationResult, IndexField } from "./contract";

/**
 * Which fields the workbench offers for each aggregation, and small figures derived from
 * the results. AWS aggregates managed and custom (declared, typed) fields only; a plain
 * attribute must be declared as a custom field first. Dependency-free.
 */

export type BucketsResult = Extract<AggregationResult, { type: "buckets" }>;
export type StatisticsResult = Extract<AggregationResult, { type: "statistics" }>;
export type PercentilesResult = Extract<AggregationResult, { type: "percentiles" }>;

/** Unique per thing, or versions: a bucket per value says nothing. */
const NOT_WORTH_BUCKETING = new Set(["thingName", "thingId", "registry.version", "shadow.version", "connectivity.version", "connectivity.timestamp"]);

/** Preferred first choices for "count by", in order. */
const BUCKET_PREFERENCE = ["attributes.customer", "thingTypeName", "registry.thingTypeName", "connectivity.disconnectReason", "thingGroupNames"];

/** String and Boolean fields that can be bucketed, the most useful first. */
export function bucketFieldChoices(fields: readonly IndexField[]): string[] {
  const names = fields
    .filter((f) => f.source !== "attribute" && (f.type === "String" || f.type === "Boolean") && !NOT_WORTH_BUCKETING.has(f.name) && !/\.version$/.test(f.name))
    .map((f) => f.name);
  const preferred = BUCKET_PREFERENCE.filter((n) => names.includes(n));
  return [...preferred, ...names.filter((n) => !preferred.includes(n)).sort((a, b) => a.localeCompare(b))];
}

/** Number fields with statistics worth reading: custom fields first (a shadow metric), then managed ones. */
export function numericFieldChoices(fields: readonly IndexField[]): string[] {
  const numbers = fields.filter((f) => f.type === "Number" && f.source !== "attribute" && !/(^|\.)version$/.test(f.name));
  const custom = numbers
    .filter((f) => f.source === "custom")
    .map((f) => f.name)
    .sort((a, b) => a.localeCompare(b));
  const managed = numbers
    .filter((f) => f.source === "managed")
    .map((f) => f.name)
    .sort((a, b) => a.localeCompare(b));
  return [...custom, ...managed];
}

/** Connected and disconnected counts from GetStatistics on `connectivity.connected` (Boolean: sum = number of true). */
export function connectedSplit(stats: Pick<StatisticsResult, "count" | "sum" | "average">): { connected: number; disconnected: number; total: number } {
  const total = Math.max(0, stats.count);
  const connected = Math.min(total, Math.max(0, Math.round(stats.sum ?? (stats.average ?? 0) * total)));
  return { connected, disconnected: total - connected, total };
}

/** "42%" (or "<1%" for a small non-zero share), for labels next to bars. */
export function percentLabel(part: number, total: number): string {
  if (total <= 0) return "0%";
  const p = (part / total) * 100;
  if (p > 0 && p < 1) return "<1%";
  if (p < 100 && p > 99) return ">99%";
  return `${Math.round(p)}%`;
}

import type { IndexField, ThingSearchRow } from "./contract";
import { cellText, columnValue } from "./export-columns";

/**
 * Columns of the search workbench's table: a column is a field path exactly as written in
 * a query (`thingName`, `attributes.customer`, `shadow.reported.agent.version`), so what an
 * operator filters on and what they see use the same names. Values are read with the
 * export's `columnValue`, so the table and the exported file agree cell for cell.
 *
 * Dependency-free: the table, the column chooser and tests share it.
 */

/** The row link: every view shows it first, whatever else it shows. */
export const NAME_COLUMN = "thingName";

/** More columns than this make the table unreadable. */
export const MAX_VIEW_COLUMNS = 30;

/**
 * A field path as the column chooser accepts it: dot-separated segments of the characters
 * AWS allows in attribute names, shadow keys and managed field names, less the comma (AWS
 * allows it in attribute names, but the URL and the export list columns separated by commas).
 */
const FIELD_PATH = /^[A-Za-z0-9_$@:#/-]+(\.[A-Za-z0-9_$@:#/-]+)*$/;

export function isColumnName(value: string): boolean {
  return value.length > 0 && value.length <= 256 && FIELD_PATH.test(value);
}

/**
 * The columns to show for what the URL (or a saved query) says: the name column first,
 * then each valid field once, in the order given. Invalid entries are dropped rather than
 * failing the page: a hand-edited link should still show something.
 */
export function normalizeColumns(columns: readonly string[] | null | undefined, fallback: readonly string[]): string[] {
  const source = columns && columns.length > 0 ? columns : fallback;
  const out: string[] = [NAME_COLUMN];
  for (const raw of source) {
    const c = raw.trim();
    if (!isColumnName(c) || out.includes(c)) continue;
    out.push(c);
    if (out.length >= MAX_VIEW_COLUMNS) break;
  }
  return out;
}

/** A cell as the table shows it: its text (empty when the thing has no such field) and whether it is a number. */
export function tableCell(row: ThingSearchRow, column: string): { text: string; empty: boolean; numeric: boolean } {
  const value = columnValue(row, column);
  if (value === undefined || value === null) return { text: "", empty: true, numeric: false };
  if (column === "connectivity.timestamp" && typeof value === "number") return { text: formatMsUtc(value), empty: false, numeric: false };
  return { text: Array.isArray(value) ? value.map((v) => cellText(v)).join(", ") : cellText(value), empty: false, numeric: typeof value === "number" };
}

/** `2023-11-14 22:13:20 UTC`: connectivity timestamps are ms since the epoch. */
function formatMsUtc(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime())
    ? d
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d{3}Z$/, " UTC")
    : String(ms);
}

/** Columns whose values read better right-aligned. */
export function numericColumns(columns: readonly string[], fields: readonly IndexField[]): Set<string> {
  return new Set(columns.filter((c) => fields.some((f) => f.name === c && f.type === "Number")));
}

/**
 * Shadow fields seen in the loaded rows, flattened the way the index names them
 * (`shadow.reported.agent.version`, `shadow.name.config.desired.mode`), for the column
 * chooser: the indexing configuration names only the custom (aggregatable) ones.
 * Looks at up to `sampleSize` rows and returns at most `max` paths, sorted.
 */
export function discoverShadowFields(rows: readonly ThingSearchRow[], sampleSize = 200, max = 200): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown, path: string, depth: number) => {
    if (seen.size >= max || depth > 8) return;
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value)) {
      // Arrays of objects are not indexed (AWS); arrays of simple values are.
      if (Array.isArray(value) && value.some((v) => typeof v === "object" && v !== null)) return;
      seen.add(path);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // Metadata mirrors every leaf with a timestamp: noise in a column list.
      if (k === "metadata") continue;
      visit(v, `${path}.${k}`, depth + 1);
    }
  };
  for (const row of rows.slice(0, sampleSize)) visit(row.shadow, "shadow", 0);
  return [...seen].sort();
}

export interface ColumnOption {
  name: string;
  group: "Managed" | "Attributes" | "Custom" | "Shadow";
  type: IndexField["type"] | null;
}

/**
 * Everything the column chooser offers: the index's managed fields, attributes, custom
 * fields and shadow fields seen in the results, each once, grouped and sorted.
 */
export function columnOptions(fields: readonly IndexField[], shadowFields: readonly string[]): ColumnOption[] {
  const byName = new Map<string, ColumnOption>();
  const add = (o: ColumnOption) => {
    if (!byName.has(o.name) && isColumnName(o.name)) byName.set(o.name, o);
  };
  for (const f of fields) {
    const group =
      f.source === "attribute" || f.name.startsWith("attributes.")
        ? "Attributes"
        : f.name.startsWith("shadow.")
          ? "Shadow"
          : f.source === "custom"
            ? "Custom"
            : "Managed";
    add({ name: f.name, group, type: f.type });
  }
  for (const s of shadowFields) add({ name: s, group: "Shadow", type: null });
  const order = { Managed: 0, Attributes: 1, Custom: 2, Shadow: 3 } as const;
  return [...byName.values()].sort((a, b) => order[a.group] - order[b.group] || a.name.localeCompare(b.name));
}

/** Moves the column at `index` by `delta` places; the name column stays first. */
export function moveColumn(columns: readonly string[], index: number, delta: -1 | 1): string[] {
  const target = index + delta;
  if (index <= 0 || target <= 0 || target >= columns.length) return [...columns];
  const out = [...columns];
  [out[index], out[target]] = [out[target]!, out[index]!];
  return out;
}

import type { ThingSearchRow } from "./contract";

/**
 * Columns of the result table and of the CSV export: dot paths into a search row,
 * written like the query language's field names (`thingName`, `attributes.os`,
 * `shadow.reported.agent.version`, `shadow.name.config.desired.mode`,
 * `connectivity.connected`). Dependency-free: the table and the export share it.
 */
export const MAX_COLUMNS = 100;
const COLUMN_PATTERN = /^[^\s,"]{1,256}$/;

/** `columns=a,b,c` → the distinct, valid column paths, or the first problem. */
export function parseColumns(param: string | null | undefined): { ok: true; columns: string[] } | { ok: false; message: string } {
  const columns = [
    ...new Set(
      (param ?? "")
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  if (columns.length > MAX_COLUMNS) return { ok: false, message: `columns: at most ${MAX_COLUMNS} columns.` };
  const bad = columns.find((c) => !COLUMN_PATTERN.test(c));
  if (bad !== undefined)
    return { ok: false, message: `columns: "${bad.slice(0, 40)}" is not a field path (no spaces, commas or quotes; at most 256 characters).` };
  return { ok: true, columns };
}

/**
 * A value inside a parsed JSON document. The index flattens nested names with dots, so
 * `a.b.c` may be stored as nested objects or as a key containing dots: the longest key
 * that matches is tried first at each level.
 */
export function valueAtPath(doc: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return doc;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  for (let k = segments.length; k >= 1; k--) {
    const key = segments.slice(0, k).join(".");
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      const found = valueAtPath(obj[key], segments.slice(k));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The value a column shows for one row; undefined when the row has none. */
export function columnValue(row: ThingSearchRow, column: string): unknown {
  switch (column) {
    case "thingName":
      return row.thingName;
    case "thingId":
      return row.thingId;
    case "thingTypeName":
    case "registry.thingTypeName":
      return row.thingTypeName ?? undefined;
    case "thingGroupNames":
    case "registry.thingGroupNames":
      return row.thingGroupNames;
    case "connectivity.timestamp":
    case "connectivity.timestampMs":
      return row.connectivity?.timestampMs ?? undefined;
    case "connectivity.connected":
      return row.connectivity?.connected;
    case "connectivity.disconnectReason":
      return row.connectivity?.disconnectReason ?? undefined;
  }
  // Attribute names may themselves contain dots: everything after the prefix is the name.
  if (column.startsWith("attributes.")) return row.attributes[column.slice("attributes.".length)];
  if (column.startsWith("shadow.")) {
    const segments = column.split(".").slice(1);
    const found = valueAtPath(row.shadow, segments);
    if (found !== undefined) return found;
    // Older documents carry no hasDelta flag: a delta section means the same thing.
    if (column === "shadow.hasDelta" && row.shadow && typeof row.shadow === "object") return "delta" in row.shadow;
    return undefined;
  }
  return valueAtPath(row, column.split("."));
}

const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

/** A value as table or CSV text: scalars as they are, lists of scalars joined with `;`, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.map((v) => (v === null ? "" : String(v))).join(";");
  return JSON.stringify(value);
}

/**
 * One CSV field: always quoted, inner quotes doubled, and text that a spreadsheet would
 * run as a formula (= + - @, tab, CR) prefixed with `'`. Real numbers and booleans are
 * not text, so `-5` stays a number.
 */
export function csvField(value: unknown): string {
  const text = cellText(value);
  const formula = typeof value !== "number" && typeof value !== "boolean" && /^[=+\-@\t\r]/.test(text);
  return `"${(formula ? `'${text}` : text).replace(/"/g, '""')}"`;
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map(csvField).join(",") + "\r\n";
}

export function csvLine(row: ThingSearchRow, columns: readonly string[]): string {
  return columns.map((c) => csvField(columnValue(row, c))).join(",") + "\r\n";
}

/** JSON Lines: the whole row, one per line (JSON escapes line breaks inside strings). */
export function jsonLine(row: ThingSearchRow): string {
  return JSON.stringify(row) + "\n";
}

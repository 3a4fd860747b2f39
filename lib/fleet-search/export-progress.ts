/**
 * Progress of a search export as it streams in: the browser reads the response body
 * chunk by chunk and counts the rows it has received, to show "x / N" against the match
 * count. Counting is done on the text itself, so it agrees with what lands in the file.
 *
 * Dependency-free: used by the workbench and unit-tested.
 */

export type ExportFormat = "csv" | "jsonl";

export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; extension: string; mime: string }> = [
  { format: "csv", label: "CSV", extension: "csv", mime: "text/csv" },
  { format: "jsonl", label: "JSON Lines", extension: "jsonl", mime: "application/x-ndjson" },
];

export interface RowCounter {
  /** Feed the next piece of decoded text. */
  push(text: string): void;
  /** Call at the end of the stream: counts a last row that has no line break after it. */
  finish(): void;
  /** Data rows seen so far (the CSV header is not a row). */
  readonly rows: number;
}

/**
 * Counts records of RFC 4180 CSV with a header line: a line break ends a record unless it
 * is inside a quoted cell ("" inside quotes is an escaped quote, which toggling handles).
 */
function csvCounter(): RowCounter {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  return {
    push(text) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 34 /* " */) {
          inQuotes = !inQuotes;
          lineHasContent = true;
        } else if (c === 10 /* \n */ && !inQuotes) {
          if (lineHasContent) records++;
          lineHasContent = false;
        } else if (c !== 13 /* \r */) {
          lineHasContent = true;
        }
      }
    },
    finish() {
      if (lineHasContent) records++;
      lineHasContent = false;
    },
    get rows() {
      return Math.max(0, records - 1);
    },
  };
}

/** One JSON document per line; JSON escapes line breaks inside strings, so every \n ends a row. */
function jsonlCounter(): RowCounter {
  let rows = 0;
  let lineHasContent = false;
  return {
    push(text) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) {
          if (lineHasContent) rows++;
          lineHasContent = false;
        } else if (c !== 13 && c !== 32 && c !== 9) {
          lineHasContent = true;
        }
      }
    },
    finish() {
      if (lineHasContent) rows++;
      lineHasContent = false;
    },
    get rows() {
      return rows;
    },
  };
}

export function createRowCounter(format: ExportFormat): RowCounter {
  return format === "csv" ? csvCounter() : jsonlCounter();
}

/** `fleet-search-2026-11-23T16-05-09Z.csv`: sortable, no characters a file system dislikes. */
export function exportFileName(format: ExportFormat, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "-");
  const ext = EXPORT_FORMATS.find((f) => f.format === format)!.extension;
  return `fleet-search-${stamp}.${ext}`;
}

/** Share done, 0..1, or null while the total is unknown. More rows than expected (the fleet grew) reads as done. */
export function progressRatio(rows: number, total: number | null | undefined): number | null {
  if (total === null || total === undefined || total < 0) return null;
  if (total === 0) return 1;
  return Math.min(1, rows / total);
}

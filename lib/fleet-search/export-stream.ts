import type { ThingSearchRow } from "./contract";
import { csvHeader, csvLine, jsonLine } from "./export-columns";

/**
 * The body of a search export: a byte stream that asks for the next page of results
 * only when the client has read the previous one (a slow download never makes the
 * console run ahead of it against the rate limit), and that stops paging as soon as the
 * client goes away. Pure: pages come from any async iterator.
 */
export type ExportFormat = "csv" | "jsonl";

export interface ExportStreamOptions {
  format: ExportFormat;
  /** CSV columns (dot paths). JSON Lines always carries whole rows. */
  columns: readonly string[];
  /** Called once when the stream ends for any reason: done, failed or cancelled. */
  onEnd?: (outcome: { rows: number; result: "done" | "failed" | "cancelled"; error?: unknown }) => void;
}

export function exportStream(pages: AsyncIterator<ThingSearchRow[]>, opts: ExportStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let rows = 0;
  let ended = false;
  const end = (result: "done" | "failed" | "cancelled", error?: unknown) => {
    if (ended) return;
    ended = true;
    opts.onEnd?.({ rows, result, error });
  };
  const line = opts.format === "csv" ? (r: ThingSearchRow) => csvLine(r, opts.columns) : jsonLine;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (opts.format === "csv") controller.enqueue(encoder.encode(csvHeader(opts.columns)));
    },
    async pull(controller) {
      try {
        const next = await pages.next();
        if (ended) return;
        if (next.done) {
          end("done");
          controller.close();
          return;
        }
        rows += next.value.length;
        controller.enqueue(encoder.encode(next.value.map(line).join("")));
      } catch (err) {
        if (ended) return;
        end("failed", err);
        // The status line is long gone: failing the stream is how the client learns the file is incomplete.
        controller.error(new Error("The export stopped before the end of the results."));
      }
    },
    async cancel() {
      end("cancelled");
      await pages.return?.(undefined);
    },
  });
}

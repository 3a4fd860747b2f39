"use client";

import { useEffect, useRef, useState } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { AppError, errorCodeFromStatus, isAppErrorData, type AppErrorData } from "@/lib/errors";
import { searchExportRoute } from "@/lib/fleet-search/routes";
import { createRowCounter, EXPORT_FORMATS, exportFileName, progressRatio, type ExportFormat } from "@/lib/fleet-search/export-progress";
import { formatCount } from "@/lib/format/count";

type State =
  | { status: "idle" }
  | { status: "running"; format: ExportFormat; rows: number; total: number | null }
  | { status: "done"; format: ExportFormat; rows: number; total: number | null; fileName: string }
  | { status: "cancelled"; format: ExportFormat; rows: number }
  | { status: "failed"; format: ExportFormat; rows: number; error: AppErrorData };

const labelOf = (f: ExportFormat) => EXPORT_FORMATS.find((x) => x.format === f)!.label;

/** How often the row count on screen is updated while bytes stream in. */
const PROGRESS_EVERY_MS = 120;

/**
 * Export of the whole result (every page, not only what is loaded) as CSV or JSON Lines,
 * from /api/search/export. The browser reads the stream itself to count rows as they
 * arrive ("x / N" against the match count), can cancel, and only offers the file once it
 * is complete: a stream that breaks off is reported as a failure, never saved as if whole.
 */
export function ExportControl({ q, columns, total, disabled }: { q: string; columns: readonly string[]; total: number | null; disabled: boolean }) {
  const [state, setState] = useState<State>({ status: "idle" });
  const abort = useRef<AbortController | null>(null);

  // Leaving the page stops the download (and, through the closed connection, the paging).
  useEffect(() => () => abort.current?.abort(), []);

  const start = async (format: ExportFormat) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    let rows = 0;
    let expected = total;
    setState({ status: "running", format, rows: 0, total: expected });
    try {
      const res = await fetch(searchExportRoute.url(q, format, columns), { signal: controller.signal, cache: "no-store" });
      if (!res.ok || !res.body) throw await responseError(res);
      const header = Number(res.headers.get("X-Match-Count"));
      if (Number.isFinite(header) && res.headers.has("X-Match-Count")) expected = header;
      const counter = createRowCounter(format);
      const decoder = new TextDecoder();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      const reader = res.body.getReader();
      let shownAt = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        counter.push(decoder.decode(value, { stream: true }));
        rows = counter.rows;
        const now = performance.now();
        if (now - shownAt > PROGRESS_EVERY_MS) {
          shownAt = now;
          setState({ status: "running", format, rows, total: expected });
        }
      }
      counter.push(decoder.decode());
      counter.finish();
      rows = counter.rows;
      const mime = EXPORT_FORMATS.find((f) => f.format === format)!.mime;
      const fileName = exportFileName(format);
      saveFile(new Blob(chunks, { type: mime }), fileName);
      setState({ status: "done", format, rows, total: expected, fileName });
    } catch (err) {
      if (controller.signal.aborted) {
        setState({ status: "cancelled", format, rows });
        return;
      }
      const error: AppErrorData =
        err instanceof AppError
          ? err.toData()
          : {
              code: "unavailable",
              message: `The download broke off after ${formatCount(rows)} rows: the console or the fleet backend stopped answering. Nothing was saved; export again.`,
            };
      setState({ status: "failed", format, rows, error });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  const running = state.status === "running";
  const ratio = running ? progressRatio(state.rows, state.total) : null;

  return (
    <div className="flex flex-col gap-1.5">
      <div role="group" aria-label="Export all results" className="flex items-center gap-1.5">
        {EXPORT_FORMATS.map((f) => (
          <button key={f.format} type="button" className="btn" disabled={disabled || running} onClick={() => void start(f.format)}>
            Export {f.label}
          </button>
        ))}
      </div>
      <div aria-live="polite" className="text-sm">
        {running ? (
          <div className="flex items-center gap-2">
            <progress className="h-2 w-40 accent-accent" max={1} value={ratio ?? undefined} aria-label={`Exporting ${labelOf(state.format)}`} />
            <span className="tabular-nums">
              {formatCount(state.rows)}
              {state.total !== null ? ` / ${formatCount(state.total)}` : ""} rows
            </span>
            <button type="button" className="btn" onClick={() => abort.current?.abort()}>
              Cancel export
            </button>
          </div>
        ) : state.status === "done" ? (
          <p>
            Exported <span className="font-semibold tabular-nums">{formatCount(state.rows)}</span> {state.rows === 1 ? "row" : "rows"} as{" "}
            {labelOf(state.format)} to <span className="font-mono text-[13px]">{state.fileName}</span>
            {state.total !== null && state.total !== state.rows ? (
              <span className="text-muted"> (the count said {formatCount(state.total)}: the fleet changed while exporting)</span>
            ) : null}
          </p>
        ) : state.status === "cancelled" ? (
          <p className="text-muted">Export cancelled after {formatCount(state.rows)} rows; nothing was saved.</p>
        ) : null}
      </div>
      {state.status === "failed" ? (
        <ErrorNotice
          error={state.error}
          title={`The ${labelOf(state.format)} export failed${state.rows ? ` after ${formatCount(state.rows)} rows` : ""}`}
          action={
            <button type="button" className="btn" onClick={() => void start(state.format)}>
              Export again
            </button>
          }
        />
      ) : null}
    </div>
  );
}

async function responseError(res: Response): Promise<AppError> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (isAppErrorData(body.error)) return new AppError(body.error.code, body.error.message);
  } catch {
    /* not JSON */
  }
  return new AppError(errorCodeFromStatus(res.status));
}

/** Hands a finished file to the browser's download machinery. */
function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

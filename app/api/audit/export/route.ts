import Database from "better-sqlite3";
import { AUDIT_CSV_HEADER, auditCsvLine, iterateAudit } from "@/lib/audit/audit";
import { consoleDbPath } from "@/lib/db/console-db";
import { formatUtcDate } from "@/lib/format/time";
import { apiRoute } from "@/lib/http/api-route";
import { auditExportRoute } from "./contract";

/** Lines per chunk of the response: large enough to be cheap, small enough to stream. */
const BATCH = 500;

/**
 * GET /api/audit/export?user&action&target&from&to → the matching audit records as CSV,
 * oldest first, streamed. It reads through its own read-only connection: while a
 * better-sqlite3 iterator is open its connection refuses writes, and a slow download
 * must not block sign-ins, sessions or audit records written meanwhile. (WAL mode
 * also gives the export one consistent snapshot.)
 */
export const GET = apiRoute(auditExportRoute, async ({ query: filter }) => {
  const db = new Database(consoleDbPath(), { readonly: true, fileMustExist: true });
  const records = iterateAudit(db, filter);
  const encoder = new TextEncoder();
  const close = () => {
    records.return(undefined);
    if (db.open) db.close();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(AUDIT_CSV_HEADER));
    },
    pull(controller) {
      try {
        let chunk = "";
        for (let i = 0; i < BATCH; i++) {
          const next = records.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            close();
            controller.close();
            return;
          }
          chunk += auditCsvLine(next.value);
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (err) {
        close();
        console.error("[api] audit export failed", err);
        controller.error(new Error("audit export failed"));
      }
    },
    cancel() {
      close();
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${formatUtcDate(Date.now())}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});

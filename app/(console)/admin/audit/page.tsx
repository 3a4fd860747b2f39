import type { Metadata } from "next";
import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge";
import { distinctAuditActions, queryAudit, type AuditRecord } from "@/lib/audit/audit";
import { requirePage } from "@/lib/auth/guard";
import { consoleDb } from "@/lib/db/console-db";
import { formatUtc } from "@/lib/format/time";
import { AuditFilters } from "./audit-filters";
import { AUDIT_PAGE_SIZE, auditExportHref, auditFilterFrom, hasAuditFilters, loadAuditSearchParams, serializeAuditSearchParams } from "./search-params";

export const metadata: Metadata = { title: "Audit trail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The audit trail, newest first, filtered by user, action, target and time (all in the
 * URL) and paged backwards by record id. Read-only by design: the console has no way
 * to change or remove a record, and the store refuses it too.
 */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePage("audit.read");
  const values = await loadAuditSearchParams(searchParams);
  const parsed = auditFilterFrom(values);
  const db = consoleDb();
  const actions = distinctAuditActions(db);
  const filtered = hasAuditFilters(values);

  return (
    <div className="space-y-3">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-bold">Audit trail</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-muted">Every change made through the console, who made it, and how it ended</p>
          {parsed.ok ? (
            <a className="btn" href={auditExportHref(values)} download>
              Export CSV
            </a>
          ) : null}
        </div>
      </header>
      <AuditFilters actions={actions} />
      {parsed.ok ? (
        <AuditResults db={db} filter={parsed.filter} values={values} filtered={filtered} />
      ) : (
        <div role="alert" className="rounded border border-bad/50 bg-bad/10 px-3 py-2">
          <p className="font-semibold text-bad">These filters can’t be used</p>
          <ul className="mt-1 list-disc pl-5">
            {parsed.issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

type Values = Awaited<ReturnType<typeof loadAuditSearchParams>>;

function AuditResults({
  db,
  filter,
  values,
  filtered,
}: {
  db: ReturnType<typeof consoleDb>;
  filter: Parameters<typeof queryAudit>[1];
  values: Values;
  filtered: boolean;
}) {
  const { records, nextBeforeId } = queryAudit(db, filter, { limit: AUDIT_PAGE_SIZE, beforeId: values.before ?? undefined });
  const href = (before: number | null) => serializeAuditSearchParams("/admin/audit", { ...values, before });

  if (records.length === 0) {
    return (
      <div className="rounded border border-border bg-surface px-3 py-6 text-center">
        <p className="font-semibold">
          {values.before !== null ? "No older records." : filtered ? "No audit records match these filters." : "The audit trail is empty."}
        </p>
        {values.before !== null ? (
          <Link href={href(null)} className="mt-2 inline-block">
            Back to the newest records
          </Link>
        ) : null}
      </div>
    );
  }

  return (
    <>
      <div className="overflow-x-auto rounded border border-border bg-surface">
        <table className="data-table" aria-label="Audit records">
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">User</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Result</th>
              <th scope="col">Parameters</th>
              <th scope="col">AWS request id</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <AuditRow key={r.id} record={r} />
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Audit pages" className="flex flex-wrap items-center gap-3 text-sm">
        <p aria-live="polite">
          <span className="font-semibold">{records.length}</span> {records.length === 1 ? "record" : "records"} on this page, newest first
          {nextBeforeId === null ? <span className="ml-2 font-semibold text-muted">· end of the audit trail{filtered ? " for these filters" : ""}</span> : null}
        </p>
        {values.before !== null ? (
          <Link className="btn" href={href(null)}>
            Newest records
          </Link>
        ) : null}
        {nextBeforeId !== null ? (
          <Link className="btn" href={href(nextBeforeId)}>
            Older records
          </Link>
        ) : null}
      </nav>
    </>
  );
}

const RESULT_TONES: Record<AuditRecord["result"], Tone> = { success: "ok", failure: "warn", denied: "bad" };

function AuditRow({ record: r }: { record: AuditRecord }) {
  return (
    <tr data-audit-id={r.id}>
      <td className="whitespace-nowrap font-mono text-[13px]">
        <time dateTime={new Date(r.atMs).toISOString()}>{formatUtc(r.atMs).replace(" UTC", "")}</time>
      </td>
      <td>
        <span className="font-medium">{r.actor}</span>
        <span className="block text-xs text-muted">
          {r.role ?? "no role"}
          {r.ip ? ` · ${r.ip}` : ""}
        </span>
      </td>
      <td className="font-mono text-[13px] whitespace-nowrap">{r.action}</td>
      <td className="max-w-56 break-all font-mono text-[13px]">{r.target ?? <span className="text-muted">—</span>}</td>
      <td className="whitespace-nowrap">
        <Badge tone={RESULT_TONES[r.result] ?? "neutral"}>{r.result}</Badge>
        {r.errorCode ? <span className="ml-1 font-mono text-xs text-muted">{r.errorCode}</span> : null}
      </td>
      <td className="max-w-md">
        <Params json={r.params} />
      </td>
      <td className="font-mono text-[13px] break-all">{r.awsRequestId ?? <span className="text-muted">—</span>}</td>
    </tr>
  );
}

/** Parameters on one line; when that line is long, the whole JSON opens below it. */
function Params({ json }: { json: string | null }) {
  if (json === null || json === "null") return <span className="text-muted">—</span>;
  let pretty = json;
  try {
    pretty = JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    /* shown as stored */
  }
  const MAX = 80;
  if (json.length <= MAX) return <code className="break-all font-mono text-[13px]">{json}</code>;
  return (
    <details>
      <summary className="cursor-pointer break-all font-mono text-[13px]">{json.slice(0, MAX)}…</summary>
      <pre className="mt-1 max-h-80 overflow-auto rounded bg-surface-2 p-2 font-mono text-xs whitespace-pre-wrap break-all">{pretty}</pre>
    </details>
  );
}

import type { ConsoleDb } from "@/lib/db/console-db";

/**
 * The audit trail: one append-only record per state-changing action, success or
 * failure. Parameters are summarised before they are stored: secrets are redacted and
 * bulk payloads reduced to their size, so the trail never becomes a copy of a password
 * or of a 100k-row upload.
 */
export interface AuditInput {
  actor: string;
  role: string | null;
  action: string;
  target?: string | null;
  params?: unknown;
  result: "success" | "failure" | "denied";
  errorCode?: string | null;
  awsRequestId?: string | null;
  ip?: string | null;
}

export interface AuditRecord extends Omit<AuditInput, "params"> {
  id: number;
  atMs: number;
  params: string | null;
}

const SECRET_KEY = /pass(word)?|secret|token|credential|private|api[-_]?key|authorization|cookie/i;
const MAX_STRING = 200;
const MAX_ARRAY = 20;
const MAX_DEPTH = 4;

export function summariseParams(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === "string") return value.length > MAX_STRING ? `[${value.length} characters]` : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof File !== "undefined" && value instanceof File) return `[file ${value.name}, ${value.size} bytes]`;
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) return `[${value.length} items]`;
    return depth >= MAX_DEPTH ? `[${value.length} items]` : value.map((v) => summariseParams(v, depth + 1));
  }
  if (typeof value === "object") {
    if (depth >= MAX_DEPTH) return "[object]";
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? "[redacted]" : summariseParams(v, depth + 1);
    }
    return out;
  }
  return `[${typeof value}]`;
}

export function recordAudit(db: ConsoleDb, input: AuditInput, now = Date.now()): void {
  const params = input.params === undefined ? null : JSON.stringify(summariseParams(input.params));
  db.prepare(
    "INSERT INTO audit_log (at, actor, role, action, target, params, result, error_code, aws_request_id, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(now, input.actor, input.role, input.action, input.target ?? null, params, input.result, input.errorCode ?? null, input.awsRequestId ?? null, input.ip ?? null);
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  fromMs?: number;
  toMs?: number;
}

interface Row {
  id: number;
  at: number;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  params: string | null;
  result: AuditInput["result"];
  error_code: string | null;
  aws_request_id: string | null;
  ip: string | null;
}

function where(filter: AuditFilter): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (filter.actor) (parts.push("actor = ? COLLATE NOCASE"), args.push(filter.actor));
  if (filter.action) (parts.push("action = ?"), args.push(filter.action));
  if (filter.target) (parts.push("target LIKE ? ESCAPE '\\'"), args.push(`%${filter.target.replace(/[\\%_]/g, (c) => "\\" + c)}%`));
  if (filter.fromMs !== undefined) (parts.push("at >= ?"), args.push(filter.fromMs));
  if (filter.toMs !== undefined) (parts.push("at <= ?"), args.push(filter.toMs));
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", args };
}

const toRecord = (r: Row): AuditRecord => ({
  id: r.id,
  atMs: r.at,
  actor: r.actor,
  role: r.role,
  action: r.action,
  target: r.target,
  params: r.params,
  result: r.result,
  errorCode: r.error_code,
  awsRequestId: r.aws_request_id,
  ip: r.ip,
});

/** Newest first; `beforeId` pages backwards through older records. */
export function queryAudit(db: ConsoleDb, filter: AuditFilter, page: { limit: number; beforeId?: number }): { records: AuditRecord[]; nextBeforeId: number | null } {
  const w = where(filter);
  const cursor = page.beforeId !== undefined ? `${w.sql ? `${w.sql} AND` : "WHERE"} id < ?` : w.sql;
  const args = page.beforeId !== undefined ? [...w.args, page.beforeId] : w.args;
  const rows = db.prepare(`SELECT * FROM audit_log ${cursor} ORDER BY id DESC LIMIT ?`).all(...args, page.limit + 1) as Row[];
  const more = rows.length > page.limit;
  const records = rows.slice(0, page.limit).map(toRecord);
  return { records, nextBeforeId: more ? records[records.length - 1].id : null };
}

/** Every matching record, oldest first, without holding them all in memory. */
export function* iterateAudit(db: ConsoleDb, filter: AuditFilter): Generator<AuditRecord> {
  const w = where(filter);
  for (const r of db.prepare(`SELECT * FROM audit_log ${w.sql} ORDER BY id ASC`).iterate(...w.args) as Iterable<Row>) yield toRecord(r);
}

export function distinctAuditActions(db: ConsoleDb): string[] {
  return (db.prepare("SELECT DISTINCT action FROM audit_log ORDER BY action").all() as { action: string }[]).map((r) => r.action);
}

const CSV_COLUMNS = ["id", "time", "actor", "role", "action", "target", "result", "errorCode", "awsRequestId", "ip", "params"] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  // Quote always, double inner quotes; prefix formula starters so a spreadsheet never evaluates them.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const AUDIT_CSV_HEADER = CSV_COLUMNS.join(",") + "\r\n";

export function auditCsvLine(r: AuditRecord): string {
  const values = [r.id, new Date(r.atMs).toISOString(), r.actor, r.role, r.action, r.target, r.result, r.errorCode, r.awsRequestId, r.ip, r.params];
  return values.map(csvCell).join(",") + "\r\n";
}

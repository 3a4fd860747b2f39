import type { ConsoleDb } from "@/lib/db/console-db";
import { normaliseAddress } from "@/lib/http/forwarded";

/**
 * The audit trail: one append-only record per state-changing action, success or
 * failure. Parameters are summarised before they are stored: secrets are redacted and
 * bulk payloads reduced to their size, so the trail never becomes a copy of a password
 * or of a 100k-row upload, and every field is bounded, so a record stays a few KB. What
 * callers without a session can make it write is limited too (./anonymous-limit.ts), and
 * of their input only its shape is kept (key names, types and sizes, ~512 bytes at most):
 * a budget of records times a few KB of caller text each would still be ~0.5 GB a day.
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
const PREVIEW = 64;
const MAX_KEY = 64;
const MAX_ARRAY = 20;
const MAX_KEYS = 40;
const MAX_DEPTH = 4;
/** Roughly how many characters of summary the walk produces before it stops adding. */
const BUDGET = 2000;
/** The most `params` ever holds: a record stays a few KB whatever the caller sent. */
export const MAX_PARAMS_CHARS = 4096;
/** The most `params` holds in "shape" detail (callers without a session), in UTF-8 bytes. */
export const MAX_SHAPE_PARAMS_BYTES = 512;
const MAX_FIELD = { actor: 128, action: 64, target: 256, errorCode: 64, awsRequestId: 128 } as const;

/**
 * How much of a value the summary keeps. "preview": short strings as they are, long ones
 * cut to a preview (signed-in callers: attributable, and counted in full). "shape": no
 * caller text but key names (clipped), only each value's type and size.
 */
export type ParamsDetail = "preview" | "shape";

interface Detail {
  preview: boolean;
  maxKey: number;
  maxKeys: number;
  maxDepth: number;
  budget: number;
  /** The cap on the JSON, measured by `size`. */
  max: number;
  size: (json: string) => number;
}
const DETAIL: Record<ParamsDetail, Detail> = {
  preview: { preview: true, maxKey: MAX_KEY, maxKeys: MAX_KEYS, maxDepth: MAX_DEPTH, budget: BUDGET, max: MAX_PARAMS_CHARS, size: (json) => json.length },
  shape: { preview: false, maxKey: 24, maxKeys: 12, maxDepth: 2, budget: 360, max: MAX_SHAPE_PARAMS_BYTES, size: (json) => Buffer.byteLength(json) },
};

type Budget = { left: number; detail: Detail };

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * One value of the summary. Depth is bounded by MAX_DEPTH (not by the input), every
 * object or array contributes at most MAX_KEYS/MAX_ARRAY entries, and a shared budget
 * stops the walk once enough has been written; what is left out is counted, not copied.
 */
function summarise(value: unknown, depth: number, budget: Budget): unknown {
  const d = budget.detail;
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    const s = !d.preview ? `[${value.length} characters]` : value.length > MAX_STRING ? `${value.slice(0, PREVIEW)}… [${value.length} characters]` : value;
    budget.left -= s.length + 2;
    return s;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    budget.left -= 10;
    return d.preview ? value : `[${typeof value}]`;
  }
  budget.left -= 24;
  if (typeof value === "bigint") return d.preview ? clip(`${value}`, 40) : "[bigint]";
  if (typeof value !== "object") return `[${typeof value}]`;
  if (value instanceof Date) return !d.preview ? "[date]" : Number.isNaN(value.getTime()) ? "[invalid date]" : value.toISOString();
  if (typeof Blob !== "undefined" && value instanceof Blob) {
    const isFile = typeof File !== "undefined" && value instanceof File;
    const name = isFile ? (d.preview ? `file ${clip(value.name, MAX_KEY)}` : "file") : "blob";
    return `[${name}, ${value.size} bytes]`;
  }
  if (Array.isArray(value)) {
    if (!d.preview || value.length > MAX_ARRAY || depth >= d.maxDepth) return `[${value.length} items]`;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (budget.left <= 0) {
        out.push(`[${value.length - i} more items]`);
        break;
      }
      out.push(summarise(value[i], depth + 1, budget));
    }
    return out;
  }
  if (value instanceof Map) return `[Map, ${value.size} entries]`;
  if (value instanceof Set) return `[Set, ${value.size} items]`;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.constructor.name}, ${value.byteLength} bytes]`;
  if (!isPlainObject(value)) return d.preview ? `[${clip(value.constructor?.name || "object", MAX_KEY)}]` : "[object]";

  const record = value as Record<string, unknown>;
  let total = 0;
  for (const k in record) if (Object.hasOwn(record, k)) total++;
  if (depth >= d.maxDepth) return `[object, ${total} keys]`;
  // No prototype: a key named "__proto__" is kept as data, never as a prototype.
  const out: Record<string, unknown> = Object.create(null);
  let kept = 0;
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    if (kept >= d.maxKeys || budget.left <= 0) break;
    const key = clip(k, d.maxKey);
    // Bytes, not characters: a key of 24 non-ASCII characters is up to 96 of them.
    budget.left -= Buffer.byteLength(key) + 4;
    out[key] = SECRET_KEY.test(k) ? "[redacted]" : summarise(record[k], depth + 1, budget);
    kept++;
  }
  if (kept < total) out["…"] = `${total - kept} more keys`;
  return out;
}

/**
 * What the trail keeps of an action's parameters: secrets redacted, long strings cut to a
 * preview and their length (or, in "shape" detail, every value reduced to its type and
 * size), big arrays and deep or wide objects reduced to their sizes. Never more than
 * MAX_PARAMS_CHARS characters (MAX_SHAPE_PARAMS_BYTES bytes), so no caller can make one record large.
 */
export function summariseParams(value: unknown, detail: ParamsDetail = "preview"): unknown {
  return summarise(value, 0, { left: DETAIL[detail].budget, detail: DETAIL[detail] });
}

export function auditParamsJson(value: unknown, detail: ParamsDetail = "preview"): string {
  const json = JSON.stringify(summariseParams(value, detail)) ?? "null";
  // The walk's bounds keep summaries well under the cap; this makes it a guarantee.
  return DETAIL[detail].size(json) <= DETAIL[detail].max ? json : JSON.stringify(`[summary of ${json.length} characters left out]`);
}

export function recordAudit(db: ConsoleDb, input: AuditInput, now = Date.now(), detail: ParamsDetail = "preview"): void {
  const params = input.params === undefined ? null : auditParamsJson(input.params, detail);
  const text = (v: string | null | undefined, max: number) => (v === null || v === undefined ? null : clip(String(v), max));
  // Only a real IP address (or "unknown") is stored, whatever the caller passed.
  const ip = input.ip === null || input.ip === undefined ? null : (normaliseAddress(input.ip) ?? "unknown");
  db.prepare(
    "INSERT INTO audit_log (at, actor, role, action, target, params, result, error_code, aws_request_id, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(
    now,
    text(input.actor, MAX_FIELD.actor),
    input.role,
    text(input.action, MAX_FIELD.action),
    text(input.target, MAX_FIELD.target),
    params,
    input.result,
    text(input.errorCode, MAX_FIELD.errorCode),
    text(input.awsRequestId, MAX_FIELD.awsRequestId),
    ip,
  );
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
  const add = (sql: string, arg: unknown) => {
    parts.push(sql);
    args.push(arg);
  };
  if (filter.actor) add("actor = ? COLLATE NOCASE", filter.actor);
  if (filter.action) add("action = ?", filter.action);
  if (filter.target) add("target LIKE ? ESCAPE '\\'", `%${filter.target.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
  if (filter.fromMs !== undefined) add("at >= ?", filter.fromMs);
  if (filter.toMs !== undefined) add("at <= ?", filter.toMs);
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
export function queryAudit(
  db: ConsoleDb,
  filter: AuditFilter,
  page: { limit: number; beforeId?: number },
): { records: AuditRecord[]; nextBeforeId: number | null } {
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

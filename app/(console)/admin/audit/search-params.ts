import { createLoader, createSerializer, parseAsInteger, parseAsString } from "nuqs/server";
import type { AuditFilter } from "@/lib/audit/audit";

/**
 * URL state of the audit trail, shared by the page, its filter bar and the CSV export
 * route, so a shared link and its export show the same records. Times are UTC, as
 * everywhere in the console: `2026-11-23`, `2026-11-23T14:05` or a full ISO time.
 * `before` is the paging cursor (records with a smaller id); the export ignores it.
 * `nuqs/server` holds no server-only code, so client components may import this.
 */
export const auditSearchParams = {
  user: parseAsString,
  action: parseAsString,
  target: parseAsString,
  from: parseAsString,
  to: parseAsString,
  before: parseAsInteger,
};

export type AuditSearchValues = {
  user: string | null;
  action: string | null;
  target: string | null;
  from: string | null;
  to: string | null;
  before: number | null;
};

export const loadAuditSearchParams = createLoader(auditSearchParams);
export const serializeAuditSearchParams = createSerializer(auditSearchParams);

export const AUDIT_PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A bound of the time range in ms. A day or a minute covers all of it: `from` starts
 * at its first millisecond, `to` ends at its last, so `from=to=2026-11-23` is that day.
 */
export function parseTimeBound(value: string, edge: "start" | "end"): number | null {
  const v = value.trim();
  let ms: number;
  let span = 0;
  if (DATE.test(v)) {
    ms = Date.parse(`${v}T00:00:00Z`);
    span = 86_400_000;
  } else if (MINUTE.test(v)) {
    ms = Date.parse(`${v}:00Z`);
    span = 60_000;
  } else {
    ms = Date.parse(HAS_ZONE.test(v) ? v : `${v}Z`);
    span = /\.\d+/.test(v) ? 1 : 1000;
  }
  if (!Number.isFinite(ms)) return null;
  return edge === "start" ? ms : ms + span - 1;
}

export type AuditFilterResult = { ok: true; filter: AuditFilter } | { ok: false; issues: string[] };

export function auditFilterFrom(values: Pick<AuditSearchValues, "user" | "action" | "target" | "from" | "to">): AuditFilterResult {
  const filter: AuditFilter = {};
  const issues: string[] = [];
  if (values.user?.trim()) filter.actor = values.user.trim();
  if (values.action?.trim()) filter.action = values.action.trim();
  if (values.target?.trim()) filter.target = values.target.trim();
  if (values.from?.trim()) {
    const ms = parseTimeBound(values.from, "start");
    if (ms === null) issues.push(`"From" is not a time: use 2026-11-23 or 2026-11-23T14:05 (UTC).`);
    else filter.fromMs = ms;
  }
  if (values.to?.trim()) {
    const ms = parseTimeBound(values.to, "end");
    if (ms === null) issues.push(`"To" is not a time: use 2026-11-23 or 2026-11-23T14:05 (UTC).`);
    else filter.toMs = ms;
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs > filter.toMs) issues.push(`"From" is after "To".`);
  return issues.length ? { ok: false, issues } : { ok: true, filter };
}

export function hasAuditFilters(values: Pick<AuditSearchValues, "user" | "action" | "target" | "from" | "to">): boolean {
  return !!(values.user || values.action || values.target || values.from || values.to);
}

/** The export link for the filters in view (every page of them, not only the one shown). */
export function auditExportHref(values: AuditSearchValues): string {
  return serializeAuditSearchParams("/api/audit/export", { ...values, before: null });
}

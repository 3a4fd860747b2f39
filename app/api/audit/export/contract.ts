import { z } from "zod";
import type { AuditFilter } from "@/lib/audit/audit";
import { defineRoute } from "@/lib/http/contract";
import { auditFilterFrom, type AuditSearchValues } from "@/app/(console)/admin/audit/search-params";

/**
 * GET /api/audit/export?user&action&target&from&to → the matching audit records as a
 * CSV file. The parameters are the audit page's own URL state (other parameters, such
 * as the page's `before` cursor, are ignored), read with the page's own rules.
 */
const text = z
  .string()
  .optional()
  .transform((v) => v ?? null);

export const auditExportQuery = z.object({ user: text, action: text, target: text, from: text, to: text }).transform((values, ctx): AuditFilter => {
  const parsed = auditFilterFrom(values);
  if (parsed.ok) return parsed.filter;
  ctx.addIssue({ code: "custom", message: parsed.issues.join(" ") });
  return z.NEVER;
});

export const auditExportRoute = defineRoute<never>()({
  path: "/api/audit/export",
  permission: "audit.read",
  query: auditExportQuery,
  request: (values: AuditSearchValues) => ({ query: { user: values.user, action: values.action, target: values.target, from: values.from, to: values.to } }),
});

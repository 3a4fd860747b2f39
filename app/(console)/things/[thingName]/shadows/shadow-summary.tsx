"use client";

import { TimeAgo } from "@/components/ui/time-ago";
import { formatUtc } from "@/lib/format/time";
import { newestTimestamp, type ComparisonSummary } from "@/lib/shadows/compare";
import { shadowLabel, type ShadowDocument } from "@/lib/shadows/types";
import { STATUS } from "./row-status";

type View = "compare" | "raw";
type Keys = "all" | "differences";

/** The newest metadata timestamp of either section: when the shadow's state was last written (epoch ms). */
function lastWrittenMs(doc: ShadowDocument): number | null {
  const d = newestTimestamp(doc.metadata.desired);
  const r = newestTimestamp(doc.metadata.reported);
  const s = d === null ? r : r === null ? d : Math.max(d, r);
  return s === null ? null : s * 1000;
}

function Toggle<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (v: T) => void;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex overflow-hidden rounded border border-border">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
          className={`px-2.5 py-1 text-sm font-medium ${o.value === value ? "bg-accent text-accent-fg" : "bg-surface-2 text-fg hover:bg-surface"}`}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/**
 * The shadow at a glance: version, when it was last written, how many keys are pending or
 * mismatched (and since when), and the controls: edit, comparison or raw JSON, all keys or
 * only the differences.
 */
export function ShadowSummary({
  doc,
  summary,
  canEdit,
  role,
  editing,
  onEdit,
  view,
  onView,
  keys,
  onKeys,
}: {
  doc: ShadowDocument;
  summary: ComparisonSummary;
  canEdit: boolean;
  role: string;
  editing: boolean;
  onEdit: () => void;
  view: View;
  onView: (v: View) => void;
  keys: Keys;
  onKeys: (k: Keys) => void;
}) {
  const written = lastWrittenMs(doc);
  const differences = summary.pending + summary.typeMismatch;
  const counts: Array<{ status: keyof typeof STATUS; n: number }> = [
    { status: "pending", n: summary.pending },
    { status: "type_mismatch", n: summary.typeMismatch },
    { status: "in_sync", n: summary.inSync },
    { status: "reported_only", n: summary.reportedOnly },
  ];
  return (
    <section aria-label="Shadow summary" className="space-y-2 rounded border border-border bg-surface px-3 py-2.5">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h2 className="text-base font-semibold">{shadowLabel(doc.shadowName)}</h2>
        <span className="text-sm">
          <span className="text-muted">Version</span>{" "}
          <strong className="font-mono" data-testid="shadow-version">
            {doc.version}
          </strong>
        </span>
        <span className="text-sm" title={written !== null ? formatUtc(written) : undefined}>
          <span className="text-muted">Last written</span> {written !== null ? <TimeAgo at={written} /> : "—"}
        </span>
        {summary.oldestPendingAtMs !== null ? (
          <span className="text-sm">
            <span className="text-muted">Oldest pending change</span> <TimeAgo at={summary.oldestPendingAtMs} prefix="set " />
          </span>
        ) : null}
      </div>

      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" data-testid="shadow-counts">
        {differences === 0 ? (
          <span className="font-semibold text-ok">✓ The device reports every desired value.</span>
        ) : (
          <span className="font-semibold text-warn">
            {differences} desired value{differences === 1 ? "" : "s"} not applied by the device yet
          </span>
        )}
        {counts.map((c) => (
          <span key={c.status} className={c.n ? "" : "text-muted"} title={STATUS[c.status].explain}>
            <span aria-hidden="true">{STATUS[c.status].symbol}</span> {c.n} {STATUS[c.status].label.toLowerCase()}
          </span>
        ))}
      </p>

      <div className="flex flex-wrap items-center gap-2">
        {canEdit ? (
          <button type="button" className="btn btn-primary" onClick={onEdit} disabled={editing}>
            {editing ? "Editing desired state…" : "Edit desired state"}
          </button>
        ) : (
          <span className="text-xs text-muted">Read-only for your role ({role}): changing desired state needs the responder or admin role.</span>
        )}
        <span className="flex-1" />
        {view === "compare" ? (
          <Toggle
            label="Keys shown"
            value={keys}
            onChange={onKeys}
            options={[
              { value: "all", label: `All keys (${summary.total})` },
              { value: "differences", label: `Differences (${summary.total - summary.inSync})` },
            ]}
          />
        ) : null}
        <Toggle
          label="View"
          value={view}
          onChange={onView}
          options={[
            { value: "compare", label: "Desired vs reported" },
            { value: "raw", label: "Raw JSON" },
          ]}
        />
      </div>
    </section>
  );
}

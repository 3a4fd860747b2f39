"use client";

import { TimeAgo } from "@/components/ui/time-ago";
import type { ComparisonRow } from "@/lib/shadows/compare";
import { formatPath, jsonType, pathKey, previewValue } from "@/lib/shadows/json";
import type { JsonValue } from "@/lib/shadows/types";
import { StatusBadge } from "./row-status";

function Value({ value, absent }: { value: JsonValue | undefined; absent: string }) {
  if (value === undefined) return <span className="text-muted italic">{absent}</span>;
  const full = JSON.stringify(value, null, 2);
  return (
    <code className="font-mono text-[13px] break-all" title={full.length > 60 ? full : undefined}>
      {previewValue(value, 120)}
    </code>
  );
}

function StatusDetail({ row }: { row: ComparisonRow }) {
  if (row.status === "pending") {
    return (
      <span className="text-xs text-muted">
        {row.desiredAtMs !== null ? <TimeAgo at={row.desiredAtMs} prefix="set " /> : "set at an unknown time"}
        {row.pendingReason === "not_reported" ? " · device has not reported it" : " · device reports another value"}
      </span>
    );
  }
  if (row.status === "type_mismatch" && row.desired !== undefined && row.reported !== undefined) {
    return (
      <span className="text-xs text-muted">
        desired is {jsonType(row.desired)}, reported is {jsonType(row.reported)}
        {row.desiredAtMs !== null ? (
          <>
            {" · "}
            <TimeAgo at={row.desiredAtMs} prefix="set " />
          </>
        ) : null}
      </span>
    );
  }
  return null;
}

const ROW_TINT: Record<ComparisonRow["status"], string> = {
  pending: "bg-warn/8 shadow-[inset_3px_0_0_var(--warn)]",
  type_mismatch: "bg-bad/8 shadow-[inset_3px_0_0_var(--bad)]",
  reported_only: "",
  in_sync: "",
};

/**
 * Desired vs reported, one row per leaf key, with its status. Rows in AWS's delta are
 * tinted and edged (amber: pending, red: type mismatch) and carry a Δ.
 */
export function ComparisonTable({
  rows,
  canEdit,
  onRemove,
  emptyText,
}: {
  rows: readonly ComparisonRow[];
  canEdit: boolean;
  /** Marks a desired key for removal in the editor (responders). */
  onRemove: (path: string[]) => void;
  emptyText: string;
}) {
  if (rows.length === 0) {
    return <p className="rounded border border-border bg-surface px-3 py-4 text-muted">{emptyText}</p>;
  }
  return (
    <div className="overflow-x-auto rounded border border-border bg-surface">
      <table className="data-table" aria-label="Desired vs reported">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Desired</th>
            <th scope="col">Reported</th>
            <th scope="col">Status</th>
            {canEdit ? (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const path = formatPath(r.path);
            return (
              <tr key={pathKey(r.path)} data-status={r.status} data-path={path} className={ROW_TINT[r.status]}>
                {/* A row header, without the column headers' look (keys are case-sensitive: no uppercase). */}
                <th
                  scope="row"
                  className="static z-auto border-b border-border bg-transparent px-3 py-1.5 text-left align-top text-sm font-normal tracking-normal text-fg normal-case"
                >
                  <span className="font-mono text-[13px] font-semibold break-all">{path}</span>
                  {r.inDelta ? (
                    <span
                      className="ml-1.5 rounded bg-warn/20 px-1 text-xs font-semibold text-warn"
                      title="In AWS's delta: the device is asked to apply the desired value"
                    >
                      Δ<span className="sr-only"> in delta</span>
                    </span>
                  ) : null}
                </th>
                <td>
                  <Value value={r.desired} absent="not set" />
                  {r.desiredAtMs !== null && r.status !== "pending" ? (
                    <div className="text-xs text-muted">
                      <TimeAgo at={r.desiredAtMs} prefix="set " />
                    </div>
                  ) : null}
                </td>
                <td>
                  <Value value={r.reported} absent="not reported" />
                  {r.reportedAtMs !== null ? (
                    <div className="text-xs text-muted">
                      <TimeAgo at={r.reportedAtMs} prefix="reported " />
                    </div>
                  ) : null}
                </td>
                <td>
                  <div className="flex flex-col items-start gap-0.5">
                    <StatusBadge status={r.status} />
                    <StatusDetail row={r} />
                  </div>
                </td>
                {canEdit ? (
                  <td className="text-right">
                    {r.desired !== undefined ? (
                      <button
                        type="button"
                        className="btn px-2 py-0.5 text-xs"
                        onClick={() => onRemove(r.path)}
                        aria-label={`Remove ${path} from desired`}
                        title="Remove this key from desired state (sends null)"
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

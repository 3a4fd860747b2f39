import { Badge } from "@/components/ui/badge";
import { EXECUTION_STATUS_LABELS, EXECUTION_TONES, JOB_STATUS_LABELS, JOB_TONES } from "@/lib/jobs/status";
import type { ExecutionStatus, JobStatus } from "@/lib/jobs/types";

/** A job's status as a word (colour is never the only signal). */
export function JobStatusBadge({ status, forceCanceled = false }: { status: JobStatus; forceCanceled?: boolean }) {
  return (
    <Badge tone={JOB_TONES[status]} title={status}>
      {JOB_STATUS_LABELS[status] ?? status}
      {status === "CANCELED" && forceCanceled ? " (forced)" : ""}
    </Badge>
  );
}

export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return (
    <Badge tone={EXECUTION_TONES[status]} title={status}>
      {EXECUTION_STATUS_LABELS[status] ?? status}
    </Badge>
  );
}

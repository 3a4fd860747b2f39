"use client";

import { useMemo } from "react";
import { useRouteQuery } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { JsonBlock } from "@/components/ui/json-block";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { jobDocumentRoute } from "@/lib/jobs/api";
import { presignedPlaceholders, utf8Length } from "@/lib/jobs/document";
import { prettyJson } from "@/lib/json/pretty";

/**
 * The job document as stored (GetJobDocument beforeSubstitution: its presigned-URL
 * placeholders left in, so viewing the page mints no URL), pretty-printed when it is JSON,
 * with the S3 object it came from when the job was created from one.
 */
export function DocumentPanel({ jobId, documentSource }: { jobId: string; documentSource: string | null }) {
  // A job's document never changes once created: read it once per visit.
  const q = useRouteQuery(jobDocumentRoute, [jobId], { staleTime: Infinity });
  const text = q.data?.document ?? null;
  const shown = useMemo(() => (text === null ? null : prettyJson(text)), [text]);
  // `${aws:iot:s3-presigned-url:…}`: AWS replaces each with a fresh presigned GET URL whenever a device reads the document.
  const placeholders = useMemo(
    () => (text === null ? [] : [...new Set(presignedPlaceholders(text).map((p) => `${p.region ?? ""}/${p.bucket}/${p.key}`))]),
    [text],
  );

  return (
    <div className="space-y-2">
      {documentSource ? (
        <p className="text-sm">
          <span className="text-muted">From S3: </span>
          <span className="font-mono text-[13px] break-all" data-testid="document-source">
            {documentSource}
          </span>
        </p>
      ) : null}
      {q.isPending ? (
        <LinesSkeleton lines={6} label="Loading the job document" />
      ) : q.isError ? (
        <ErrorNotice
          error={toErrorData(q.error)}
          title="Could not read the job document"
          action={
            <button type="button" className="btn" onClick={() => void q.refetch()}>
              Retry
            </button>
          }
        />
      ) : shown === null ? (
        <p className="text-sm text-muted">AWS IoT returned no document for this job.</p>
      ) : (
        <>
          <JsonBlock
            text={shown.text}
            caption={`${shown.json ? "JSON" : "Not JSON: shown as stored"} · ${formatCount(utf8Length(text ?? ""))} bytes`}
            label="Job document"
            testId="job-document"
            wrap
          />
          {placeholders.length > 0 ? (
            <p className="text-xs text-muted">
              {placeholders.length === 1 ? "The placeholder" : `The ${placeholders.length} placeholders`}{" "}
              <code className="font-mono">{"${aws:iot:s3-presigned-url:…}"}</code> {placeholders.length === 1 ? "is" : "are"} shown as stored: AWS IoT replaces{" "}
              {placeholders.length === 1 ? "it" : "each"} with a fresh presigned URL whenever a device reads the document.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}

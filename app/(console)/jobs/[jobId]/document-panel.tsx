"use client";

import { useMemo, useState } from "react";
import { useRouteQuery } from "@/components/query/use-route-query";
import { ErrorNotice } from "@/components/ui/error-notice";
import { LinesSkeleton } from "@/components/ui/skeleton";
import { toErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import { jobDocumentRoute } from "@/lib/jobs/api";

/** `${aws:iot:s3-presigned-url:<url>}`: replaced by AWS with a fresh presigned GET URL each time a device reads the document. */
const PLACEHOLDER = /\$\{aws:iot:s3-presigned-url:([^}]*)\}/g;

/**
 * The job document as stored (GetJobDocument beforeSubstitution: its presigned-URL
 * placeholders left in, so viewing the page mints no URL), pretty-printed when it is JSON,
 * with the S3 object it came from when the job was created from one.
 */
export function DocumentPanel({ jobId, documentSource }: { jobId: string; documentSource: string | null }) {
  // A job's document never changes once created: read it once per visit.
  const q = useRouteQuery(jobDocumentRoute, [jobId], { staleTime: Infinity });
  const text = q.data?.document ?? null;
  const shown = useMemo(() => (text === null ? null : prettyDocument(text)), [text]);
  const placeholders = useMemo(() => (text === null ? [] : [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))]), [text]);

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
          <DocumentText text={shown.text} json={shown.json} size={new TextEncoder().encode(text ?? "").length} />
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

function DocumentText({ text, json, size }: { text: string; json: boolean; size: number }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded border border-border bg-surface-2/40">
      <div className="flex items-center justify-between gap-2 border-b border-border px-3 py-1">
        <p className="text-xs text-muted">
          {json ? "JSON" : "Not JSON: shown as stored"} · {formatCount(size)} bytes
        </p>
        <button
          type="button"
          className="btn px-2 py-0.5 text-xs"
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 2_000);
              },
              () => undefined,
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      {/* Focusable so keyboard users can scroll it. */}
      <pre
        tabIndex={0}
        aria-label="Job document"
        data-testid="job-document"
        className="max-h-80 overflow-auto px-3 py-2 font-mono text-[13px] leading-relaxed break-all whitespace-pre-wrap"
      >
        {text}
      </pre>
    </div>
  );
}

/** JSON indented by two, or the text as stored when it is not JSON. */
function prettyDocument(text: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

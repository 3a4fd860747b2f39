"use client";

import { useEffect, useId, useRef, useState } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { AppError, type AppErrorData } from "@/lib/errors";
import { formatCount } from "@/lib/format/count";
import type { DraftArtifact } from "@/lib/jobs/draft";
import { MAX_ARTIFACT_BYTES, MAX_ARTIFACT_LABEL, type UploadedArtifact } from "@/lib/jobs/draft-artifacts";
import { abandonUpload, sameFile, uploadArtifact, type UploadProgress } from "./artifact-upload-client";

/** "12.3 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * The agent build: picked, hashed (SHA-256, in the browser, part by part) and uploaded to
 * the console's artifact bucket with a progress bar. An interrupted upload stays in the
 * draft; choosing the same file again resumes it.
 */
export function ArtifactUploader({
  id: sectionId,
  artifact,
  version,
  error: fieldError,
  onState,
  onUploaded,
}: {
  id: string;
  artifact: DraftArtifact | null;
  version: string;
  error?: string;
  onState: (a: DraftArtifact | null) => void;
  onUploaded: (a: DraftArtifact, u: UploadedArtifact) => void;
}) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const interrupted = artifact && !artifact.done ? artifact : null;
  const start = async () => {
    if (!file) return;
    if (file.size === 0) return setError({ code: "invalid_input", message: "The file is empty." });
    if (file.size > MAX_ARTIFACT_BYTES)
      return setError({ code: "invalid_input", message: `The artifact is larger than ${MAX_ARTIFACT_LABEL}, the most the console uploads.` });
    setError(null);
    setRunning(true);
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      const out = await uploadArtifact({ file, version, resume: interrupted, signal: ctl.signal, onProgress: setProgress, onState });
      onUploaded(out.artifact, out.uploaded);
    } catch (err) {
      if ((err as Error)?.name === "AbortError")
        setError({ code: "invalid_input", message: "Upload paused. Choose Upload to resume it: the parts already sent are kept." });
      else setError(err instanceof AppError ? err.toData() : { code: "internal", message: "The upload failed unexpectedly. Try again." });
    } finally {
      setRunning(false);
      abort.current = null;
    }
  };

  const pct = progress && progress.totalBytes ? Math.floor((progress.uploadedBytes / progress.totalBytes) * 100) : 0;
  const hashedPct = progress && progress.totalBytes ? Math.floor((progress.hashedBytes / progress.totalBytes) * 100) : 0;
  const mismatch = file && interrupted && !sameFile(file, interrupted);

  return (
    <section id={sectionId} aria-labelledby={`${id}-h`} className="space-y-2 rounded border border-border bg-surface-2 p-3" data-testid="artifact-uploader">
      <h3 id={`${id}-h`} className="text-sm font-semibold">
        Artifact
      </h3>
      {artifact?.done ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-sm" data-testid="artifact-done">
          <dt className="text-muted">File</dt>
          <dd>
            {artifact.fileName} ({formatBytes(artifact.size)})
          </dd>
          <dt className="text-muted">Object</dt>
          <dd className="font-mono text-[13px] break-all">
            s3://{artifact.bucket}/{artifact.key}
          </dd>
          <dt className="text-muted">SHA-256</dt>
          <dd className="font-mono text-[13px] break-all" data-testid="artifact-sha256">
            {artifact.sha256}
          </dd>
        </dl>
      ) : interrupted ? (
        <p className="text-sm text-warn" role="status">
          An upload of {interrupted.fileName} ({formatBytes(interrupted.size)}) was interrupted with {formatCount(interrupted.parts.length)} part
          {interrupted.parts.length === 1 ? "" : "s"} sent. Choose the same file to resume it.
        </p>
      ) : (
        <p className="text-sm text-muted">
          The build the agents download, at most {MAX_ARTIFACT_LABEL}. Its SHA-256 is computed here, in the browser, as it is read.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-file`} className="text-xs font-semibold text-muted">
          {artifact?.done ? "Replace with another file" : "File"}
        </label>
        <input
          id={`${id}-file`}
          type="file"
          className="text-sm text-fg file:mr-2 file:rounded file:border file:border-border file:bg-surface file:px-2 file:py-1 file:text-fg"
          disabled={running}
          aria-describedby={fieldError ? `${id}-err` : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setProgress(null);
            setError(null);
          }}
        />
        <button
          type="button"
          className="btn btn-primary"
          disabled={!file || running || (!!artifact?.done && sameFile(file, artifact))}
          onClick={() => void start()}
        >
          {interrupted && file && !mismatch ? "Resume upload" : "Upload"}
        </button>
        {running ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Pause
          </button>
        ) : null}
        {artifact && !running ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              const a = artifact;
              onState(null);
              setProgress(null);
              abandonUpload(a).catch((err: unknown) =>
                setError(err instanceof AppError ? err.toData() : { code: "internal", message: "The interrupted upload could not be dropped in S3." }),
              );
            }}
          >
            Forget this artifact
          </button>
        ) : null}
      </div>
      {mismatch ? <p className="text-xs text-warn">This is not the interrupted file: uploading it starts a new upload.</p> : null}
      {progress ? (
        <div className="space-y-1">
          <div
            role="progressbar"
            aria-label="Upload"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-valuetext={`${pct}% uploaded`}
            className="h-2 overflow-hidden rounded bg-surface"
          >
            <div className="h-full bg-accent transition-[width]" style={{ width: `${pct}%` }} />
          </div>
          <p className="text-xs text-muted tabular-nums" aria-live="polite" data-testid="upload-progress">
            {formatBytes(progress.uploadedBytes)} of {formatBytes(progress.totalBytes)} uploaded ({pct}%) · SHA-256 over {hashedPct}%
          </p>
        </div>
      ) : null}
      {fieldError && !error ? (
        <p id={`${id}-err`} className="text-xs text-bad">
          {fieldError}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} title={error.code === "invalid_input" ? "Upload not finished" : "The upload failed"} /> : null}
    </section>
  );
}

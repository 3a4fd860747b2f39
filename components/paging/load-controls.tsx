"use client";

import type React from "react";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/lib/format/count";
import { toErrorData } from "@/lib/errors";

interface Props {
  count: number;
  /** What is counted; omit for a bare "N loaded". */
  noun?: [singular: string, plural: string];
  /** The whole result's size when known: "100 of 284 loaded". */
  total?: number | null;
  /** What the end is called: "end of list" by default. */
  endLabel?: string;
  /** Shown between the controls and a next-page error (e.g. a throttling notice). */
  notice?: React.ReactNode;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  loadingAll: boolean;
  error: unknown;
  onLoadMore: () => void;
  onLoadAll: () => void;
  onStop: () => void;
}

/** The footer of a paged list: how many are loaded, whether that is all, and the controls to get the rest. */
export function LoadControls({
  count,
  noun,
  total = null,
  endLabel = "end of list",
  notice,
  hasNextPage,
  isFetchingNextPage,
  loadingAll,
  error,
  onLoadMore,
  onLoadAll,
  onStop,
}: Props) {
  const word = noun ? ` ${count === 1 ? noun[0] : noun[1]}` : "";
  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <p aria-live="polite" className="text-sm">
          <span className="font-semibold">{formatCount(count)}</span>
          {word}
          {total !== null ? ` of ${formatCount(Math.max(total, count))}` : ""} loaded
          {loadingAll ? (
            <span className="ml-2 text-muted">· loading all, page after page…</span>
          ) : hasNextPage ? (
            <span className="ml-2 text-muted">· more available</span>
          ) : (
            <span className="ml-2 font-semibold text-muted">· {endLabel}</span>
          )}
        </p>
        {hasNextPage || loadingAll ? (
          <div className="flex items-center gap-2">
            {loadingAll ? (
              <>
                <span className="inline-block size-4 animate-spin rounded-full border-2 border-accent border-t-transparent" aria-hidden="true" />
                <button type="button" className="btn" onClick={onStop}>
                  Stop
                </button>
              </>
            ) : (
              <>
                <button type="button" className="btn" onClick={onLoadMore} disabled={isFetchingNextPage}>
                  {isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
                <button type="button" className="btn" onClick={onLoadAll} disabled={isFetchingNextPage}>
                  Load all
                </button>
              </>
            )}
          </div>
        ) : null}
      </div>
      {notice}
      {error && !isFetchingNextPage ? (
        <ErrorNotice
          error={toErrorData(error)}
          title="Could not load the next page"
          action={
            <button type="button" className="btn" onClick={onLoadMore}>
              Retry
            </button>
          }
        />
      ) : null}
    </div>
  );
}

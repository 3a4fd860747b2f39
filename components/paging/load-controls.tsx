"use client";

import { ErrorNotice } from "@/components/ui/error-notice";
import { formatCount } from "@/lib/format/count";
import { toErrorData } from "@/lib/errors";

interface Props {
  count: number;
  noun: [singular: string, plural: string];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  loadingAll: boolean;
  error: unknown;
  onLoadMore: () => void;
  onLoadAll: () => void;
  onStop: () => void;
}

/** The footer of a paged list: how many are loaded, whether that is all, and the controls to get the rest. */
export function LoadControls({ count, noun, hasNextPage, isFetchingNextPage, loadingAll, error, onLoadMore, onLoadAll, onStop }: Props) {
  const word = count === 1 ? noun[0] : noun[1];
  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <p aria-live="polite" className="text-sm">
          <span className="font-semibold">{formatCount(count)}</span> {word} loaded
          {loadingAll ? (
            <span className="ml-2 text-muted">· loading all, page after page…</span>
          ) : hasNextPage ? (
            <span className="ml-2 text-muted">· more available</span>
          ) : (
            <span className="ml-2 font-semibold text-muted">· end of list</span>
          )}
        </p>
        {hasNextPage || loadingAll ? (
          <div className="flex gap-2">
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

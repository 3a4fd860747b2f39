"use client";

import { useCallback, useEffect, useRef, useState } from "react";

interface Pager {
  hasNextPage: boolean;
  fetchNextPage: () => Promise<{ hasNextPage: boolean; isError: boolean }>;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
}

/**
 * "Load all" for a react-query infinite list: fetches page after page until the end,
 * an error, or the operator presses Stop. Pages are fetched one at a time, so the load
 * on AWS stays that of one person paging quickly. `controls` are the matching props of
 * <LoadControls> (spread them, add the count).
 */
export function useLoadAll(pager: Pager) {
  const [loadingAll, setLoadingAll] = useState(false);
  const stopRef = useRef(false);
  const { hasNextPage, fetchNextPage } = pager;

  useEffect(
    () => () => {
      stopRef.current = true; // leaving the page stops the loop
    },
    [],
  );

  const loadAll = useCallback(async () => {
    if (!hasNextPage) return;
    stopRef.current = false;
    setLoadingAll(true);
    try {
      let r = await fetchNextPage();
      while (!stopRef.current && r.hasNextPage && !r.isError) r = await fetchNextPage();
    } finally {
      setLoadingAll(false);
    }
  }, [hasNextPage, fetchNextPage]);

  const stop = useCallback(() => {
    stopRef.current = true;
  }, []);

  const controls = {
    hasNextPage,
    isFetchingNextPage: pager.isFetchingNextPage,
    loadingAll,
    error: pager.isFetchNextPageError ? pager.error : null,
    onLoadMore: () => void fetchNextPage(),
    onLoadAll: () => void loadAll(),
    onStop: stop,
  };
  return { loadingAll, loadAll, stop, controls };
}

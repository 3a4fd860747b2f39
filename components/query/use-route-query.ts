"use client";

import { focusManager, useQuery, type UseQueryOptions } from "@tanstack/react-query";
import { useRef, useSyncExternalStore } from "react";
import type { AnyRoute, ArgsOf, ResponseOf } from "@/lib/http/contract";
import { fetchRoute } from "@/lib/http/get-json";
import { createPollFailures, nextPollMs, type PollFailures, type PollPolicy } from "@/lib/http/poll-policy";

/**
 * Reads of the console's API by route contract (lib/http/contract.ts): the key and the
 * URL come from the contract, so a view cannot pair one route's key with another's URL.
 * `useLiveQuery` adds the one polling policy of live views (lib/http/poll-policy.ts).
 */

type Extra<C extends AnyRoute> = Omit<UseQueryOptions<ResponseOf<C>, Error, ResponseOf<C>, readonly unknown[]>, "queryKey" | "queryFn">;

const keyOf = <C extends AnyRoute>(route: C, args: ArgsOf<C>): readonly unknown[] => route.key(...args);

/** A one-off read of a route (react-query caches and shares it by the contract's key). */
export function useRouteQuery<C extends AnyRoute>(route: C, args: ArgsOf<C>, options: Extra<C> = {}) {
  return useQuery({
    queryKey: keyOf(route, args),
    queryFn: ({ signal }) => fetchRoute(route, args, signal),
    ...options,
  });
}

const subscribeFocus = (onChange: () => void) => focusManager.subscribe(onChange);
const isFocused = () => focusManager.isFocused();

/** What the polling policy needs from the page: whether it is visible, and the failures of each query. */
export interface LivePolling {
  visible: boolean;
  failures: PollFailures;
}

/**
 * The page's visibility (react-query's focusManager, which follows `visibilitychange`)
 * as state, so a view hidden and shown again re-evaluates its poll interval, and a
 * failure counter that lives as long as the component.
 */
export function useLivePolling(): LivePolling {
  const visible = useSyncExternalStore(subscribeFocus, isFocused, () => true);
  const ref = useRef<PollFailures | null>(null);
  ref.current ??= createPollFailures();
  return { visible, failures: ref.current };
}

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code as string | undefined;

/**
 * The query options of a live read: polled every `policy.everyMs` while the tab is
 * visible, backing off on consecutive failures, stopped by a final error, and caught up
 * as soon as the tab is looked at again. For useQuery (useLiveQuery) and useQueries.
 */
export function liveQueryOptions<C extends AnyRoute>(route: C, args: ArgsOf<C>, policy: PollPolicy, live: LivePolling) {
  const queryKey = keyOf(route, args);
  const counter = JSON.stringify(queryKey);
  return {
    queryKey,
    queryFn: ({ signal }: { signal: AbortSignal }) => live.failures.track(counter, () => fetchRoute(route, args, signal), signal),
    staleTime: policy.everyMs,
    refetchInterval: (q: { state: { error: unknown } }) =>
      nextPollMs(policy, { visible: live.visible, failures: live.failures.count(counter), lastErrorCode: codeOf(q.state.error) }),
    // Hidden tabs do not poll (the interval above is also off then); the console turns
    // window-focus refetching off by default, but a live view catches up when looked at.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  } as const;
}

/** A live read of one route (see liveQueryOptions); `options` may refine it (staleTime, retry, placeholders). */
export function useLiveQuery<C extends AnyRoute>(route: C, args: ArgsOf<C>, policy: PollPolicy, options: Extra<C> = {}) {
  const live = useLivePolling();
  return useQuery({ ...liveQueryOptions(route, args, policy, live), ...options });
}

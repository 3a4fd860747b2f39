"use client";

import { useSyncExternalStore } from "react";
import { formatRelative, formatUtc } from "@/lib/format/time";

/**
 * One shared clock for every relative time on the page: a table of thousands of rows
 * must not run thousands of timers. It ticks every 15 s while anything listens.
 */
const TICK_MS = 15_000;
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;
// On the server every render reads the real time; a module-level value would be as old as the process.
const getServerNow = () => (typeof window === "undefined" ? Date.now() : now);

/**
 * "5 min ago", kept current while the page is open, with the exact UTC time in the
 * tooltip. The server renders the same text from its own clock; a difference of a few
 * seconds at hydration is expected, hence suppressHydrationWarning.
 */
export function TimeAgo({ at, prefix = "" }: { at: string | number | null; prefix?: string }) {
  const current = useSyncExternalStore(subscribe, getNow, getServerNow);
  if (at === null) return null;
  const iso = typeof at === "number" ? new Date(at).toISOString() : at;
  return (
    <time dateTime={iso} title={formatUtc(at)} suppressHydrationWarning>
      {prefix}
      {formatRelative(at, current)}
    </time>
  );
}

"use client";

import { useSyncExternalStore } from "react";

/**
 * The console's semantic colours as concrete values, for SVG charts (recharts sets them
 * as attributes, where CSS variables are not reliable). Re-read when the theme class on
 * <html> changes, so a chart follows the light/dark toggle at once.
 */
export interface ThemeColors {
  fg: string;
  muted: string;
  border: string;
  surface: string;
  surface2: string;
  accent: string;
  ok: string;
  idle: string;
  bad: string;
  warn: string;
}

const FALLBACK: ThemeColors = {
  fg: "#0f1217",
  muted: "#4b5362",
  border: "#d4d7dd",
  surface: "#ffffff",
  surface2: "#f3f4f6",
  accent: "#1d4ed8",
  ok: "#047857",
  idle: "#5b6472",
  bad: "#c81e1e",
  warn: "#a15c00",
};

let cached: { key: string; colors: ThemeColors } | null = null;

function read(): ThemeColors {
  const root = document.documentElement;
  const key = root.className;
  if (cached?.key === key) return cached.colors;
  const s = getComputedStyle(root);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  const colors: ThemeColors = {
    fg: v("--fg", FALLBACK.fg),
    muted: v("--muted", FALLBACK.muted),
    border: v("--border", FALLBACK.border),
    surface: v("--surface", FALLBACK.surface),
    surface2: v("--surface-2", FALLBACK.surface2),
    accent: v("--accent", FALLBACK.accent),
    ok: v("--ok", FALLBACK.ok),
    idle: v("--idle", FALLBACK.idle),
    bad: v("--bad", FALLBACK.bad),
    warn: v("--warn", FALLBACK.warn),
  };
  cached = { key, colors };
  return colors;
}

function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

export function useThemeColors(): ThemeColors {
  return useSyncExternalStore(subscribe, read, () => FALLBACK);
}

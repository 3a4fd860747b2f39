"use client";

import { useEffect, useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY } from "./theme-script";

type Theme = "system" | "light" | "dark";
const OPTIONS: Array<{ value: Theme; label: string; title: string }> = [
  { value: "system", label: "Auto", title: "Follow the operating system" },
  { value: "light", label: "Light", title: "Light theme" },
  { value: "dark", label: "Dark", title: "Dark theme" },
];

const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
function stored(): Theme {
  try {
    const t = localStorage.getItem(THEME_STORAGE_KEY);
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}
const read = (): Theme => (document.documentElement.dataset.theme as Theme) || stored();

function apply(theme: Theme) {
  const dark = theme === "dark" || (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.dataset.theme = theme;
  listeners.forEach((l) => l());
}

/** Auto / Light / Dark. The inline script in the root layout applies the stored choice before paint. */
export function ThemeToggle() {
  // The server cannot know the choice; render "system" there and correct after hydration.
  const theme = useSyncExternalStore(subscribe, read, () => "system" as Theme);

  // When a server error forces React to render the whole document in the browser, the
  // <html> element is rebuilt without the class the head script set: put it back.
  useEffect(() => {
    if (document.documentElement.dataset.theme === undefined) apply(stored());
  }, []);

  useEffect(() => {
    if (theme !== "system") return;
    const mq = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => apply("system");
    mq.addEventListener("change", onChange);
    return () => mq.removeEventListener("change", onChange);
  }, [theme]);

  const choose = (value: Theme) => {
    try {
      if (value === "system") localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, value);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    apply(value);
  };

  return (
    <div role="group" aria-label="Theme" className="flex rounded border border-border bg-surface-2 p-0.5 text-xs">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          title={o.title}
          aria-pressed={theme === o.value}
          onClick={() => choose(o.value)}
          className={`flex-1 rounded px-2 py-1 font-medium ${theme === o.value ? "bg-accent text-accent-fg" : "text-muted hover:text-fg"}`}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

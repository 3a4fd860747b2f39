"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ThemeToggle } from "@/components/theme/theme-toggle";

type Item = { label: string; href?: string; hint?: string };

/** Sections in the order of an operator's day; the ones not built yet say so instead of leading to empty pages. */
const SECTIONS: Item[] = [
  { label: "Search", hint: "Fleet index queries" },
  { label: "Things", href: "/things" },
  { label: "Thing types", href: "/thing-types" },
  { label: "Groups", href: "/groups" },
  { label: "Jobs", hint: "Rollouts and blocklists" },
  { label: "Security", hint: "Defender audit" },
  { label: "Provisioning", hint: "Bulk uploads" },
  { label: "Telemetry", hint: "Dashboards" },
  { label: "Admin", hint: "Users and roles" },
];

export function Sidebar({ backendLabel }: { backendLabel: string }) {
  const pathname = usePathname();
  return (
    <aside className="sticky top-0 flex h-screen w-52 shrink-0 flex-col border-r border-border bg-surface">
      <div className="border-b border-border px-4 py-3">
        <Link href="/things" className="block text-base font-bold tracking-tight text-fg hover:no-underline">
          Fleet Console
        </Link>
        <p className="mt-0.5 truncate text-xs text-muted" title={backendLabel}>
          {backendLabel}
        </p>
      </div>
      <nav aria-label="Sections" className="flex-1 overflow-y-auto py-2">
        <ul>
          {SECTIONS.map((item) => {
            if (!item.href) {
              return (
                <li key={item.label}>
                  <span
                    aria-disabled="true"
                    title={`${item.label}: ${item.hint} — coming soon`}
                    className="flex cursor-not-allowed items-center justify-between px-4 py-1.5 text-muted/70"
                  >
                    <span>{item.label}</span>
                    <span className="rounded border border-border px-1 text-[10px] uppercase tracking-wide">coming</span>
                  </span>
                </li>
              );
            }
            const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
            return (
              <li key={item.label}>
                <Link
                  href={item.href}
                  aria-current={active ? "page" : undefined}
                  className={`block border-l-2 px-4 py-1.5 hover:no-underline ${
                    active ? "border-accent bg-surface-2 font-semibold text-fg" : "border-transparent text-fg hover:bg-surface-2"
                  }`}
                >
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="border-t border-border p-3">
        <ThemeToggle />
      </div>
    </aside>
  );
}

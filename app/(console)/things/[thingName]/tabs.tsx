import Link from "next/link";

/** Tabs of a thing page; the active one is in the URL (?tab=) so a link opens the same view. */
export const TAB_IDS = ["overview", "shadows", "jobs"] as const;
export type TabId = (typeof TAB_IDS)[number];

export const TABS: ReadonlyArray<{ id: TabId; label: string; ready: boolean }> = [
  { id: "overview", label: "Overview", ready: true },
  { id: "shadows", label: "Shadows", ready: true },
  { id: "jobs", label: "Jobs", ready: true },
];

export function ThingTabs({ thingName, active }: { thingName: string; active: TabId }) {
  const base = `/things/${encodeURIComponent(thingName)}`;
  return (
    <nav aria-label="Thing views" className="flex gap-1 border-b border-border">
      {TABS.map((t) =>
        t.ready ? (
          <Link
            key={t.id}
            href={t.id === "overview" ? base : `${base}?tab=${t.id}`}
            aria-current={t.id === active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-1.5 font-medium hover:no-underline ${
              t.id === active ? "border-accent text-fg" : "border-transparent text-muted hover:text-fg"
            }`}
          >
            {t.label}
          </Link>
        ) : (
          <span
            key={t.id}
            aria-disabled="true"
            title={`${t.label}: coming soon`}
            className="-mb-px flex cursor-not-allowed items-center gap-1.5 border-b-2 border-transparent px-3 py-1.5 text-muted/70"
          >
            {t.label}
            <span className="rounded border border-border px-1 text-[10px] uppercase tracking-wide">coming</span>
          </span>
        ),
      )}
    </nav>
  );
}

"use client";

import { parseAsString, useQueryState } from "nuqs";
import { useEffect, useMemo, useRef, useState, useTransition, type KeyboardEvent } from "react";
import { allParents, filterForest, pathTo, visibleNodes } from "@/lib/groups/tree";
import { treeKeyAction } from "@/lib/groups/tree-nav";
import type { GroupNode } from "@/lib/groups/types";

/**
 * The static group hierarchy as an ARIA tree with a roving tabindex: one Tab stop for
 * the whole tree, arrows to move, Right/Left to open and close, Enter to select. The
 * selected group is `?group=` in the URL, so the details pane is rendered on the server.
 */
export function GroupTree({ roots, selected }: { roots: GroupNode[]; selected: string | null }) {
  const [pending, startTransition] = useTransition();
  const [, setGroup] = useQueryState("group", parseAsString.withOptions({ shallow: false, history: "push", startTransition }));
  const [filter, setFilter] = useState("");
  const [expanded, setExpanded] = useState<Set<string>>(() => {
    // Open the path to the selected group, or the first level when nothing is selected.
    const path = selected ? pathTo(roots, selected) : null;
    return new Set(path ? path.slice(0, -1) : roots.length <= 12 ? roots.map((r) => r.name) : []);
  });

  const shownRoots = useMemo(() => filterForest(roots, filter), [roots, filter]);
  // While filtering, every match is shown in place, so everything is open.
  const effectiveExpanded = useMemo(() => (filter.trim() ? new Set(allParents(shownRoots)) : expanded), [filter, shownRoots, expanded]);
  const rows = useMemo(() => visibleNodes(shownRoots, effectiveExpanded), [shownRoots, effectiveExpanded]);

  const [focused, setFocused] = useState<string | null>(selected);
  const focusName = focused && rows.some((r) => r.name === focused) ? focused : (rows[0]?.name ?? null);
  const itemRefs = useRef(new Map<string, HTMLLIElement>());
  const moveFocus = useRef(false);

  useEffect(() => {
    if (moveFocus.current && focusName) itemRefs.current.get(focusName)?.focus();
    moveFocus.current = false;
  }, [focusName, rows]);

  // Bring the selected group into view on first render (deep trees scroll).
  useEffect(() => {
    if (selected) itemRefs.current.get(selected)?.scrollIntoView({ block: "nearest" });
  }, []);

  const toggle = (name: string, open?: boolean) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open ?? !next.has(name)) next.add(name);
      else next.delete(name);
      return next;
    });

  const select = (name: string) => {
    setFocused(name);
    if (name !== selected) void setGroup(name);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!focusName) return;
    const action = treeKeyAction(rows, focusName, e.key);
    if (action.type === "none") return;
    e.preventDefault();
    if (action.type === "focus") {
      moveFocus.current = true;
      setFocused(action.name);
    } else if (action.type === "expand" || action.type === "collapse") {
      if (!filter.trim()) toggle(action.name, action.type === "expand");
    } else if (action.type === "select") {
      select(action.name);
    }
  };

  return (
    <div className="flex h-full flex-col">
      <div className="flex items-center gap-2 border-b border-border p-2">
        <input
          type="search"
          className="input min-w-0 flex-1 text-sm"
          placeholder="Filter groups…"
          aria-label="Filter groups by name"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <button type="button" className="btn text-xs" onClick={() => setExpanded(new Set(allParents(roots)))} disabled={Boolean(filter.trim())}>
          Expand all
        </button>
        <button type="button" className="btn text-xs" onClick={() => setExpanded(new Set())} disabled={Boolean(filter.trim())}>
          Collapse
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="p-3 text-muted">{roots.length === 0 ? "No thing groups exist yet." : `No group name contains “${filter}”.`}</p>
      ) : (
        <ul role="tree" aria-label="Thing groups" aria-busy={pending} className="flex-1 overflow-auto py-1" onKeyDown={onKeyDown}>
          {rows.map((row) => {
            const isSelected = row.name === selected;
            return (
              <li
                key={row.name}
                ref={(el) => {
                  if (el) itemRefs.current.set(row.name, el);
                  else itemRefs.current.delete(row.name);
                }}
                role="treeitem"
                aria-label={row.name}
                aria-level={row.level}
                aria-setsize={row.setSize}
                aria-posinset={row.posInSet}
                aria-expanded={row.hasChildren ? row.expanded : undefined}
                aria-selected={isSelected}
                tabIndex={row.name === focusName ? 0 : -1}
                onFocus={() => setFocused(row.name)}
                onClick={() => select(row.name)}
                className={`flex cursor-pointer items-center gap-1 border-l-2 py-0.5 pr-2 font-mono text-[13px] outline-offset-[-2px] ${
                  isSelected ? "border-accent bg-accent/15 font-semibold text-fg" : "border-transparent hover:bg-surface-2"
                }`}
                style={{ paddingLeft: `${(row.level - 1) * 14 + 6}px` }}
              >
                {row.hasChildren ? (
                  <span
                    aria-hidden="true"
                    className="inline-flex size-4 shrink-0 items-center justify-center text-muted hover:text-fg"
                    onClick={(e) => {
                      e.stopPropagation();
                      if (!filter.trim()) toggle(row.name);
                    }}
                  >
                    <span className={`inline-block transition-transform ${row.expanded ? "rotate-90" : ""}`}>▸</span>
                  </span>
                ) : (
                  <span aria-hidden="true" className="inline-block size-4 shrink-0" />
                )}
                <span className="truncate">{row.name}</span>
                {row.hasChildren ? (
                  <span className="ml-auto pl-2 text-xs font-normal text-muted" title={`${row.childCount} sub-groups`}>
                    {row.childCount}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

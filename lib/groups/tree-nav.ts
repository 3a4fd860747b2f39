import type { VisibleNode } from "./tree";

/**
 * Keyboard behaviour of the group tree, after the WAI-ARIA tree view pattern:
 * Up/Down move between visible rows, Right opens a closed group or moves into an open
 * one, Left closes an open group or moves to the parent, Home/End jump to the ends,
 * Enter/Space select. Pure, so it can be tested without a browser.
 */
export type TreeAction =
  { type: "focus"; name: string } | { type: "expand"; name: string } | { type: "collapse"; name: string } | { type: "select"; name: string } | { type: "none" };

export function treeKeyAction(rows: readonly VisibleNode[], focused: string, key: string): TreeAction {
  if (rows.length === 0) return { type: "none" };
  const i = rows.findIndex((r) => r.name === focused);
  if (i < 0) return { type: "focus", name: rows[0].name };
  const row = rows[i];

  switch (key) {
    case "ArrowDown":
      return i + 1 < rows.length ? { type: "focus", name: rows[i + 1].name } : { type: "none" };
    case "ArrowUp":
      return i > 0 ? { type: "focus", name: rows[i - 1].name } : { type: "none" };
    case "Home":
      return { type: "focus", name: rows[0].name };
    case "End":
      return { type: "focus", name: rows[rows.length - 1].name };
    case "ArrowRight":
      if (!row.hasChildren) return { type: "none" };
      if (!row.expanded) return { type: "expand", name: row.name };
      return { type: "focus", name: rows[i + 1].name };
    case "ArrowLeft":
      if (row.hasChildren && row.expanded) return { type: "collapse", name: row.name };
      return row.parent ? { type: "focus", name: row.parent } : { type: "none" };
    case "Enter":
    case " ":
      return { type: "select", name: row.name };
    default:
      return { type: "none" };
  }
}

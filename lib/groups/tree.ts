import type { GroupNode } from "./types";

/**
 * Builds the static group hierarchy from what AWS can tell us: the list of all groups
 * and, per group, its direct children (ListThingGroups(parentGroup)). Groups that are
 * nobody's child are roots. Defensive against data AWS should never produce (a child
 * listed under two parents, a cycle, a child missing from the full list) because a
 * list that changes while it is being read can look like that.
 */
export function buildGroupForest(allGroups: readonly string[], childrenOf: ReadonlyMap<string, readonly string[]>): GroupNode[] {
  const names = new Set(allGroups);
  for (const kids of childrenOf.values()) for (const k of kids) names.add(k);

  const parentOf = new Map<string, string>();
  for (const [parent, kids] of [...childrenOf.entries()].sort(([a], [b]) => compareNames(a, b))) {
    for (const kid of kids) if (kid !== parent && !parentOf.has(kid)) parentOf.set(kid, parent);
  }

  const placed = new Set<string>();
  const build = (name: string, ancestors: Set<string>): GroupNode => {
    placed.add(name);
    const kids = [...new Set(childrenOf.get(name) ?? [])].filter((k) => parentOf.get(k) === name && !ancestors.has(k) && !placed.has(k)).sort(compareNames);
    const next = new Set(ancestors).add(name);
    return { name, children: kids.map((k) => build(k, next)) };
  };

  const roots = [...names].filter((n) => !parentOf.has(n) || !names.has(parentOf.get(n)!)).sort(compareNames);
  const forest = roots.map((r) => build(r, new Set()));
  // Members of a cycle have a parent each and so are nobody's root: hang them at the top.
  for (const n of [...names].sort(compareNames)) if (!placed.has(n)) forest.push(build(n, new Set()));
  return forest;
}

export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
}

export function countNodes(roots: readonly GroupNode[]): number {
  let n = 0;
  const visit = (node: GroupNode) => {
    n++;
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return n;
}

/** The names from a root down to `name` (inclusive), or null when it is not in the tree. */
export function pathTo(roots: readonly GroupNode[], name: string): string[] | null {
  const stack: string[] = [];
  const visit = (node: GroupNode): boolean => {
    stack.push(node.name);
    if (node.name === name) return true;
    for (const c of node.children) if (visit(c)) return true;
    stack.pop();
    return false;
  };
  for (const r of roots) if (visit(r)) return stack;
  return null;
}

/** One row of the tree as displayed, for rendering and keyboard navigation. */
export interface VisibleNode {
  name: string;
  level: number;
  parent: string | null;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its siblings, and the number of siblings (aria-posinset / aria-setsize). */
  posInSet: number;
  setSize: number;
  childCount: number;
}

/** The rows that are visible given the set of expanded groups, in display order. */
export function visibleNodes(roots: readonly GroupNode[], expanded: ReadonlySet<string>): VisibleNode[] {
  const out: VisibleNode[] = [];
  const visit = (siblings: readonly GroupNode[], level: number, parent: string | null) => {
    siblings.forEach((node, i) => {
      const isOpen = node.children.length > 0 && expanded.has(node.name);
      out.push({
        name: node.name,
        level,
        parent,
        hasChildren: node.children.length > 0,
        expanded: isOpen,
        posInSet: i + 1,
        setSize: siblings.length,
        childCount: node.children.length,
      });
      if (isOpen) visit(node.children, level + 1, node.name);
    });
  };
  visit(roots, 1, null);
  return out;
}

/**
 * The forest pruned to groups whose name contains `query` (case-insensitive), keeping
 * their ancestors so each match is still shown in its place, and the whole subtree
 * under a matching group.
 */
export function filterForest(roots: readonly GroupNode[], query: string): GroupNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...roots];
  const prune = (node: GroupNode): GroupNode | null => {
    if (node.name.toLowerCase().includes(q)) return node;
    const kids = node.children.map(prune).filter((n): n is GroupNode => n !== null);
    return kids.length ? { name: node.name, children: kids } : null;
  };
  return roots.map(prune).filter((n): n is GroupNode => n !== null);
}

/** Every group that has children: "expand all". */
export function allParents(roots: readonly GroupNode[]): string[] {
  const out: string[] = [];
  const visit = (n: GroupNode) => {
    if (n.children.length) out.push(n.name);
    n.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

import { describe, expect, it } from "vitest";
import { allParents, buildGroupForest, countNodes, filterForest, pathTo, visibleNodes } from "./tree";
import type { GroupNode } from "./types";

const names = (nodes: GroupNode[]): unknown => nodes.map((n) => (n.children.length ? { [n.name]: names(n.children) } : n.name));

describe("buildGroupForest", () => {
  it("builds customer → site → role from the flat list and the per-parent child lists", () => {
    const all = ["acme", "globex", "acme-paris", "acme-lyon", "acme-paris-servers", "acme-paris-laptops", "globex-berlin"];
    const children = new Map<string, string[]>([
      ["acme", ["acme-paris", "acme-lyon"]],
      ["acme-paris", ["acme-paris-servers", "acme-paris-laptops"]],
      ["globex", ["globex-berlin"]],
    ]);
    const forest = buildGroupForest(all, children);
    expect(names(forest)).toEqual([{ acme: ["acme-lyon", { "acme-paris": ["acme-paris-laptops", "acme-paris-servers"] }] }, { globex: ["globex-berlin"] }]);
    expect(countNodes(forest)).toBe(all.length);
  });

  it("sorts names naturally (site-2 before site-10)", () => {
    const forest = buildGroupForest(["site-10", "site-2", "site-1"], new Map());
    expect(forest.map((n) => n.name)).toEqual(["site-1", "site-2", "site-10"]);
  });

  it("places every group exactly once even when the data is inconsistent", () => {
    // b claimed by two parents, a cycle x↔y, a child missing from the flat list.
    const children = new Map<string, string[]>([
      ["a", ["b", "ghost"]],
      ["c", ["b"]],
      ["x", ["y"]],
      ["y", ["x"]],
    ]);
    const forest = buildGroupForest(["a", "b", "c", "x", "y"], children);
    const seen: string[] = [];
    const visit = (n: GroupNode) => {
      seen.push(n.name);
      n.children.forEach(visit);
    };
    forest.forEach(visit);
    expect(seen.sort()).toEqual(["a", "b", "c", "ghost", "x", "y"]);
    expect(pathTo(forest, "b")).toEqual(["a", "b"]);
  });
});

describe("pathTo / visibleNodes", () => {
  const forest = buildGroupForest(
    ["r", "s1", "s2", "leaf"],
    new Map([
      ["r", ["s1", "s2"]],
      ["s1", ["leaf"]],
    ]),
  );

  it("finds the path from the root", () => {
    expect(pathTo(forest, "leaf")).toEqual(["r", "s1", "leaf"]);
    expect(pathTo(forest, "nope")).toBeNull();
  });

  it("lists only rows under expanded groups, with levels and sibling positions", () => {
    expect(visibleNodes(forest, new Set()).map((v) => v.name)).toEqual(["r"]);
    const rows = visibleNodes(forest, new Set(["r", "s1"]));
    expect(rows.map((v) => [v.name, v.level, v.parent, v.posInSet, v.setSize, v.expanded])).toEqual([
      ["r", 1, null, 1, 1, true],
      ["s1", 2, "r", 1, 2, true],
      ["leaf", 3, "s1", 1, 1, false],
      ["s2", 2, "r", 2, 2, false],
    ]);
  });
});

describe("filterForest / allParents", () => {
  const forest = buildGroupForest(
    ["acme", "acme-paris", "acme-paris-servers", "acme-lyon", "globex", "globex-berlin-servers"],
    new Map([
      ["acme", ["acme-paris", "acme-lyon"]],
      ["acme-paris", ["acme-paris-servers"]],
      ["globex", ["globex-berlin-servers"]],
    ]),
  );

  it("keeps matches with their ancestors, case-insensitively", () => {
    expect(names(filterForest(forest, "SERVERS"))).toEqual([{ acme: [{ "acme-paris": ["acme-paris-servers"] }] }, { globex: ["globex-berlin-servers"] }]);
  });

  it("keeps the whole subtree of a matching group", () => {
    expect(names(filterForest(forest, "paris"))).toEqual([{ acme: [{ "acme-paris": ["acme-paris-servers"] }] }]);
  });

  it("returns everything for an empty query and nothing for no match", () => {
    expect(filterForest(forest, "  ")).toEqual(forest);
    expect(filterForest(forest, "zzz")).toEqual([]);
  });

  it("lists the groups that have children", () => {
    expect(allParents(forest).sort()).toEqual(["acme", "acme-paris", "globex"]);
  });
});

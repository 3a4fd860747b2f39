import { describe, expect, it } from "vitest";
import { buildGroupForest, visibleNodes } from "./tree";
import { treeKeyAction } from "./tree-nav";

const forest = buildGroupForest(
  ["acme", "globex", "paris", "lyon", "servers"],
  new Map([
    ["acme", ["paris", "lyon"]],
    ["paris", ["servers"]],
  ]),
);
// acme (open) > lyon, paris (closed); globex
const rows = visibleNodes(forest, new Set(["acme"]));

describe("treeKeyAction", () => {
  it("moves up and down through visible rows and stops at the ends", () => {
    expect(treeKeyAction(rows, "acme", "ArrowDown")).toEqual({ type: "focus", name: "lyon" });
    expect(treeKeyAction(rows, "paris", "ArrowDown")).toEqual({ type: "focus", name: "globex" });
    expect(treeKeyAction(rows, "globex", "ArrowDown")).toEqual({ type: "none" });
    expect(treeKeyAction(rows, "acme", "ArrowUp")).toEqual({ type: "none" });
    expect(treeKeyAction(rows, "globex", "Home")).toEqual({ type: "focus", name: "acme" });
    expect(treeKeyAction(rows, "acme", "End")).toEqual({ type: "focus", name: "globex" });
  });

  it("Right opens a closed group, then moves into it; does nothing on a leaf", () => {
    expect(treeKeyAction(rows, "paris", "ArrowRight")).toEqual({ type: "expand", name: "paris" });
    expect(treeKeyAction(rows, "acme", "ArrowRight")).toEqual({ type: "focus", name: "lyon" });
    expect(treeKeyAction(rows, "lyon", "ArrowRight")).toEqual({ type: "none" });
  });

  it("Left closes an open group, else moves to the parent", () => {
    expect(treeKeyAction(rows, "acme", "ArrowLeft")).toEqual({ type: "collapse", name: "acme" });
    expect(treeKeyAction(rows, "paris", "ArrowLeft")).toEqual({ type: "focus", name: "acme" });
    expect(treeKeyAction(rows, "globex", "ArrowLeft")).toEqual({ type: "none" });
  });

  it("Enter and Space select; an unknown focus recovers to the first row", () => {
    expect(treeKeyAction(rows, "lyon", "Enter")).toEqual({ type: "select", name: "lyon" });
    expect(treeKeyAction(rows, "lyon", " ")).toEqual({ type: "select", name: "lyon" });
    expect(treeKeyAction(rows, "gone", "ArrowDown")).toEqual({ type: "focus", name: "acme" });
    expect(treeKeyAction([], "x", "ArrowDown")).toEqual({ type: "none" });
  });
});

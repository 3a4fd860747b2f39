import { describe, expect, it } from "vitest";
import { documentChanges, patchPaths, reapplyEdit } from "./conflict";
import { checkDesiredEdit, diffDesired } from "./edit";

describe("documentChanges (what changed in between)", () => {
  it("lists leaf changes of desired, then reported", () => {
    const base = { desired: { policy: { mode: "prevent" }, blocklist: { version: 1041 } }, reported: { blocklist: { version: 1037 } } };
    const current = { desired: { policy: { mode: "detect" }, config: { x: 1 } }, reported: { blocklist: { version: 1041 } } };
    expect(documentChanges(base, current)).toEqual([
      { section: "desired", path: ["policy", "mode"], kind: "change", before: "prevent", after: "detect" },
      { section: "desired", path: ["blocklist", "version"], kind: "remove", before: 1041 },
      { section: "desired", path: ["config", "x"], kind: "add", after: 1 },
      { section: "reported", path: ["blocklist", "version"], kind: "change", before: 1037, after: 1041 },
    ]);
  });

  it("handles a shadow created or deleted meanwhile", () => {
    expect(documentChanges(null, { desired: { a: 1 }, reported: null })).toEqual([{ section: "desired", path: ["a"], kind: "add", after: 1 }]);
    expect(documentChanges({ desired: null, reported: { a: 1 } }, null)).toEqual([{ section: "reported", path: ["a"], kind: "remove", before: 1 }]);
  });

  it("compares arrays whole", () => {
    expect(documentChanges({ desired: { t: [1, 2] }, reported: null }, { desired: { t: [1, 2] }, reported: null })).toEqual([]);
    expect(documentChanges({ desired: { t: [1, 2] }, reported: null }, { desired: { t: [2, 1] }, reported: null })).toHaveLength(1);
  });
});

describe("reapplyEdit", () => {
  // The operator started from version 5 and set policy.mode = prevent, removed old.
  const base = { desired: { policy: { mode: "detect", scan: 60 }, old: true, keep: 1 }, reported: null };
  const typed = { policy: { mode: "prevent", scan: 60 }, keep: 1 };
  const patch = diffDesired(base.desired, typed);

  it("applies the operator's changes on top of the latest desired state, keeping what others set", () => {
    const latest = { desired: { policy: { mode: "detect", scan: 240 }, old: true, keep: 1, added: "by someone" }, reported: null };
    const between = documentChanges(base, latest);
    const r = reapplyEdit(patch, latest, between);
    expect(r.desired).toEqual({ policy: { mode: "prevent", scan: 240 }, keep: 1, added: "by someone" });
    expect(r.changes.map((c) => [c.path.join("."), c.kind])).toEqual([
      ["policy.mode", "change"],
      ["old", "remove"],
    ]);
    expect(r.overlaps).toEqual([]);
    // The rebased text, checked against the latest version, sends exactly the operator's edit.
    expect(checkDesiredEdit(JSON.stringify(r.desired), latest).patch).toEqual(patch);
  });

  it("flags keys both the operator and the other change touched", () => {
    const latest = { desired: { policy: { mode: "monitor", scan: 60 }, old: true, keep: 1 }, reported: null };
    const r = reapplyEdit(patch, latest, documentChanges(base, latest));
    expect(r.overlaps).toEqual([["policy", "mode"]]);
    expect(r.desired.policy).toEqual({ mode: "prevent", scan: 60 });
  });

  it("drops changes that no longer change anything", () => {
    const latest = { desired: { policy: { mode: "prevent", scan: 60 }, keep: 1 }, reported: null };
    const r = reapplyEdit(patch, latest, documentChanges(base, latest));
    expect(r.changes).toEqual([]);
    expect(r.overlaps).toEqual([["policy", "mode"], ["old"]]);
  });

  it("works when the shadow was deleted meanwhile", () => {
    const r = reapplyEdit(patch, null, documentChanges(base, null));
    expect(r.desired).toEqual({ policy: { mode: "prevent" } });
  });
});

describe("patchPaths", () => {
  it("lists written and removed leaves", () => {
    expect(patchPaths({ a: { b: 1, c: null }, d: [1] })).toEqual([["a", "b"], ["a", "c"], ["d"]]);
  });
});

import { describe, expect, it } from "vitest";
import { checkDesiredEdit } from "./edit";
import { desiredChangesSince, followLive, isBehind, reapply, removeKey, startEdit, withConflict } from "./session";
import type { ShadowDocument } from "./types";

const doc = (version: number, desired: ShadowDocument["desired"], reported: ShadowDocument["reported"] = null): ShadowDocument => ({
  thingName: "t",
  shadowName: null,
  desired,
  reported,
  delta: null,
  metadata: { desired: null, reported: null },
  version,
  timestampMs: 0,
});

describe("an edit session", () => {
  const v5 = doc(5, { policy: { mode: "detect" } }, { health: { cpu: 1 } });

  it("starts from the current desired state, pretty-printed", () => {
    const s = startEdit(v5);
    expect(JSON.parse(s.text)).toEqual({ policy: { mode: "detect" } });
    expect(s.text).toContain("\n");
    expect(startEdit(null).text).toBe("{}");
  });

  it("moves to a newer version by itself when only reported changed", () => {
    const s = { ...startEdit(v5), text: '{"policy":{"mode":"prevent"}}' };
    const v6 = doc(6, { policy: { mode: "detect" } }, { health: { cpu: 7 } });
    const next = followLive(s, v6);
    expect(next.base).toBe(v6);
    expect(next.text).toBe(s.text);
    expect(next.note).toMatch(/version 6.*desired state is unchanged/);
    expect(followLive(next, v6)).toBe(next);
  });

  it("stays on its version when desired changed meanwhile, and says what changed", () => {
    const s = startEdit(v5);
    const v7 = doc(7, { policy: { mode: "monitor" } }, v5.reported);
    expect(followLive(s, v7)).toBe(s);
    expect(isBehind(s, v7)).toBe(true);
    expect(desiredChangesSince(s, v7)).toEqual([{ section: "desired", path: ["policy", "mode"], kind: "change", before: "detect", after: "monitor" }]);
  });

  it("on a conflict, re-applies the operator's edit on the latest version and keeps their text", () => {
    const typed = '{ "policy": { "mode": "prevent" }, "extra": 1 }';
    const s = { ...startEdit(v5), text: typed };
    const v7 = doc(7, { policy: { mode: "monitor" }, other: true }, v5.reported);
    const c = withConflict(s, v7, "refused");
    expect(c.conflict?.inBetween.map((x) => x.path.join("."))).toEqual(["policy.mode", "other"]);
    expect(c.conflict?.patch).toEqual({ policy: { mode: "prevent" }, extra: 1 });

    const r = reapply(c)!;
    expect(r.base).toBe(v7);
    expect(JSON.parse(r.text)).toEqual({ policy: { mode: "prevent" }, other: true, extra: 1 });
    expect(r.typedBeforeReapply).toBe(typed);
    expect(r.overlaps).toEqual([["policy", "mode"]]);
    expect(r.conflict).toBeNull();
    // Sent now, it carries version 7 and exactly the operator's changes.
    expect(checkDesiredEdit(r.text, { desired: r.base!.desired, reported: r.base!.reported }).patch).toEqual({ policy: { mode: "prevent" }, extra: 1 });
  });

  it("cannot re-apply text that does not parse", () => {
    const c = withConflict({ ...startEdit(v5), text: "{ nope" }, doc(6, null), "seen");
    expect(c.conflict?.patch).toBeNull();
    expect(reapply(c)).toBeNull();
  });

  it("removes a key by setting it to null in the text", () => {
    const s = removeKey(startEdit(v5), ["policy", "mode"])!;
    expect(JSON.parse(s.text)).toEqual({ policy: { mode: null } });
    expect(checkDesiredEdit(s.text, { desired: v5.desired, reported: v5.reported }).patch).toEqual({ policy: { mode: null } });
    expect(removeKey({ ...s, text: "{" }, ["a"])).toBeNull();
  });
});

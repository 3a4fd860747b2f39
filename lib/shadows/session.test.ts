import { describe, expect, it } from "vitest";
import { checkDesiredEdit } from "./edit";
import { desiredChangesSince, editText, followLive, isBehind, mustReviewBeforeSending, patchOf, reapply, removeKey, startEdit, withConflict } from "./session";
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

  it("cannot re-apply text nested thousands of levels deep (and does not walk it)", () => {
    const text = `{"a":${"[".repeat(50_000)}1${"]".repeat(50_000)}}`;
    const c = withConflict({ ...startEdit(v5), text }, doc(6, null), "seen");
    expect(c.conflict?.patch).toBeNull();
    expect(reapply(c)).toBeNull();
    expect(patchOf({ text, base: v5 })).toBeNull();
    expect(editText(c, text).conflict?.patch).toBeNull();
    expect(removeKey(c, ["a"])).toBeNull();
  });

  it("re-applies an edit of a key named __proto__ on a conflict", () => {
    const base = doc(5, JSON.parse('{"__proto__":{"mode":"detect"},"a":1}'));
    const latest = doc(6, JSON.parse('{"__proto__":{"mode":"detect"},"a":2}'));
    const s = { ...startEdit(base), text: '{"__proto__":{"mode":"prevent"},"a":1}' };
    const c = withConflict(s, latest, "refused");
    expect(c.conflict!.inBetween.map((x) => x.path)).toEqual([["a"]]);
    expect(JSON.stringify(c.conflict!.patch)).toBe('{"__proto__":{"mode":"prevent"}}');
    const r = reapply(c)!;
    expect(JSON.parse(r.text)).toEqual(JSON.parse('{"__proto__":{"mode":"prevent"},"a":2}'));
    expect(Object.keys(JSON.parse(r.text))).toEqual(["__proto__", "a"]);
  });

  it("removes a key by setting it to null in the text", () => {
    const s = removeKey(startEdit(v5), ["policy", "mode"])!;
    expect(JSON.parse(s.text)).toEqual({ policy: { mode: null } });
    expect(checkDesiredEdit(s.text, { desired: v5.desired, reported: v5.reported }).patch).toEqual({ policy: { mode: null } });
    expect(removeKey({ ...s, text: "{" }, ["a"])).toBeNull();
  });

  it("re-applies the text as it is at re-apply time, not as it was when the conflict was raised", () => {
    const s = { ...startEdit(v5), text: '{"policy":{"mode":"prevent"}}' };
    const v7 = doc(7, { policy: { mode: "monitor" }, other: true }, v5.reported);
    const c = withConflict(s, v7, "refused");
    // The editor stays editable during the conflict: the operator keeps typing.
    const typed = '{"policy":{"mode":"prevent"},"logLevel":"debug"}';
    const later = editText(c, typed);
    expect(later.conflict?.patch).toEqual({ policy: { mode: "prevent" }, logLevel: "debug" });
    // Even with a conflict whose patch was captured earlier (the text changed some other way).
    const stale = { ...c, text: typed };
    for (const session of [later, stale]) {
      const r = reapply(session)!;
      expect(JSON.parse(r.text)).toEqual({ policy: { mode: "prevent" }, other: true, logLevel: "debug" });
      expect(r.typedBeforeReapply).toBe(typed);
    }
    // Typing something that does not parse: nothing to re-apply until it is fixed.
    expect(editText(c, "{ nope").conflict?.patch).toBeNull();
    expect(reapply(editText(c, "{ nope"))).toBeNull();
  });

  it("keeps the operator's changes when the text parses but breaks one of AWS's limits", () => {
    const v7 = doc(7, { policy: { mode: "monitor" } }, v5.reported);
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    const cases = [
      { text: '{"policy":{"mode":"detect"},"list":[1,null]}', mine: { list: [1, null] } },
      { text: JSON.stringify({ policy: { mode: "detect" }, ...deep }), mine: deep },
      { text: JSON.stringify({ policy: { mode: "detect" }, blob: "x".repeat(9000) }), mine: { blob: "x".repeat(9000) } },
    ];
    for (const { text, mine } of cases) {
      const s = { ...startEdit(v5), text };
      expect(checkDesiredEdit(text, { desired: v5.desired, reported: v5.reported }).ok).toBe(false);
      expect(patchOf(s)).toEqual(mine);
      const c = withConflict(s, v7, "seen");
      expect(c.conflict?.patch).toEqual(mine);
      const r = reapply(c)!;
      // The latest desired state with the operator's edit, not the latest state alone.
      expect(JSON.parse(r.text)).toEqual({ policy: { mode: "monitor" }, ...mine });
    }
  });

  it("treats a shadow deleted while editing as a conflict, not as something to send", () => {
    const s = { ...startEdit(v5), text: '{"policy":{"mode":"prevent"}}' };
    expect(isBehind(s, null)).toBe(true);
    expect(mustReviewBeforeSending(s, null)).toBe("deleted");
    const c = followLive(s, null);
    expect(c.conflict).toMatchObject({ current: null, source: "seen", patch: { policy: { mode: "prevent" } } });
    expect(c.conflict?.inBetween.map((x) => `${x.section}:${x.kind}:${x.path.join(".")}`)).toEqual([
      "desired:remove:policy.mode",
      "reported:remove:health.cpu",
    ]);
    expect(c.text).toBe(s.text);
    expect(mustReviewBeforeSending(c, null)).toBeNull(); // the conflict panel takes over
    expect(followLive(c, null)).toBe(c);
    // Re-applying is the explicit choice to create it again, with the operator's changes.
    const r = reapply(c)!;
    expect(r.base).toBeNull();
    expect(JSON.parse(r.text)).toEqual({ policy: { mode: "prevent" } });
    expect(r.note).toMatch(/deleted/);
    expect(isBehind(r, null)).toBe(false);
    // Creating a shadow that still does not exist is not behind.
    expect(isBehind(startEdit(null), null)).toBe(false);
    expect(mustReviewBeforeSending(startEdit(null), null)).toBeNull();
  });

  it("creating a shadow: someone else created it with desired state meanwhile, so the edit is reviewed first", () => {
    const s = { ...startEdit(null), text: '{"logLevel":"debug"}' };
    const created = doc(1, { logLevel: "info", mode: "x" });
    expect(isBehind(s, created)).toBe(true);
    expect(followLive(s, created)).toBe(s);
    expect(mustReviewBeforeSending(s, created)).toBe("created");
    const c = withConflict(s, created, "seen");
    expect(mustReviewBeforeSending(c, created)).toBeNull();
    const r = reapply(c)!;
    expect(r.base).toBe(created);
    expect(JSON.parse(r.text)).toEqual({ logLevel: "debug", mode: "x" });
    expect(r.overlaps).toEqual([["logLevel"]]);
    expect(mustReviewBeforeSending(r, created)).toBeNull();
  });

  it("creating a shadow: created meanwhile without desired state, the edit moves onto it and sends a version", () => {
    const s = { ...startEdit(null), text: '{"logLevel":"debug"}' };
    const reportedOnly = doc(1, null, { up: true });
    expect(mustReviewBeforeSending(s, reportedOnly)).toBeNull();
    const next = followLive(s, reportedOnly);
    expect(next.base).toBe(reportedOnly);
    expect(next.text).toBe(s.text);
    expect(next.note).toMatch(/created meanwhile/);
  });
});

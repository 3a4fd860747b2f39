import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyUpdate, getDocument } from "../../emulator/services/iotdata/shadow-document";
import { planReport, mergeState as simMerge, agentBehaviour } from "../../simulator/shadow-apply";
import { compareSections } from "../shadows/compare";
import { shadowPending } from "../shadow-drift/pending";

/**
 * Every caller of the shadow rules gives the same answer on generated desired/reported
 * pairs. The expectation comes from the reference below, written from the developer
 * guide's definition, not from lib/shadow-document.
 */

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === "object" && v !== null && !Array.isArray(v);
const canon = (v: unknown): string =>
  isObj(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
        .join(",")}}`
    : Array.isArray(v)
      ? `[${v.map(canon).join(",")}]`
      : JSON.stringify(v);

/** Every path of a value (objects walked), with the value there. */
function nodes(v: unknown, path: string[] = []): Array<{ path: string[]; value: unknown }> {
  if (!isObj(v)) return [];
  return Object.keys(v).flatMap((k) => [{ path: [...path, k], value: v[k] }, ...nodes(v[k], [...path, k])]);
}
const at = (v: unknown, path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) && Object.hasOwn(o, k) ? o[k] : undefined), v);

/**
 * The reference delta: a desired path is in it when every level above it is an object on
 * both sides, and there the two sides are not both objects and differ (reported absent
 * counts as different). Its paths, as dotted strings.
 */
function referenceDeltaPaths(desired: J, reported: J): string[] {
  return nodes(desired)
    .filter(({ path, value }) => {
      for (let i = 1; i < path.length; i++) if (!isObj(at(desired, path.slice(0, i))) || !isObj(at(reported, path.slice(0, i)))) return false;
      const r = at(reported, path);
      if (isObj(value) && isObj(r)) return false;
      return r === undefined || canon(r) !== canon(value);
    })
    .map(({ path }) => path.join("."));
}
/** The leaf paths of a delta as the drift view names them. */
const leafPaths = (delta: unknown): string[] =>
  nodes(delta)
    .filter(({ value }) => !isObj(value) || Object.keys(value).length === 0)
    .map(({ path }) => path.join("."));
/** The reference delta's leaves: the delta paths, and below an object-valued one its leaves. */
function referenceLeaves(desired: J, reported: J): string[] {
  return referenceDeltaPaths(desired, reported).flatMap((p) => {
    const v = at(desired, p.split("."));
    return isObj(v) && Object.keys(v).length > 0 ? leafPaths(v).map((l) => `${p}.${l}`) : [p];
  });
}

const key = fc.constantFrom("a", "b", "c", "mode");
const scalar = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("x", "y"), fc.boolean());
const { doc } = fc.letrec<{ doc: J; value: unknown }>((tie) => ({
  doc: fc.dictionary(key, tie("value"), { maxKeys: 3 }) as fc.Arbitrary<J>,
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(scalar, { maxLength: 2 }), tie("doc")),
}));
const pairs = fc.tuple(doc, doc);
const sorted = (xs: string[]) => [...new Set(xs)].sort();

/**
 * Updates: like documents, with `null` (remove the key) at any level but inside arrays
 * (AWS rejects those); a whole section may be `null` (cleared).
 */
const { patch } = fc.letrec<{ patch: J; value: unknown }>((tie) => ({
  patch: fc.dictionary(key, tie("value"), { maxKeys: 3 }) as fc.Arbitrary<J>,
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant(null), scalar, fc.array(scalar, { maxLength: 2 }), tie("patch")),
}));
const sectionPatch = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: patch });

/**
 * The reference merge, from the developer guide's update rules as lib/shadow-document
 * documents them: `null` removes a key, objects merge key by key, any other value replaces
 * what was there; `{}` is stored where there was no object and changes nothing in an
 * object; an object that the update's nulls leave without keys is removed.
 */
function referenceMerge(stored: J, update: J | null): J {
  if (update === null) return {};
  const out: J = { ...stored };
  for (const k of Object.keys(update)) {
    const v = update[k];
    if (v === null) delete out[k];
    else if (isObj(v) && Object.keys(v).length === 0) {
      if (!isObj(out[k])) out[k] = {};
    } else if (isObj(v)) {
      const merged = referenceMerge(isObj(out[k]) ? (out[k] as J) : {}, v);
      if (Object.keys(merged).length === 0) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

/** Documents, then an update of each section (nulls included), through the emulator; and what the reference expects. */
const updated = fc.tuple(doc, doc, sectionPatch, sectionPatch).map(([d0, r0, dp, rp]) => {
  let s = applyUpdate(undefined, 0, { state: { desired: d0 } }, 1);
  s = applyUpdate(s, 1, { state: { reported: r0 } }, 2);
  s = applyUpdate(s, 2, { state: { desired: dp } }, 3);
  s = applyUpdate(s, 3, { state: { reported: rp } }, 4);
  return { stored: s, r0, rp, desired: referenceMerge(d0, dp), reported: referenceMerge(r0, rp) };
});

describe("one answer for desired vs reported", () => {
  it("the emulator stores both as written and its delta has the reference's paths", () => {
    fc.assert(
      fc.property(pairs, ([desired, reported]) => {
        const s1 = applyUpdate(undefined, 0, { state: { desired } }, 1);
        const s2 = applyUpdate(s1, 1, { state: { reported } }, 2);
        expect(canon(s2.state.desired ?? {})).toBe(canon(desired));
        expect(canon(s2.state.reported ?? {})).toBe(canon(reported));
        const delta = (getDocument(s2, 3).state as J).delta;
        expect(sorted(leafPaths(delta))).toEqual(sorted(referenceLeaves(desired, reported)));
      }),
    );
  });

  it("the emulator applies updates with nulls as the reference merges them, and its delta follows", () => {
    fc.assert(
      fc.property(updated, ({ stored, desired, reported }) => {
        expect(canon(stored.state.desired ?? {})).toBe(canon(desired));
        expect(canon(stored.state.reported ?? {})).toBe(canon(reported));
        const delta = (getDocument(stored, 5).state as J).delta;
        expect(sorted(leafPaths(delta))).toEqual(sorted(referenceLeaves(desired, reported)));
      }),
    );
  });

  it("the simulator merges its reports (nulls included) as the reference does", () => {
    fc.assert(
      fc.property(updated, ({ r0, rp }) => {
        if (rp === null) return; // the agent never clears a whole section
        expect(canon(simMerge(r0, rp))).toBe(canon(referenceMerge(r0, rp)));
      }),
    );
  });

  it("the drift view's pending keys are the reference's delta leaves", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          pairs,
          updated.map((u): [J, J] => [u.desired, u.reported]),
        ),
        ([desired, reported]) => {
          const keys = shadowPending("classic", { desired, reported }).keys.map((k) => k.path);
          expect(sorted(keys)).toEqual(sorted(referenceLeaves(desired, reported)));
        },
      ),
    );
  });

  it("the console's comparison flags exactly the reference's delta paths (pending or type mismatch)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          pairs,
          updated.map((u): [J, J] => [u.desired, u.reported]),
        ),
        ([desired, reported]) => {
          const open = compareSections(desired as never, reported as never).rows.filter((r) => r.status === "pending" || r.status === "type_mismatch");
          const want = referenceDeltaPaths(desired, reported).map((p) => {
            // Where desired holds an object the device lacks, the comparison lists its leaves.
            const v = at(desired, p.split("."));
            return at(reported, p.split(".")) === undefined && isObj(v) && Object.keys(v).length > 0 ? leafPaths(v).map((l) => `${p}.${l}`) : [p];
          });
          expect(sorted(open.map((r) => r.path.join(".")))).toEqual(sorted(want.flat()));
        },
      ),
    );
  });

  it("the simulator applies the reference's delta leaves, after which nothing is outstanding", () => {
    const normal = agentBehaviour(1, 0, { lagPercent: 0, failPercent: 0, ignorePercent: 0 });
    fc.assert(
      fc.property(pairs, ([desired, reported]) => {
        const delta = (getDocument(applyUpdate(applyUpdate(undefined, 0, { state: { desired } }, 1), 1, { state: { reported } }, 2), 3).state as J).delta as
          J | undefined;
        const plan = planReport({ delta, reported, behaviour: normal, shadow: "config", nowSeconds: 0 });
        expect(sorted(plan.applied)).toEqual(sorted(referenceLeaves(desired, reported)));
        const after = plan.report ? simMerge(reported, plan.report) : reported;
        expect(referenceDeltaPaths(desired, after)).toEqual([]);
      }),
    );
  });
});

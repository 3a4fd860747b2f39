import { applyPatch, describePatch, type Change } from "./edit";
import { deepEqual, isObject, pathsOverlap } from "./json";
import type { JsonObject, JsonValue, ShadowDocument } from "./types";

/**
 * A version conflict: the shadow changed between the version an operator started editing
 * and their update. What changed in between is shown (desired and reported, leaf by
 * leaf), and the operator's own edit (the patch from their base to their text) can be
 * re-applied on top of the latest document: keys they changed take their values, keys
 * they removed are removed, everything else is the latest state.
 */

export type Section = "desired" | "reported";

export interface DocumentChange extends Change {
  section: Section;
}

/** Leaves of a section: objects walked, arrays and scalars whole (as AWS compares them). */
function leaves(o: JsonObject | null | undefined, path: string[] = [], out = new Map<string, { path: string[]; value: JsonValue }>()) {
  if (!o) return out;
  for (const k of Object.keys(o)) {
    const v = o[k];
    const p = [...path, k];
    if (isObject(v) && Object.keys(v).length) leaves(v, p, out);
    else out.set(JSON.stringify(p), { path: p, value: v });
  }
  return out;
}

function sectionChanges(section: Section, before: JsonObject | null | undefined, after: JsonObject | null | undefined): DocumentChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const out: DocumentChange[] = [];
  for (const [key, { path, value }] of a) {
    const now = b.get(key);
    if (!now) out.push({ section, path, kind: "remove", before: value });
    else if (!deepEqual(value, now.value)) out.push({ section, path, kind: "change", before: value, after: now.value });
  }
  for (const [key, { path, value }] of b) if (!a.has(key)) out.push({ section, path, kind: "add", after: value });
  return out;
}

/** Everything that differs between two versions of a shadow, desired first. */
export function documentChanges(
  base: Pick<ShadowDocument, "desired" | "reported"> | null,
  current: Pick<ShadowDocument, "desired" | "reported"> | null,
): DocumentChange[] {
  return [...sectionChanges("desired", base?.desired, current?.desired), ...sectionChanges("reported", base?.reported, current?.reported)];
}

export interface Reapplied {
  /** The latest desired state with the operator's edit applied: the editor's new text. */
  desired: JsonObject;
  /** The operator's changes, described against the latest desired state. */
  changes: Change[];
  /** Paths the operator changes that someone else also changed in desired meanwhile. */
  overlaps: string[][];
}

/**
 * Re-applies `patch` (the operator's edit, made against an older version) on top of the
 * latest desired state.
 */
export function reapplyEdit(patch: JsonObject, latest: Pick<ShadowDocument, "desired"> | null, inBetween: readonly DocumentChange[]): Reapplied {
  const desired = applyPatch(latest?.desired, patch) ?? {};
  const mine = describePatch(latest?.desired, patch);
  // Removals of keys already gone, and values already set, are no changes any more; the
  // overlap check still looks at everything the operator touched.
  const touched = patchPaths(patch);
  const theirs = inBetween.filter((c) => c.section === "desired").map((c) => c.path);
  const overlaps = touched.filter((p) => theirs.some((t) => pathsOverlap(p, t)));
  return { desired, changes: mine, overlaps };
}

/** Leaf paths a patch writes or removes. */
export function patchPaths(patch: JsonObject, path: string[] = []): string[][] {
  const out: string[][] = [];
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (isObject(v) && Object.keys(v).length) out.push(...patchPaths(v, [...path, k]));
    else out.push([...path, k]);
  }
  return out;
}

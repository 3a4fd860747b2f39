import { computeDelta as sharedDelta, isObject, own } from "@/lib/shadow-document";
import { CLASSIC_SHADOW, type PendingKey } from "./contract";

/**
 * What a thing's agent has not applied yet, read from the `shadow` of a fleet-index
 * ThingDocument (already parsed from its JSON string). AWS documents that string as the
 * classic shadow's `desired`, `reported`, `delta`, `metadata` (a `{timestamp}` per leaf,
 * epoch seconds; arrays element by element), `version`, plus `hasDelta` in the emulator,
 * and the indexed named shadows, each the same shape, under `name.<shadowName>`.
 *
 * The pending keys are the leaves of the delta, flattened with dots (`policy.mode`): the
 * delta keeps the path down to each differing leaf, and an array is compared and pending
 * as a whole. When the document carries no `delta` it is computed from desired and
 * reported with the same rules. "Pending since" is the desired metadata timestamp of the
 * key: when an operator last wrote it.
 *
 * Dependency-free and total: any malformed part is ignored rather than thrown.
 */

type Obj = Record<string, unknown>;
const isObj = isObject;

/** The Device Shadow delta, by the shared rules (lib/shadow-document). */
export const computeDelta = (desired: unknown, reported: unknown): Obj | undefined => sharedDelta(desired, reported);

/** Shadow timestamps are epoch seconds; a value in milliseconds (a foreign writer) is brought back to seconds. */
function toSeconds(n: number): number {
  return n > 1e11 ? Math.floor(n / 1000) : n;
}

/**
 * The latest `timestamp` in a metadata subtree: the leaf's own, or for an array or an
 * object written whole, the newest of its elements (they were written together, or the
 * newest write is what made the value what it is). Null when there is none (`[]`, `{}`).
 */
export function latestTimestamp(meta: unknown): number | null {
  if (Array.isArray(meta)) {
    let best: number | null = null;
    for (const m of meta) {
      const t = latestTimestamp(m);
      if (t !== null && (best === null || t > best)) best = t;
    }
    return best;
  }
  if (!isObj(meta)) return null;
  const ts = meta.timestamp;
  if (typeof ts === "number" && Number.isFinite(ts) && ts > 0) return toSeconds(ts);
  let best: number | null = null;
  for (const k of Object.keys(meta)) {
    const t = latestTimestamp(meta[k]);
    if (t !== null && (best === null || t > best)) best = t;
  }
  return best;
}

/**
 * The keys an agent says it failed to apply, with the error code: the fleet's agents
 * report `lastError: {code, message, at, keys: ["policy.mode"]}` in reported state.
 */
function failedKeys(reported: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const err = own(reported, "lastError");
  const keys = own(err, "keys");
  if (!Array.isArray(keys)) return out;
  const code = own(err, "code");
  for (const k of keys) if (typeof k === "string") out.set(k, typeof code === "string" && code ? code : "error");
  return out;
}

function collect(delta: unknown, meta: unknown, reported: unknown, path: string[], shadow: string, failed: Map<string, string>, out: PendingKey[]): void {
  if (isObj(delta) && Object.keys(delta).length > 0) {
    for (const k of Object.keys(delta)) collect(delta[k], own(meta, k), own(reported, k), [...path, k], shadow, failed, out);
    return;
  }
  if (path.length === 0) return;
  const p = path.join(".");
  out.push({ shadow, path: p, sinceSec: latestTimestamp(meta), reported: reported !== undefined && reported !== null, error: failed.get(p) ?? null });
}

/** One shadow's drift: whether it has a delta, and the pending keys (empty when the delta cannot be read). */
export interface ShadowPending {
  shadow: string;
  hasDelta: boolean;
  keys: PendingKey[];
}

/** The pending keys of one shadow document (`{desired, reported, delta?, metadata, hasDelta?}`). */
export function shadowPending(shadow: string, doc: unknown): ShadowPending {
  if (!isObj(doc)) return { shadow, hasDelta: false, keys: [] };
  const delta = isObj(doc.delta) ? doc.delta : computeDelta(doc.desired, doc.reported);
  const keys: PendingKey[] = [];
  if (delta) collect(delta, own(doc.metadata, "desired"), doc.reported, [], shadow, failedKeys(doc.reported), keys);
  // The index's own flag wins when present: it is what `hasDelta:true` queries match.
  const hasDelta = typeof doc.hasDelta === "boolean" ? doc.hasDelta : keys.length > 0;
  return { shadow, hasDelta, keys: hasDelta ? keys : [] };
}

/** Keys a named shadow's section would have if it were a classic shadow document. */
const SHADOW_KEYS = ["desired", "reported", "delta", "metadata", "hasDelta"];

/**
 * Every shadow of one indexed document, classic first (when the document has one), then
 * the named shadows under `name` in the order given by `namedShadows` (then any other).
 */
export function thingPending(shadowDoc: unknown, namedShadows: readonly string[] = []): ShadowPending[] {
  if (!isObj(shadowDoc)) return [];
  const out: ShadowPending[] = [];
  if (SHADOW_KEYS.some((k) => Object.hasOwn(shadowDoc, k))) out.push(shadowPending(CLASSIC_SHADOW, shadowDoc));
  const named = own(shadowDoc, "name");
  if (isObj(named)) {
    const names = [
      ...namedShadows.filter((n) => Object.hasOwn(named, n)),
      ...Object.keys(named)
        .filter((n) => !namedShadows.includes(n))
        .sort(),
    ];
    for (const n of names) out.push(shadowPending(n, named[n]));
  }
  return out;
}

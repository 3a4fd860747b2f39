import type { RecordStore } from "../../store/store";
import type { JsonObject, ShadowChange, ShadowReader, StoredShadow } from "./shadow-types";
import { applyUpdate, acceptedDocument, noShadowMessage, shadowError, type UpdateRequest } from "./shadow-document";

/**
 * Every thing's shadows, in memory, written through to the emulator's store (kinds
 * prefixed `iotdata.`) and reloaded at start, so a restart finds them as they were.
 *
 * A deleted shadow leaves a tombstone with its last version: AWS continues the version
 * of a shadow re-created within 48 hours of its deletion (developer guide, "Interacting
 * with shadows"); after that the shadow starts over.
 *
 * Shadows of things that are not in the registry are kept too (AWS accepts them).
 * StoredShadow objects are replaced, never modified, so a reader may keep a reference.
 */

export const SHADOW_KINDS = { shadow: "iotdata.shadow", tombstone: "iotdata.deletedShadow" } as const;
const KIND = SHADOW_KINDS;

/** How long a deleted shadow's version is remembered. */
export const VERSION_MEMORY_SECONDS = 48 * 3600;

interface Tombstone {
  thingName: string;
  shadowName: string | null;
  version: number;
  deletedAt: number;
}

export interface UpdateResult {
  /** The response document (`update/accepted`). */
  accepted: JsonObject;
  previous?: StoredShadow;
  current: StoredShadow;
}

/** The store id of a shadow: `~` is allowed in neither thing nor shadow names. */
/** The store id of a shadow (also used by bulk seeding). */
export const shadowStoreId = (thingName: string, shadowName: string | null) => (shadowName === null ? thingName : `${thingName}~${shadowName}`);

export class ShadowStore implements ShadowReader {
  /** thing name → shadow name ("" for the classic shadow) → shadow. */
  private readonly byThing = new Map<string, Map<string, StoredShadow>>();
  private readonly tombstones = new Map<string, Tombstone>();
  private readonly listeners = new Set<(change: ShadowChange) => void>();

  /** `now` returns epoch milliseconds (injectable for tests). */
  constructor(
    private readonly store: RecordStore,
    private readonly now: () => number = Date.now,
  ) {
    for (const [, s] of store.load<StoredShadow>(KIND.shadow)) this.slot(s.thingName).set(s.shadowName ?? "", s);
    for (const [id, t] of store.load<Tombstone>(KIND.tombstone)) this.tombstones.set(id, t);
  }

  /** Epoch seconds, the unit of every shadow timestamp. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---- ShadowReader -------------------------------------------------------------------

  get(thingName: string, shadowName: string | null): StoredShadow | undefined {
    return this.byThing.get(thingName)?.get(shadowName ?? "");
  }

  forThing(thingName: string): StoredShadow[] {
    return [...(this.byThing.get(thingName)?.values() ?? [])];
  }

  *all(): Iterable<StoredShadow> {
    for (const shadows of this.byThing.values()) yield* shadows.values();
  }

  /** Runs `fn` once the changes made so far are on disk: what tells a device "accepted" waits for that. */
  afterCommit(fn: () => void): void {
    this.store.afterCommit(fn);
  }

  onChange(listener: (change: ShadowChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- reads and writes ------------------------------------------------------------------

  /** The shadow, or ResourceNotFoundException. */
  require(thingName: string, shadowName: string | null): StoredShadow {
    const s = this.get(thingName, shadowName);
    if (!s) throw shadowError(404, noShadowMessage(thingName, shadowName));
    return s;
  }

  /** Names of the thing's named shadows, sorted (the classic shadow is not one). */
  namedShadows(thingName: string): string[] {
    const names: string[] = [];
    for (const name of this.byThing.get(thingName)?.keys() ?? []) if (name !== "") names.push(name);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Creates or updates a shadow; throws the AWS error (409, 413) when the update is refused. */
  update(thingName: string, shadowName: string | null, req: UpdateRequest): UpdateResult {
    const now = this.nowSeconds();
    const previous = this.get(thingName, shadowName);
    const id = shadowStoreId(thingName, shadowName);
    const tomb = this.tombstones.get(id);
    const remembered = tomb && now - tomb.deletedAt <= VERSION_MEMORY_SECONDS ? tomb.version : 0;
    const next = applyUpdate(previous, previous?.version ?? remembered, req, now);
    const current: StoredShadow = { thingName, shadowName, ...next };

    this.slot(thingName).set(shadowName ?? "", current);
    this.store.put(KIND.shadow, id, current);
    if (tomb) {
      this.tombstones.delete(id);
      this.store.delete(KIND.tombstone, id);
    }
    const accepted = acceptedDocument(req, current.version, now);
    this.emit({ thingName, shadowName, shadow: current, previous, clientToken: req.clientToken, accepted, timestamp: now });
    return { accepted, previous, current };
  }

  /** Deletes a shadow (404 when there is none); returns the deleted shadow and the time. */
  delete(thingName: string, shadowName: string | null, clientToken?: string): { deleted: StoredShadow; timestamp: number } {
    const deleted = this.require(thingName, shadowName);
    const now = this.nowSeconds();
    const id = shadowStoreId(thingName, shadowName);
    const shadows = this.byThing.get(thingName)!;
    shadows.delete(shadowName ?? "");
    if (shadows.size === 0) this.byThing.delete(thingName);
    const tomb: Tombstone = { thingName, shadowName, version: deleted.version, deletedAt: now };
    this.tombstones.set(id, tomb);
    this.store.delete(KIND.shadow, id);
    this.store.put(KIND.tombstone, id, tomb);
    this.emit({ thingName, shadowName, shadow: null, previous: deleted, clientToken, timestamp: now });
    return { deleted, timestamp: now };
  }

  private slot(thingName: string): Map<string, StoredShadow> {
    let m = this.byThing.get(thingName);
    if (!m) this.byThing.set(thingName, (m = new Map()));
    return m;
  }

  private emit(change: ShadowChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        // The change is made; a failing listener must not turn it into an error response.
        console.error("[emulator] shadow change listener failed", err);
      }
    }
  }
}

/**
 * What the rest of the emulator (the fleet index, the MQTT shadow topics) sees of
 * the shadow service: the stored documents and a change event. The service itself
 * (REST handlers, merge and delta rules) lives beside this file.
 */

/** A JSON object as stored in a shadow's state sections. */
export type JsonObject = { [key: string]: unknown };

/** One stored shadow (classic: shadowName null). Timestamps are epoch seconds, as AWS reports them. */
export interface StoredShadow {
  thingName: string;
  /** null for the classic (unnamed) shadow. */
  shadowName: string | null;
  state: { desired?: JsonObject; reported?: JsonObject };
  /** Per-leaf `{ timestamp }` mirrors of `state.desired` / `state.reported`. */
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
  /** Epoch seconds of the last change. */
  timestamp: number;
}

/** Emitted after every successful update or delete (document null after a delete). */
export interface ShadowChange {
  thingName: string;
  shadowName: string | null;
  shadow: StoredShadow | null;
  /** The shadow before the change (undefined when the update created it). */
  previous?: StoredShadow;
  /** The request's client token, for the MQTT response topics. */
  clientToken?: string;
  /** After an update: the accepted document (the REST response and `update/accepted`). */
  accepted?: JsonObject;
  /** Epoch seconds of the change (the `timestamp` of the documents it produces). */
  timestamp: number;
}

/** The read side other emulator parts depend on. */
export interface ShadowReader {
  get(thingName: string, shadowName: string | null): StoredShadow | undefined;
  /** Every shadow of one thing (classic and named). */
  forThing(thingName: string): StoredShadow[];
  /** Every stored shadow (index rebuilds). */
  all(): Iterable<StoredShadow>;
  onChange(listener: (change: ShadowChange) => void): () => void;
}

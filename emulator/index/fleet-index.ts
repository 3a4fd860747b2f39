import type { ThingRecord } from "../services/iot/state";
import type { ConnectivityRecord } from "../mqtt/connectivity";
import type { StoredShadow } from "../services/iotdata/shadow-types";
import { clearBit, ensureWords, setBit, wordsFor, type Bits } from "./bitset";
import type { IndexedSources } from "./config";
import { emitConnectivity, emitRegistry, emitShadow, isVersionField, SOURCE, thingDocument, type Emit, type ThingDocument } from "./documents";
import { evaluateBits, matchesDoc, type BitsetIndex, type Compiled, type DocIndex } from "./evaluate";
import { mergeValues, type PathNode, type Value } from "./flatten";
import { FieldIndex } from "./postings";

/**
 * The thing index (AWS_Things): one document per registered thing, with integer ids in
 * creation order (things present at a rebuild are numbered in name order). Every
 * registry, shadow and connectivity change rewrites only the fields of the source that
 * changed, synchronously, so the next query sees it. Search results come in id order and
 * are paged by id; only the returned page is turned into ThingDocuments.
 */

/** Where the documents come from (the registry, the shadow service, the broker's connectivity). */
export interface FleetSources {
  thing(name: string): ThingRecord | undefined;
  /** Every registered thing name, ascending. */
  thingNames(): Iterable<string>;
  shadow(thingName: string, shadowName: string | null): StoredShadow | undefined;
  connectivity(clientId: string): ConnectivityRecord | undefined;
}

/** Told after the index applied a change (dynamic thing groups follow these). */
export interface FleetIndexListener {
  docChanged?(doc: number, thingName: string): void;
  docRemoved?(doc: number, thingName: string): void;
  /** All document ids were reassigned (configuration change). */
  rebuilt?(): void;
}

export const NO_SOURCES: IndexedSources = { registry: false, shadow: false, connectivity: false, defender: false, namedShadows: [] };

/** A node of the field-name tree: walking it costs a Map lookup per key, not a string per field. */
class FieldNode implements PathNode {
  private kids?: Map<string, FieldNode>;
  field?: FieldIndex;
  constructor(readonly path: string) {}

  child(key: string): FieldNode {
    const kids = (this.kids ??= new Map());
    let n = kids.get(key);
    if (!n) kids.set(key, (n = new FieldNode(this.path ? `${this.path}.${key}` : key)));
    return n;
  }
}

export class FleetIndex implements BitsetIndex, DocIndex {
  private sources: IndexedSources = NO_SOURCES;
  private fields = new Map<string, FieldIndex>();
  private bySource = new Map<string, FieldIndex[]>();
  private bare: FieldIndex[] = [];
  private root = new FieldNode("");
  private docOf = new Map<string, number>();
  private names: (string | undefined)[] = [];
  private liveBits: Bits = new Uint32Array(0);
  private liveCount = 0;
  private nextDoc = 0;
  private stampSeq = 0;
  private readonly listeners = new Set<FleetIndexListener>();
  /** Expected number of ids: new columns are allocated at this size. */
  private capacity = 1024;
  /** Spare bitsets of the current size, for queries. */
  private pool: Bits[] = [];
  /** Inside rebuild: fields only fill their columns. */
  private loading = false;
  /** Bumped on every change: a cached result is valid while it is unchanged. */
  version = 0;
  /** Bumped when document ids are reassigned (rebuild): page tokens of an older generation are stale. */
  generation = 0;

  constructor(private readonly input: FleetSources) {}

  get enabled(): boolean {
    return this.sources.registry;
  }

  get indexedSources(): IndexedSources {
    return this.sources;
  }

  /** Number of indexed things. */
  get size(): number {
    return this.liveCount;
  }

  listen(l: FleetIndexListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Sets what is indexed, rebuilds every document and (unless told not to) prepares the fields for searching. */
  configure(sources: IndexedSources, opts: { warmUp?: boolean } = {}): void {
    this.sources = sources;
    this.rebuild();
    if (opts.warmUp !== false) this.warmUp();
  }

  /** Rebuilds every document from the sources (start, configuration change). */
  rebuild(): void {
    const names = this.enabled ? [...this.input.thingNames()] : [];
    this.capacity = Math.max(1024, Math.ceil(names.length * 1.25));
    this.fields = new Map();
    this.bySource = new Map();
    this.bare = [];
    this.root = new FieldNode("");
    this.docOf = new Map();
    this.names = new Array(this.capacity);
    this.liveBits = new Uint32Array(wordsFor(this.capacity));
    this.liveCount = 0;
    this.nextDoc = 0;
    this.pool = [];
    this.version++;
    this.generation++;
    this.loading = true;
    for (const name of names) {
      const t = this.input.thing(name);
      if (t) this.addDoc(t);
    }
    this.loading = false;
    for (const f of this.fields.values()) f.finishLoad();
    for (const l of this.listeners) l.rebuilt?.();
  }

  /**
   * Builds the sorted runs of up to `maxFields` fields that need them, so the first
   * searches after a rebuild do not pay for it. Returns true when done.
   */
  warmUp(maxFields = Infinity): boolean {
    let built = 0;
    for (const f of this.fields.values()) {
      if (f.ready || !warmUpWorthy(f.name)) continue;
      if (built >= maxFields) return false;
      f.prepare();
      built++;
    }
    return true;
  }

  // ---- changes ---------------------------------------------------------------------------------

  thingChanged(name: string): void {
    if (!this.enabled) return;
    const t = this.input.thing(name);
    const doc = this.docOf.get(name);
    if (!t) {
      if (doc !== undefined) this.removeDoc(doc, name);
      return;
    }
    if (doc === undefined) {
      const d = this.addDoc(t);
      this.changed(d, name);
      return;
    }
    this.begin(doc, SOURCE.registry, false);
    emitRegistry(this.root, t, this.emit);
    this.end(doc, false);
    this.changed(doc, name);
  }

  shadowChanged(thingName: string, shadowName: string | null): void {
    if (!this.enabled) return;
    // Shadows of things that are not in the registry are not indexed.
    const doc = this.docOf.get(thingName);
    if (doc === undefined) return;
    if (shadowName === null ? !this.sources.shadow : !this.sources.namedShadows.includes(shadowName)) return;
    this.writeShadow(doc, thingName, shadowName, false);
    this.changed(doc, thingName);
  }

  connectivityChanged(clientId: string): void {
    if (!this.enabled || !this.sources.connectivity) return;
    const doc = this.docOf.get(clientId);
    if (doc === undefined) return;
    this.begin(doc, SOURCE.connectivity, false);
    emitConnectivity(this.root, this.input.connectivity(clientId), this.emit);
    this.end(doc, false);
    this.changed(doc, clientId);
  }

  private changed(doc: number, name: string): void {
    this.version++;
    for (const l of this.listeners) l.docChanged?.(doc, name);
  }

  private addDoc(t: ThingRecord): number {
    const doc = this.nextDoc++;
    if (doc >= this.capacity) this.capacity *= 2;
    this.docOf.set(t.name, doc);
    this.names[doc] = t.name;
    this.liveBits = ensureWords(this.liveBits, wordsFor(this.capacity));
    setBit(this.liveBits, doc);
    this.liveCount++;
    this.begin(doc, SOURCE.registry, true);
    emitRegistry(this.root, t, this.emit);
    if (this.sources.connectivity) {
      this.begin(doc, SOURCE.connectivity, true);
      emitConnectivity(this.root, this.input.connectivity(t.name), this.emit);
    }
    if (this.sources.shadow) this.writeShadow(doc, t.name, null, true);
    for (const n of this.sources.namedShadows) this.writeShadow(doc, t.name, n, true);
    return doc;
  }

  private removeDoc(doc: number, name: string): void {
    for (const f of this.fields.values()) if (f.has(doc)) f.set(doc, undefined);
    this.docOf.delete(name);
    this.names[doc] = undefined;
    clearBit(this.liveBits, doc);
    this.liveCount--;
    this.version++;
    for (const l of this.listeners) l.docRemoved?.(doc, name);
  }

  private writeShadow(doc: number, thingName: string, shadowName: string | null, isNew: boolean): void {
    const shadowNode = this.root.child("shadow");
    const node = shadowName === null ? shadowNode : shadowNode.child("name").child(shadowName);
    const s = this.input.shadow(thingName, shadowName);
    this.begin(doc, shadowName === null ? SOURCE.shadow : SOURCE.named(shadowName), isNew);
    if (s) emitShadow(node, s, this.emit);
    this.end(doc, isNew);
  }

  /**
   * Rewriting the fields one source contributes to a document: `begin`, then the source
   * emits its fields through `emit` (set now), then `end` clears the fields it emitted
   * before and no longer does. One `emit` function for all writes: nothing is allocated
   * per document.
   */
  private readonly cur = { doc: 0, source: "", stamp: 0, load: false };

  private begin(doc: number, source: string, isNew: boolean): void {
    this.cur.doc = doc;
    this.cur.source = source;
    this.cur.stamp = ++this.stampSeq;
    this.cur.load = isNew && this.loading;
  }

  private readonly emit: Emit = (node: PathNode, value: Value) => {
    const c = this.cur;
    const n = node as FieldNode;
    const f = (n.field ??= this.fieldFor(n.path, c.source));
    if (f.stamp === c.stamp) {
      // `a.b` and `{a:{b}}` in one document: the field holds both values.
      f.set(c.doc, mergeValues(f.get(c.doc)!, value));
    } else {
      f.stamp = c.stamp;
      if (c.load) f.load(c.doc, value);
      else f.set(c.doc, value);
    }
  };

  private end(doc: number, isNew: boolean): void {
    if (isNew) return;
    const { stamp, source } = this.cur;
    for (const f of this.bySource.get(source) ?? []) if (f.stamp !== stamp && f.has(doc)) f.set(doc, undefined);
  }

  private fieldFor(path: string, source: string): FieldIndex {
    let f = this.fields.get(path);
    if (f) return f;
    // Bare terms search registry, shadow and Device Defender fields, not connectivity; versions are not searchable.
    const bare = source !== SOURCE.connectivity && !isVersionField(path);
    f = new FieldIndex(path, source, bare, this.capacity, this.loading);
    this.fields.set(path, f);
    let list = this.bySource.get(source);
    if (!list) this.bySource.set(source, (list = []));
    list.push(f);
    if (bare) this.bare.push(f);
    return f;
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** The ids of the things matching a compiled query. */
  search(query: Compiled): Bits {
    return evaluateBits(query, this);
  }

  /** Whether one thing matches (dynamic groups re-check a thing when it changes). */
  matches(query: Compiled, doc: number): boolean {
    return this.names[doc] !== undefined && matchesDoc(query, this, doc);
  }

  docOfThing(name: string): number | undefined {
    return this.docOf.get(name);
  }

  thingNameOf(doc: number): string | undefined {
    return this.names[doc];
  }

  /** The ThingDocument SearchIndex returns for one id. */
  document(doc: number): ThingDocument | undefined {
    const name = this.names[doc];
    const t = name === undefined ? undefined : this.input.thing(name);
    if (!t) return undefined;
    return thingDocument(t, this.sources, (s) => this.input.shadow(t.name, s), this.input.connectivity(t.name));
  }

  /** The values of one field (aggregations). */
  column(name: string): FieldIndex | undefined {
    return this.fields.get(name);
  }

  /** Every field name currently indexed (diagnostics, the console's field list). */
  fieldNames(): string[] {
    return [...this.fields.keys()];
  }

  // ---- BitsetIndex / DocIndex ------------------------------------------------------------------

  words(): number {
    return wordsFor(this.nextDoc);
  }

  takeBits(): Bits {
    const words = this.words();
    while (this.pool.length) {
      const b = this.pool.pop()!;
      if (b.length === words) {
        b.fill(0);
        return b;
      }
    }
    return new Uint32Array(words);
  }

  releaseBits(b: Bits): void {
    if (b.length === this.words() && this.pool.length < 32 && !this.pool.includes(b)) this.pool.push(b);
  }

  live(): Bits {
    return this.liveBits;
  }

  field(name: string): FieldIndex | undefined {
    return this.fields.get(name);
  }

  bareFields(): Iterable<FieldIndex> {
    return this.bare;
  }

  *fieldsUnder(prefix: string): Iterable<FieldIndex> {
    for (const [name, f] of this.fields) if (name.startsWith(prefix)) yield f;
  }

  value(field: string, doc: number): Value | undefined {
    return this.fields.get(field)?.get(doc);
  }

  someBareValue(doc: number, fn: (v: Value) => boolean): boolean {
    for (const f of this.bare) {
      const v = f.get(doc);
      if (v !== undefined && fn(v)) return true;
    }
    return false;
  }

  hasFieldUnder(prefix: string, doc: number): boolean {
    for (const [name, f] of this.fields) if (f.has(doc) && name.startsWith(prefix)) return true;
    return false;
  }
}

/**
 * Fields whose runs are built ahead of the first search. Left to their first search:
 * versions (never searched), shadow metadata (a timestamp per leaf, rarely searched) and
 * thingId (unique random values: the costliest sort, and ids are looked up rarely).
 */
function warmUpWorthy(name: string): boolean {
  return name !== "thingId" && !isVersionField(name) && !/^shadow\.(name\.[^.]+\.)?metadata\./.test(name);
}

/**
 * Index-side field rules for AWS_Things queries: why a field cannot be searched, or null.
 * A name outside the documented namespaces simply matches nothing, as in Lucene (the
 * query-syntax page's own example `thingName:abc thingType:xyz` is a valid query); a
 * malformed name inside one (`shadow.foo`, `connectivity.version`, `attributes`) is an
 * error that says what is searchable there.
 */
export function thingFieldRule(field: string): string | null {
  if (isVersionField(field)) return `${field} cannot be searched: shadow and registry versions are returned in results but are not searchable`;
  if (field === "attributes" || field === "attributes.") return "Name the attribute: attributes.<name>";
  if (field === "registry.thingTypeName" || field === "registry.thingGroupNames") {
    return `Search ${field.slice("registry.".length)} (registry.${field.slice("registry.".length)} is the name aggregations use)`;
  }
  if (field === "shadow" || field.startsWith("shadow.")) {
    const named = /^shadow\.name\.([^.]+)(?:\.(.+))?$/.exec(field);
    const rest = named ? named[2] : field.slice("shadow.".length);
    if (rest === undefined || /^(hasDelta|(reported|desired|delta)(\..+)?|metadata(\.(reported|desired)(\..+)?)?)$/.test(rest)) return null;
    return `Unknown shadow field '${field}': shadow fields are shadow.reported.<path>, shadow.desired.<path>, shadow.delta.<path>, shadow.metadata.<section>.<path>, shadow.hasDelta, and the same under shadow.name.<shadowName>.`;
  }
  if (field === "connectivity" || field.startsWith("connectivity.")) {
    if (/^connectivity\.(connected|timestamp|disconnectReason)$/.test(field)) return null;
    return `Unknown connectivity field '${field}': search connectivity.connected, connectivity.timestamp or connectivity.disconnectReason`;
  }
  return null;
}

import { clearBit, ensureWords, hasBit, orInto, setBit, wordsFor, type Bits } from "./bitset";
import { sameValue, type Scalar, type Value } from "./flatten";
import { valueMatches, type FieldCondition } from "./keys";
import { buildRuns, matchRuns, type Runs } from "./runs";
import { ValueBitsets } from "./value-bitsets";

export { numberOf, textKey, valueMatches, type FieldCondition } from "./keys";

/**
 * One indexed field (`thingName`, `attributes.os`, `shadow.reported.battery`, ...) over all
 * documents, built for a fleet of a million things.
 *
 * The column holds the field's value in each document as the source holds it (original
 * case: aggregations report values as they are; searches compare lowercased keys):
 * numbers unboxed in a Float64Array, other values in an array, both allocated at the
 * index's size. Updating a document overwrites its slot.
 *
 * The postings take one of two forms, chosen by the number of distinct keys:
 * - few (value-bitsets.ts): a bitset per key, updated in place with the column;
 * - many (runs.ts): sorted runs, built on the first search (or warm-up) after a load, which
 *   then go stale gradually: documents changed since are marked dirty, their run entries
 *   are skipped and their current value tested directly; when too many are dirty, the next
 *   search rebuilds the runs.
 * A bulk load (index rebuild) fills the columns only; `finishLoad` then picks the form.
 */
export class FieldIndex {
  /** `num[doc]`: a number value (NaN: none); `obj[doc]`: any other value (string, boolean, array). */
  private obj: (Value | undefined)[] | null = null;
  private num: Float64Array | null = null;
  /** Documents that have the field. */
  present: Bits = new Uint32Array(0);
  /** Number of documents that have the field. */
  count = 0;
  /** Scratch for the document writer: the update pass that last set this field. */
  stamp = 0;

  private loading: boolean;
  private bitsets: ValueBitsets | null = null;
  private runs: Runs | null = null;
  private dirty: Bits = new Uint32Array(0);
  private dirtyList: number[] = [];

  constructor(
    readonly name: string,
    /** The document source the field comes from (registry, connectivity, shadow, named shadow). */
    readonly source: string,
    /** Whether a bare term (no field) searches this field. */
    readonly bare: boolean,
    /** Expected number of document ids: columns are allocated at this size, and doubled beyond. */
    private capacity = 1024,
    /** Created during a bulk load: only the column is written until finishLoad. */
    loading = false,
  ) {
    this.loading = loading;
    if (!loading) this.bitsets = ValueBitsets.build(wordsFor(capacity), this.present, () => undefined);
  }

  get(doc: number): Value | undefined {
    const o = this.obj?.[doc];
    if (o !== undefined) return o;
    const n = this.num?.[doc];
    return n === undefined || n !== n ? undefined : n;
  }

  has(doc: number): boolean {
    return hasBit(this.present, doc);
  }

  /** Bulk load of a document the field has no value for yet (index rebuild). */
  load(doc: number, v: Value): void {
    if (doc >= this.capacity) this.grow(doc + 1);
    if (typeof v === "number") (this.num ??= new Float64Array(this.capacity).fill(NaN))[doc] = v;
    else (this.obj ??= new Array(this.capacity))[doc] = v;
    if (this.present.length === 0) this.present = new Uint32Array(wordsFor(this.capacity));
    setBit(this.present, doc);
    this.count++;
  }

  set(doc: number, v: Value | undefined): void {
    const old = this.get(doc);
    if (sameValue(old, v)) return;
    if (doc >= this.capacity) this.grow(doc + 1);
    if (typeof old === "number") this.num![doc] = NaN;
    else if (old !== undefined) this.obj![doc] = undefined;
    if (typeof v === "number") (this.num ??= new Float64Array(this.capacity).fill(NaN))[doc] = v;
    else if (v !== undefined) (this.obj ??= new Array(this.capacity))[doc] = v;
    if (old === undefined) {
      if (this.present.length === 0) this.present = new Uint32Array(wordsFor(this.capacity));
      setBit(this.present, doc);
      this.count++;
    } else if (v === undefined) {
      clearBit(this.present, doc);
      this.count--;
    }
    if (this.loading) return;
    if (this.bitsets) {
      if (this.bitsets.update(doc, old, v)) return;
      // A key too many: from now on, sorted runs.
      this.bitsets = null;
      this.runs = null;
    } else if (this.runs && !hasBit(this.dirty, doc)) {
      if (this.dirty.length < wordsFor(this.capacity)) this.dirty = ensureWords(this.dirty, wordsFor(this.capacity));
      setBit(this.dirty, doc);
      this.dirtyList.push(doc);
    }
  }

  private grow(ids: number): void {
    let cap = this.capacity;
    while (cap < ids) cap *= 2;
    this.capacity = cap;
    if (this.num) {
      const n = new Float64Array(cap).fill(NaN);
      n.set(this.num);
      this.num = n;
    }
    if (this.obj) this.obj.length = cap;
    if (this.present.length) this.present = ensureWords(this.present, wordsFor(cap));
  }

  /** After a bulk load: per-key bitsets when the field has few distinct keys, else runs (built on first use). */
  finishLoad(): void {
    this.loading = false;
    this.bitsets = ValueBitsets.build(wordsFor(this.capacity), this.present, (doc) => this.get(doc));
  }

  /** Whether a search can run without first building runs. */
  get ready(): boolean {
    return this.bitsets !== null || (this.runs !== null && this.dirtyList.length <= this.staleLimit());
  }

  /** Builds the sorted runs if the field uses them and they are missing or too stale. */
  prepare(): void {
    if (this.loading) this.finishLoad();
    if (this.ready) return;
    this.runs = buildRuns(this.present, this.obj, this.num);
    this.dirty = new Uint32Array(0);
    this.dirtyList = [];
  }

  private staleLimit(): number {
    return Math.max(1024, this.count >>> 4);
  }

  /** ORs into `out` the documents whose value satisfies the condition. */
  match(cond: FieldCondition, out: Bits): void {
    // Only numbers here and a condition on text (a bare word searched in every field): nothing to build.
    if (this.obj === null && !cond.number) return;
    this.prepare();
    if (this.bitsets) {
      this.bitsets.match(cond, out);
      return;
    }
    matchRuns(this.runs!, cond, this.dirtyList.length ? this.dirty : null, out);
    for (const doc of this.dirtyList) {
      const v = this.get(doc);
      if (v !== undefined && valueMatches(v, cond.test)) setBit(out, doc);
    }
  }

  /** ORs into `out` the documents that have the field. */
  matchExists(out: Bits): void {
    orInto(out, this.present);
  }

  /**
   * Documents of `bits` per distinct value, when the field has per-value bitsets (an
   * aggregation then costs a popcount per value instead of a pass over the documents);
   * null otherwise.
   */
  histogram(bits: Bits): Array<[Scalar, number]> | null {
    if (this.loading) this.finishLoad();
    return this.bitsets ? this.bitsets.histogram(bits) : null;
  }

  /** Which postings the field uses (diagnostics, tests). */
  get form(): "bitsets" | "runs" | "loading" {
    return this.loading ? "loading" : this.bitsets ? "bitsets" : "runs";
  }
}

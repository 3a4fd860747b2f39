import type { KindDefinition } from "./kinds";
import type { Store, StoreUnavailableError } from "./store";

/**
 * The record API a service is given: the whole store, or a view of it for one
 * (account, region). Commit state (`committed`, `afterCommit`, `writeCount`,
 * `pendingCount`, `failure`) is the store's as a whole, since one transaction commits
 * every view's changes: the HTTP commit gate works the same on either.
 */
export interface RecordStore {
  /** The document as the next commit will leave it: queued changes are seen at once. */
  get<T>(kind: string, id: string): T | undefined;
  has(kind: string, id: string): boolean;
  put(kind: string, id: string, doc: unknown): void;
  delete(kind: string, id: string): void;
  /** Every document of one kind, queued changes included. */
  load<T>(kind: string): Iterable<[string, T]>;
  /** Writes many documents in one transaction, bypassing the queue (bulk seeding). */
  putMany(kind: string, entries: Iterable<[string, unknown]>): number;
  /** Declares a kind's schema version, migrating stored documents first (see kinds.ts). */
  defineKind(def: KindDefinition): void;
  /** The kinds that hold at least one document (queued ones included). */
  kinds(): string[];
  /** A view whose kinds are `${prefix}${kind}` (nested views add up their prefixes). */
  view(prefix: string): StoreView;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  committed(): Promise<void>;
  afterCommit(fn: () => void): void;
  readonly writeCount: number;
  readonly pendingCount: number;
  readonly failure: StoreUnavailableError | undefined;
}

/**
 * One store seen through a kind prefix, such as `000000000000/us-east-1/`: per-region
 * state in one file and one commit queue. Meta keys are prefixed the same way.
 */
export class StoreView implements RecordStore {
  constructor(
    private readonly store: Store,
    readonly prefix: string,
  ) {}

  get<T>(kind: string, id: string): T | undefined {
    return this.store.get<T>(this.prefix + kind, id);
  }
  has(kind: string, id: string): boolean {
    return this.store.has(this.prefix + kind, id);
  }
  put(kind: string, id: string, doc: unknown): void {
    this.store.put(this.prefix + kind, id, doc);
  }
  delete(kind: string, id: string): void {
    this.store.delete(this.prefix + kind, id);
  }
  load<T>(kind: string): Iterable<[string, T]> {
    return this.store.load<T>(this.prefix + kind);
  }
  putMany(kind: string, entries: Iterable<[string, unknown]>): number {
    return this.store.putMany(this.prefix + kind, entries);
  }
  defineKind(def: KindDefinition): void {
    this.store.defineKind({ ...def, kind: this.prefix + def.kind });
  }
  /** The kinds under this prefix, without it. */
  kinds(): string[] {
    return this.store
      .kinds()
      .filter((k) => k.startsWith(this.prefix))
      .map((k) => k.slice(this.prefix.length));
  }
  view(prefix: string): StoreView {
    return new StoreView(this.store, this.prefix + prefix);
  }
  getMeta(key: string): string | undefined {
    return this.store.getMeta(this.prefix + key);
  }
  setMeta(key: string, value: string): void {
    this.store.setMeta(this.prefix + key, value);
  }
  committed(): Promise<void> {
    return this.store.committed();
  }
  afterCommit(fn: () => void): void {
    this.store.afterCommit(fn);
  }
  get writeCount(): number {
    return this.store.writeCount;
  }
  get pendingCount(): number {
    return this.store.pendingCount;
  }
  get failure(): StoreUnavailableError | undefined {
    return this.store.failure;
  }
}

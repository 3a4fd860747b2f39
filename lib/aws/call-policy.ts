import "server-only";
import { createLimiter, type Limiter } from "@/lib/async/limiter";
import { createTtlCache, type TtlCache } from "@/lib/async/ttl-cache";
import { AppError } from "@/lib/errors";
import { readBudgets, type BudgetName } from "./budgets";
import { createQuotaGate, type GateStats, type QuotaGate } from "./quota-gate";
import { processSingleton } from "./singleton";

/**
 * The one call policy of the console: every read of AWS names its budget, how long its
 * answer may be reused and whether identical reads in flight share one call:
 *
 *   read({ operation: "SearchIndex", budget: "fleetIndex", key: { queryString } }, (signal) => …)
 *
 * Budgets (lib/aws/budgets.ts) are one gate each per process (rate, concurrency, retry on
 * throttling, cache). `shared` caches what several reads add up to (the group tree, the
 * drift snapshot) without a budget of its own: its reads spend theirs.
 */
export interface ReadSpec {
  /** The AWS operation (`DescribeThing`): stats, logs and error wording speak it. */
  operation: string;
  budget: BudgetName;
  /** The call's arguments: equal keys share one answer (a `queryString` is normalised). */
  key?: Record<string, unknown>;
  /** How long the answer is reused (default: the budget's); 0 shares only the call in flight. */
  cacheMs?: number;
  /** Share identical calls in flight and cache (default true); false for reads made once (export pages). */
  coalesce?: boolean;
  /** Retries after throttling (default: the budget's); bulk reads that must finish ask for more. */
  retries?: number;
  /** Stops waiting for a slot or a retry (uncoalesced reads only: a shared read serves others too). */
  signal?: AbortSignal;
}

const isThrottled = (e: unknown) => e instanceof AppError && e.code === "throttled";

/** The gate of a budget (the same one for the whole process), or of one operation of a budget rated per operation. */
export function budgetGate(budget: BudgetName, operation?: string): QuotaGate {
  const config = readBudgets()[budget];
  const name = config.perOperation && operation ? `${budget}.${operation}` : budget;
  return processSingleton(`call-policy.budget.${name}`, () => createQuotaGate(config, { isThrottled }));
}

/** Calls that reached AWS, cache hits and throttling of a budget (of one operation, for one rated per operation): for the bench and tests. */
export function budgetStats(budget: BudgetName, operation?: string): GateStats {
  return budgetGate(budget, operation).stats();
}

/** One read through its budget, with whether it was answered from the cache or a call in flight. */
export function readWithMeta<T>(spec: ReadSpec, call: (signal?: AbortSignal) => Promise<T>): Promise<{ value: T; cached: boolean }> {
  return budgetGate(spec.budget, spec.operation).call(spec.operation, spec.key ?? {}, call, {
    cache: spec.coalesce !== false,
    cacheMs: spec.cacheMs,
    retries: spec.retries,
    signal: spec.signal,
  });
}

/** One read through its budget. */
export async function read<T>(spec: ReadSpec, call: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  return (await readWithMeta(spec, call)).value;
}

/** Drops the cached answer of a read: the console itself just changed what it read. */
export function forget(spec: Pick<ReadSpec, "operation" | "budget" | "key">): void {
  budgetGate(spec.budget, spec.operation).forget(spec.operation, spec.key ?? {});
}

export interface SharedSpec {
  /** Names the cache (`groups.tree`). */
  name: string;
  cacheMs: number;
  key?: string;
  /** Entries kept (default 500). */
  maxEntries?: number;
}

function sharedCache(spec: SharedSpec): TtlCache<unknown> {
  return processSingleton(`call-policy.shared.${spec.name}`, () => createTtlCache<unknown>({ ttlMs: spec.cacheMs, maxEntries: spec.maxEntries }));
}

/** What several reads add up to, cached for `cacheMs` and shared by concurrent callers; failures are not kept. */
export function shared<T>(spec: SharedSpec, load: () => Promise<T>): Promise<T> {
  return sharedCache(spec).get(spec.key ?? "", load, spec.cacheMs) as Promise<T>;
}

/** Drops a shared result (one key, or all of that name). */
export function forgetShared(spec: Pick<SharedSpec, "name" | "cacheMs" | "maxEntries">, key?: string): void {
  sharedCache(spec).invalidate(key);
}

/** A process-wide bound on whole tasks of one kind (a count that pages through thousands of things). */
export function lane(name: string, concurrency: number): Limiter {
  return processSingleton(`call-policy.lane.${name}`, () => createLimiter(concurrency));
}

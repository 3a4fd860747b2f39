import "server-only";
import { readEnv, type RawEnv } from "@/lib/env";
import { ERROR_MESSAGES } from "@/lib/errors";
import { DEFAULT_QUOTA, type QuotaConfig } from "./quota-gate";

/**
 * The console's call budgets against AWS, in one place. Every read names one
 * (lib/aws/call-policy.ts); each budget is one gate per process: a token bucket (rate and
 * burst), a bound on calls in flight, retry on throttling, and a default cache lifetime
 * (each read may ask for its own). Several reads of one budget share its rate, so two
 * features cannot each spend the account's whole quota.
 *
 * Figures: the fleet index is AWS IoT's tightest quota (SearchIndex and the aggregations,
 * a few calls per second per account), so it is rate limited and its answers reused; the
 * registry and the data plane are bounded in concurrency (connectivity is one call per
 * thing, the group tree one call per group) and retried briefly. Jobs, Device Defender
 * audit and Athena are declared for the services that come next.
 */
export const BUDGET_NAMES = ["fleetIndex", "registry", "dataPlane", "jobs", "audit", "athena"] as const;
export type BudgetName = (typeof BUDGET_NAMES)[number];

const NO_RATE = { ratePerSecond: null, burst: 1, maxQueueWaitMs: 0 } as const;

export const DEFAULT_BUDGETS: Record<BudgetName, QuotaConfig> = {
  fleetIndex: DEFAULT_QUOTA,
  registry: {
    ...NO_RATE,
    concurrency: 8,
    cacheTtlMs: 0,
    cacheMaxEntries: 2_000,
    retries: 2,
    retryBaseMs: 250,
    retryMaxMs: 4_000,
    messages: { throttled: ERROR_MESSAGES.throttled },
  },
  dataPlane: {
    ...NO_RATE,
    concurrency: 16,
    cacheTtlMs: 0,
    cacheMaxEntries: 2_000,
    retries: 2,
    retryBaseMs: 200,
    retryMaxMs: 2_000,
    messages: { throttled: ERROR_MESSAGES.throttled },
  },
  // AWS IoT Jobs: each job API allows about 10 calls per second per account, on its own.
  jobs: {
    ...DEFAULT_QUOTA,
    ratePerSecond: 10,
    burst: 10,
    perOperation: true,
    cacheTtlMs: 2_000,
    messages: {
      throttled: ERROR_MESSAGES.throttled,
      queueFull: "Many job reads are running at once; the console paces them to stay within the account's AWS IoT Jobs quota. Retrying shortly.",
    },
  },
  // Device Defender audit: findings and tasks, a few calls per second.
  audit: { ...DEFAULT_QUOTA, ratePerSecond: 5, burst: 5, cacheTtlMs: 10_000, messages: { throttled: ERROR_MESSAGES.throttled } },
  // Athena: StartQueryExecution and GetQueryResults are limited per account; queries are long.
  athena: { ...DEFAULT_QUOTA, ratePerSecond: 5, burst: 5, concurrency: 4, cacheTtlMs: 60_000, messages: { throttled: ERROR_MESSAGES.throttled } },
};

/** The fleet-index budget: FLEET_INDEX_RPS (default 10, fractions allowed), FLEET_INDEX_CACHE_MS (default 5000, 0 = no reuse). */
export function readQuotaConfig(env?: RawEnv): QuotaConfig {
  const { FLEET_INDEX_RPS: ratePerSecond, FLEET_INDEX_CACHE_MS: cacheTtlMs } = readEnv(["FLEET_INDEX_RPS", "FLEET_INDEX_CACHE_MS"], env);
  return { ...DEFAULT_QUOTA, ratePerSecond, burst: Math.max(1, Math.floor(ratePerSecond)), cacheTtlMs };
}

/** Every budget, with the environment's overrides (today those of the fleet index). */
export function readBudgets(env?: RawEnv): Record<BudgetName, QuotaConfig> {
  return { ...DEFAULT_BUDGETS, fleetIndex: readQuotaConfig(env) };
}

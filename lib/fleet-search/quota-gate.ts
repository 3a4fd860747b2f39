import { createTtlCache } from "@/lib/async/ttl-cache";
import { backoffDelayMs } from "@/lib/async/retry";
import { AppError } from "@/lib/errors";
import { cacheKey } from "./cache-key";
import { QueueFullError, createTokenBucket, systemClock, type Clock } from "./token-bucket";

/**
 * Every fleet-index call of the console passes through one gate per process, which
 * protects the account's quota in three layers, outermost first:
 *
 * 1. a short-lived cache keyed by operation + normalised arguments, which also
 *    coalesces identical calls in flight (50 identical requests, one backend call);
 * 2. retry with exponential backoff and full jitter when AWS answers
 *    ThrottlingException, a bounded number of times;
 * 3. a token bucket that every attempt (first or retry) waits on, in FIFO order.
 *
 * When the queue is too long or the retries run out, the caller gets a ThrottledError
 * carrying a suggested wait, which route handlers send as `429` + `Retry-After`.
 *
 * The cache lives in this process: several console replicas each keep their own, so
 * behind a load balancer the bound becomes one backend call per period per replica,
 * and the rate limit applies per replica (set FLEET_INDEX_RPS to the account's limit
 * divided by the number of replicas).
 */
export interface QuotaConfig {
  /** Sustained fleet-index calls per second (FLEET_INDEX_RPS). */
  ratePerSecond: number;
  /** Calls that may start at once after a quiet period. */
  burst: number;
  /** A caller waiting longer than this for a slot is refused (throttled). */
  maxQueueWaitMs: number;
  /** How long an answer is reused (FLEET_INDEX_CACHE_MS); 0 keeps only in-flight coalescing. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Retries after a ThrottlingException, with backoff between baseMs and maxMs. */
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_QUOTA: QuotaConfig = {
  ratePerSecond: 10,
  burst: 10,
  maxQueueWaitMs: 3_000,
  cacheTtlMs: 5_000,
  cacheMaxEntries: 500,
  retries: 4,
  retryBaseMs: 200,
  retryMaxMs: 2_000,
};

function positiveNumber(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

/** FLEET_INDEX_RPS (default 10, fractions allowed), FLEET_INDEX_CACHE_MS (default 5000, 0 = no reuse). */
export function readQuotaConfig(env: NodeJS.ProcessEnv = process.env): QuotaConfig {
  const ratePerSecond = positiveNumber(env.FLEET_INDEX_RPS, "FLEET_INDEX_RPS", DEFAULT_QUOTA.ratePerSecond, 0.01);
  const cacheTtlMs = positiveNumber(env.FLEET_INDEX_CACHE_MS, "FLEET_INDEX_CACHE_MS", DEFAULT_QUOTA.cacheTtlMs, 0);
  return { ...DEFAULT_QUOTA, ratePerSecond, burst: Math.max(1, Math.floor(ratePerSecond)), cacheTtlMs };
}

const AWS_THROTTLED_MESSAGE = "AWS IoT fleet indexing is rate-limiting the console's searches right now. Retrying shortly.";
const QUEUE_FULL_MESSAGE = "Many fleet searches are running at once; the console paces them to stay within the account's AWS IoT quota. Retrying shortly.";

/** The console's "rate limited" error, with the wait to suggest to the caller. */
export class ThrottledError extends AppError {
  constructor(
    readonly retryAfterMs: number,
    message = AWS_THROTTLED_MESSAGE,
    options?: { cause?: unknown },
  ) {
    super("throttled", message, options);
  }
}

/** Seconds for a `Retry-After` header: whole seconds, at least 1. */
export function retryAfterSeconds(err: unknown): number {
  const ms = err instanceof ThrottledError ? err.retryAfterMs : 1_000;
  return Math.max(1, Math.ceil(ms / 1000));
}

export interface GateStats {
  /** Calls that reached the backend (every attempt, retries included). */
  backendCalls: number;
  byOperation: Record<string, number>;
  /** Answers served from the cache or by joining an identical call in flight. */
  cacheHits: number;
  /** Retries after a throttling answer. */
  throttledRetries: number;
  /** Calls refused because the queue was too long, or given up after the retries. */
  throttledAnswers: number;
}

export interface CallOptions {
  /** Reuse and share answers (default true). Exports page through once and pass false. */
  cache?: boolean;
  /** Aborts the wait for a slot or a retry (uncached calls only: a shared call serves others too). */
  signal?: AbortSignal;
}

export interface QuotaGate {
  call<T>(operation: string, args: Record<string, unknown>, run: (signal?: AbortSignal) => Promise<T>, opts?: CallOptions): Promise<{ value: T; cached: boolean }>;
  stats(): GateStats;
  /** Drops cached answers (and, with `stats`, the counters). */
  reset(opts?: { stats?: boolean }): void;
  readonly config: QuotaConfig;
}

export interface GateDeps {
  /** Whether a backend failure is AWS throttling (retry) rather than a real error. */
  isThrottled: (err: unknown) => boolean;
  clock?: Clock;
  random?: () => number;
}

export function createQuotaGate(config: QuotaConfig, deps: GateDeps): QuotaGate {
  const clock = deps.clock ?? systemClock;
  const bucket = createTokenBucket({ ratePerSecond: config.ratePerSecond, burst: config.burst, maxWaitMs: config.maxQueueWaitMs, clock });
  const cache = createTtlCache<unknown>({ ttlMs: config.cacheTtlMs, maxEntries: config.cacheMaxEntries, now: () => clock.now() });
  let stats = emptyStats();

  const throttled = (retryAfterMs: number, message: string, cause?: unknown) => {
    stats.throttledAnswers++;
    return new ThrottledError(retryAfterMs, message, { cause });
  };

  async function attempt<T>(operation: string, run: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        await bucket.acquire(signal);
      } catch (err) {
        if (err instanceof QueueFullError) throw throttled(err.retryAfterMs, QUEUE_FULL_MESSAGE, err);
        throw err;
      }
      stats.backendCalls++;
      stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
      try {
        return await run(signal);
      } catch (err) {
        if (!deps.isThrottled(err)) throw err;
        if (retry >= config.retries) throw throttled(config.retryMaxMs, AWS_THROTTLED_MESSAGE, err);
        stats.throttledRetries++;
        await clock.sleep(backoffDelayMs(retry, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs }, deps.random), signal);
      }
    }
  }

  return {
    config,
    async call<T>(operation: string, args: Record<string, unknown>, run: (signal?: AbortSignal) => Promise<T>, opts: CallOptions = {}) {
      if (opts.cache === false) return { value: await attempt(operation, run, opts.signal), cached: false };
      let loaded = false;
      const value = await cache.get(cacheKey(operation, args), () => {
        loaded = true;
        return attempt(operation, run);
      });
      if (!loaded) stats.cacheHits++;
      return { value: value as T, cached: !loaded };
    },
    stats: () => ({ ...stats, byOperation: { ...stats.byOperation } }),
    reset(opts) {
      cache.invalidate();
      if (opts?.stats) stats = emptyStats();
    },
  };
}

function emptyStats(): GateStats {
  return { backendCalls: 0, byOperation: {}, cacheHits: 0, throttledRetries: 0, throttledAnswers: 0 };
}

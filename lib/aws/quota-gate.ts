import "server-only";
import { createLimiter, type Limiter } from "@/lib/async/limiter";
import { backoffDelayMs } from "@/lib/async/retry";
import { QueueFullError, createTokenBucket, systemClock, type Clock, type TokenBucket } from "@/lib/async/token-bucket";
import { createTtlCache } from "@/lib/async/ttl-cache";
import { AppError, retryAfterSeconds } from "@/lib/errors";
import { cacheKey } from "./cache-key";

/**
 * One call budget's gate (lib/aws/budgets.ts names them; lib/aws/call-policy.ts keeps one
 * per budget per process). It protects the account's quota in layers, outermost first:
 *
 * 1. a short-lived cache keyed by operation + normalised arguments, which also
 *    coalesces identical calls in flight (50 identical requests, one backend call);
 * 2. retry with exponential backoff and full jitter when AWS answers
 *    ThrottlingException, a bounded number of times;
 * 3. a token bucket that every attempt (first or retry) waits on, in FIFO order, and a
 *    bound on the calls in flight at once.
 *
 * When the queue is too long or the retries run out, the caller gets a ThrottledError
 * carrying a suggested wait (`retryAfterMs`), which route handlers send as `429` +
 * `Retry-After`.
 *
 * The cache lives in this process: several console replicas each keep their own, so
 * behind a load balancer the bound becomes one backend call per period per replica,
 * and the rate limit applies per replica (set FLEET_INDEX_RPS to the account's limit
 * divided by the number of replicas).
 */
export interface QuotaConfig {
  /** Sustained calls per second (FLEET_INDEX_RPS for the fleet index); null: no rate limit. */
  ratePerSecond: number | null;
  /** Calls that may start at once after a quiet period. */
  burst: number;
  /**
   * The rate applies to each AWS operation on its own (one gate per operation), as AWS
   * throttles each Jobs API separately; otherwise all operations of the budget share it.
   */
  perOperation?: boolean;
  /** A caller waiting longer than this for a slot is refused (throttled). */
  maxQueueWaitMs: number;
  /** Calls in flight at once, in the whole process; absent: no bound. */
  concurrency?: number;
  /** How long an answer is reused unless the call says otherwise (FLEET_INDEX_CACHE_MS); 0 keeps only in-flight coalescing. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Retries after a ThrottlingException, with backoff between baseMs and maxMs. */
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** What a throttled caller is told (AWS kept throttling; the console's own queue was full). */
  messages?: { throttled?: string; queueFull?: string };
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

const AWS_THROTTLED_MESSAGE = "AWS IoT fleet indexing is rate-limiting the console's searches right now. Retrying shortly.";
const QUEUE_FULL_MESSAGE = "Many fleet searches are running at once; the console paces them to stay within the account's AWS IoT quota. Retrying shortly.";

/** The console's "rate limited" error, with the wait to suggest to the caller. */
export class ThrottledError extends AppError {
  declare readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message = AWS_THROTTLED_MESSAGE, options?: { cause?: unknown }) {
    super("throttled", message, { ...options, retryAfterMs });
  }
}

export { retryAfterSeconds };

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
  /** How long this answer is reused (default: the budget's cacheTtlMs); 0 shares only the call in flight. */
  cacheMs?: number;
  /** Retries after throttling for this call (default: the budget's). */
  retries?: number;
  /** Aborts the wait for a slot or a retry (uncached calls only: a shared call serves others too). */
  signal?: AbortSignal;
}

export interface QuotaGate {
  call<T>(
    operation: string,
    args: Record<string, unknown>,
    run: (signal?: AbortSignal) => Promise<T>,
    opts?: CallOptions,
  ): Promise<{ value: T; cached: boolean }>;
  /** Drops the cached answer of one call (the console just changed what it read). */
  forget(operation: string, args: Record<string, unknown>): void;
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
  const bucket: TokenBucket | null =
    config.ratePerSecond === null
      ? null
      : createTokenBucket({ ratePerSecond: config.ratePerSecond, burst: config.burst, maxWaitMs: config.maxQueueWaitMs, clock });
  const slots: Limiter = config.concurrency ? createLimiter(config.concurrency) : (task) => task();
  const cache = createTtlCache<unknown>({ ttlMs: config.cacheTtlMs, maxEntries: config.cacheMaxEntries, now: () => clock.now() });
  const throttledMessage = config.messages?.throttled ?? AWS_THROTTLED_MESSAGE;
  const queueFullMessage = config.messages?.queueFull ?? QUEUE_FULL_MESSAGE;
  let stats = emptyStats();

  const throttled = (retryAfterMs: number, message: string, cause?: unknown) => {
    stats.throttledAnswers++;
    return new ThrottledError(retryAfterMs, message, { cause });
  };

  async function attempt<T>(operation: string, run: (signal?: AbortSignal) => Promise<T>, retries: number, signal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        await bucket?.acquire(signal);
      } catch (err) {
        if (err instanceof QueueFullError) throw throttled(err.retryAfterMs, queueFullMessage, err);
        throw err;
      }
      try {
        return await slots(() => {
          stats.backendCalls++;
          stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
          return run(signal);
        });
      } catch (err) {
        if (!deps.isThrottled(err)) throw err;
        if (retry >= retries) throw throttled(config.retryMaxMs, throttledMessage, err);
        stats.throttledRetries++;
        await clock.sleep(backoffDelayMs(retry, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs }, deps.random), signal);
      }
    }
  }

  return {
    config,
    async call<T>(operation: string, args: Record<string, unknown>, run: (signal?: AbortSignal) => Promise<T>, opts: CallOptions = {}) {
      const retries = opts.retries ?? config.retries;
      if (opts.cache === false) return { value: await attempt(operation, run, retries, opts.signal), cached: false };
      let loaded = false;
      const value = await cache.get(
        cacheKey(operation, args),
        () => {
          loaded = true;
          return attempt(operation, run, retries);
        },
        opts.cacheMs,
      );
      if (!loaded) stats.cacheHits++;
      return { value: value as T, cached: !loaded };
    },
    forget: (operation, args) => cache.invalidate(cacheKey(operation, args)),
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

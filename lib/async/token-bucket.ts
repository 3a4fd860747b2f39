/**
 * A token bucket for rate-limited AWS APIs (the call budgets of lib/aws/budgets.ts). AWS IoT limits SearchIndex and the
 * aggregation calls per account (a few requests per second by default); a console with
 * a whole SOC behind it must stay under that on its own instead of learning it from
 * ThrottlingException.
 *
 * Each caller reserves the next free slot: the bucket may go negative, and a negative
 * balance is a queue whose n-th member waits n / rate seconds. Reservations are handed
 * out in call order and their start times only grow, so waiting callers run in FIFO
 * order. A caller whose wait would exceed `maxWaitMs` is refused at once (the queue is
 * bounded by time, not by length) with the wait it would have had, so the HTTP answer
 * can say when to come back.
 *
 * Pure: time comes from `clock`, so tests drive it with fake timers.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time. Reads the globals at call time, so fake timers installed later apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

export interface TokenBucketOptions {
  /** Tokens added per second (the sustained request rate). */
  ratePerSecond: number;
  /** Bucket size: how many calls may start at once after a quiet period. Default: one second's worth. */
  burst?: number;
  /** Refuse a caller that would wait longer than this. */
  maxWaitMs: number;
  clock?: Clock;
}

/** Thrown by `acquire` when the queue is too long; `retryAfterMs` is the wait the caller would have had. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`The request queue is full (next free slot in ${Math.ceil(retryAfterMs)} ms).`);
    this.name = "QueueFullError";
  }
}

export interface TokenBucket {
  /** Waits for a slot (FIFO). Rejects with QueueFullError, or the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** The wait a caller arriving now would have, in ms (0 when a token is free). */
  currentWaitMs(): number;
}

export function createTokenBucket(opts: TokenBucketOptions): TokenBucket {
  if (!(opts.ratePerSecond > 0) || !Number.isFinite(opts.ratePerSecond)) throw new RangeError("ratePerSecond must be a positive number");
  const clock = opts.clock ?? systemClock;
  const capacity = Math.max(1, opts.burst ?? opts.ratePerSecond);
  const msPerToken = 1000 / opts.ratePerSecond;
  let tokens = capacity;
  let updatedAt = clock.now();

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(capacity, tokens + (now - updatedAt) / msPerToken);
    updatedAt = now;
  };
  // A balance below one token means the caller waits for the missing fraction.
  const waitFor = (balance: number) => (balance >= 1 ? 0 : (1 - balance) * msPerToken);

  return {
    currentWaitMs() {
      refill();
      return waitFor(tokens);
    },
    async acquire(signal) {
      if (signal?.aborted) throw abortReason(signal);
      refill();
      const wait = waitFor(tokens);
      if (wait > opts.maxWaitMs) throw new QueueFullError(wait);
      tokens -= 1;
      // An aborted waiter keeps its slot: handing it back would let a newcomer start
      // at the same moment as the waiter behind it, a burst above the rate.
      if (wait > 0) await clock.sleep(Math.ceil(wait), signal);
    },
  };
}

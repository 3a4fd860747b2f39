/**
 * Bounded concurrency. A limiter is shared by every caller of one AWS operation in the
 * process, so two browser tabs asking for connectivity cannot multiply the request
 * rate against AWS IoT's per-account limits.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Thrown (synchronously as a rejection, without waiting) when a bounded queue is full. */
export class LimiterBusyError extends Error {
  constructor() {
    super("Too many tasks are waiting; try again shortly.");
  }
}

/**
 * `maxQueued` bounds how many tasks may wait for a slot: one more is refused at once with
 * LimiterBusyError rather than queued, so a flood is turned away instead of piling up.
 */
export function createLimiter(maxConcurrent: number, options: { maxQueued?: number } = {}): Limiter {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError("maxConcurrent must be a positive integer");
  const maxQueued = options.maxQueued ?? Infinity;
  let active = 0;
  const waiting: Array<() => void> = [];

  // The slot passes straight to the next waiter: decrementing and letting it increment
  // later would let a caller arriving in between take the slot too (one over the cap).
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= maxConcurrent) {
      if (waiting.length >= maxQueued) throw new LimiterBusyError();
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active++;
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Maps with at most `limit` tasks in flight; results keep the input order. Rejects on the first failure. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const run = createLimiter(limit);
  return Promise.all(items.map((item, i) => run(() => fn(item, i))));
}

/** Like mapWithConcurrency, but one failing item does not fail the others. */
export async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const run = createLimiter(limit);
  return Promise.allSettled(items.map((item, i) => run(() => fn(item, i))));
}

/**
 * Bounded concurrency. A limiter is shared by every caller of one AWS operation in the
 * process, so two browser tabs asking for connectivity cannot multiply the request
 * rate against AWS IoT's per-account limits.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(maxConcurrent: number): Limiter {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError("maxConcurrent must be a positive integer");
  let active = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= maxConcurrent) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
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

/**
 * Retry with exponential backoff and full jitter (AWS's recommended shape), for
 * ThrottlingException during bulk reads such as building the group tree.
 */
export interface BackoffOptions {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function backoffDelayMs(attempt: number, opts: Pick<BackoffOptions, "baseMs" | "maxMs">, random: () => number = Math.random): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(task: () => Promise<T>, shouldRetry: (err: unknown) => boolean, opts: BackoffOptions): Promise<T> {
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      if (attempt >= opts.retries || !shouldRetry(err)) throw err;
      await sleep(backoffDelayMs(attempt, opts, opts.random));
    }
  }
}

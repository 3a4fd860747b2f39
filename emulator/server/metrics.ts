/**
 * Per-operation figures since start (or the last reset), keyed `<service> <Operation>`
 * (`iot SearchIndex`): how many requests, which exceptions they failed with, and their
 * latency (mean, max, and p50/p95 over the last samples).
 */
const SAMPLES = 512;

interface OperationFigures {
  count: number;
  errors: Record<string, number>;
  totalMs: number;
  maxMs: number;
  /** A ring of the latest latencies, for percentiles. */
  recent: number[];
  next: number;
}

export interface OperationMetricsView {
  count: number;
  errors: Record<string, number>;
  latencyMs: { mean: number; p50: number; p95: number; max: number };
}

export class OperationMetrics {
  private readonly ops = new Map<string, OperationFigures>();

  record(key: string, ms: number, errorCode?: string): void {
    let f = this.ops.get(key);
    if (!f) this.ops.set(key, (f = { count: 0, errors: {}, totalMs: 0, maxMs: 0, recent: [], next: 0 }));
    f.count++;
    f.totalMs += ms;
    f.maxMs = Math.max(f.maxMs, ms);
    if (f.recent.length < SAMPLES) f.recent.push(ms);
    else f.recent[f.next] = ms;
    f.next = (f.next + 1) % SAMPLES;
    if (errorCode) f.errors[errorCode] = (f.errors[errorCode] ?? 0) + 1;
  }

  clear(): void {
    this.ops.clear();
  }

  snapshot(): Record<string, OperationMetricsView> {
    const out: Record<string, OperationMetricsView> = {};
    for (const [key, f] of [...this.ops].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const sorted = [...f.recent].sort((a, b) => a - b);
      const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
      out[key] = { count: f.count, errors: { ...f.errors }, latencyMs: { mean: round(f.totalMs / f.count), p50: at(50), p95: at(95), max: round(f.maxMs) } };
    }
    return out;
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

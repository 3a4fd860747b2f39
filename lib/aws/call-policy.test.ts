import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
const { budgetGate, budgetStats, forget, forgetShared, lane, read, readWithMeta, shared } = await import("./call-policy");
const { DEFAULT_BUDGETS, readBudgets } = await import("./budgets");
const { AppError } = await import("@/lib/errors");
const { ThrottledError } = await import("./quota-gate");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
  for (const b of ["fleetIndex", "registry", "dataPlane"] as const) budgetGate(b).reset({ stats: true });
});
afterEach(() => vi.useRealTimers());

/** A call the test releases after `ms` of fake time, counting how often it ran. */
function slowCall<T>(value: (n: number) => T, ms = 50) {
  let calls = 0;
  let active = 0;
  let peak = 0;
  return {
    get calls() {
      return calls;
    },
    get peak() {
      return peak;
    },
    run: async () => {
      const n = ++calls;
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, ms));
      active--;
      return value(n);
    },
  };
}

describe("budgets", () => {
  it("are declared in one table, the fleet index from the existing variables", () => {
    expect(Object.keys(DEFAULT_BUDGETS).sort()).toEqual(["athena", "audit", "dataPlane", "fleetIndex", "jobs", "registry"]);
    const budgets = readBudgets({ FLEET_INDEX_RPS: "4", FLEET_INDEX_CACHE_MS: "250" });
    expect(budgets.fleetIndex).toMatchObject({ ratePerSecond: 4, burst: 4, cacheTtlMs: 250 });
    expect(budgets.registry).toMatchObject({ ratePerSecond: null, concurrency: 8 });
    expect(readBudgets({}).fleetIndex).toMatchObject({ ratePerSecond: 10, cacheTtlMs: 5_000 });
  });

  it("each read spends its own budget: the registry's calls in flight are bounded process-wide, the fleet index's rate", async () => {
    const registry = slowCall((n) => n);
    const regs = Promise.all(
      Array.from({ length: 20 }, (_, i) => read({ operation: "DescribeThing", budget: "registry", key: { thingName: `t${i}` } }, registry.run)),
    );
    const startedAt: number[] = [];
    const index = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        read({ operation: "SearchIndex", budget: "fleetIndex", key: { queryString: `q${i}` } }, async () => startedAt.push(Date.now() - 1_000_000)),
      ),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([regs, index]);
    expect(registry.calls).toBe(20);
    expect(registry.peak).toBe(8);
    // A burst of 10, then 100 ms apart: the registry's reads did not spend the index's rate.
    expect(startedAt).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
    expect(budgetStats("registry").byOperation).toEqual({ DescribeThing: 20 });
    expect(budgetStats("fleetIndex").byOperation).toEqual({ SearchIndex: 12 });
  });
});

describe("the jobs budget", () => {
  it("rates each Jobs operation on its own, as AWS throttles each Jobs API separately", async () => {
    for (const op of ["ListJobExecutionsForJob", "DescribeJobExecution"]) budgetGate("jobs", op).reset({ stats: true });
    const startedAt: Record<string, number[]> = { ListJobExecutionsForJob: [], DescribeJobExecution: [] };
    const reads = ["ListJobExecutionsForJob", "DescribeJobExecution"].flatMap((operation) =>
      Array.from({ length: 12 }, (_, i) => read({ operation, budget: "jobs", key: { n: i } }, async () => startedAt[operation].push(Date.now() - 1_000_000))),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(reads);
    // Each operation: a burst of 10, then 100 ms apart; the other operation's reads took none of its slots.
    expect(startedAt.ListJobExecutionsForJob).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
    expect(startedAt.DescribeJobExecution).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
    expect(budgetStats("jobs", "DescribeJobExecution").byOperation).toEqual({ DescribeJobExecution: 12 });
  });

  it("tells a caller refused by the console's own queue that job reads are paced, not fleet searches", async () => {
    budgetGate("jobs", "DescribeJob").reset({ stats: true });
    const outcomes = Array.from({ length: 60 }, (_, i) =>
      read({ operation: "DescribeJob", budget: "jobs", key: { jobId: `j${i}` } }, async () => i).catch((e: unknown) => e),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    const refused = (await Promise.all(outcomes)).filter((o): o is InstanceType<typeof AppError> => o instanceof AppError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.code).toBe("throttled");
    expect(refused[0]!.message).toMatch(/job reads/);
  });
});

describe("read: coalescing and cache lifetime", () => {
  it("identical reads in flight share one call; different keys do not", async () => {
    const call = slowCall((n) => n);
    const spec = { operation: "GetThingShadow", budget: "dataPlane" as const, key: { thingName: "a", shadowName: null } };
    const p = Promise.all([read(spec, call.run), read(spec, call.run), read({ ...spec, key: { thingName: "b", shadowName: null } }, call.run)]);
    await vi.advanceTimersByTimeAsync(60);
    expect(await p).toEqual([1, 1, 2]);
    expect(call.calls).toBe(2);
  });

  it("keeps an answer for the lifetime the read declares, and no longer", async () => {
    const call = slowCall((n) => n, 10);
    const spec = { operation: "GetThingShadow", budget: "dataPlane" as const, key: { thingName: "a" }, cacheMs: 1_000 };
    const first = read(spec, call.run);
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toBe(1);
    await vi.advanceTimersByTimeAsync(900);
    expect(await read(spec, call.run)).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    const later = read(spec, call.run);
    await vi.advanceTimersByTimeAsync(10);
    expect(await later).toBe(2);
  });

  it("with cacheMs 0 only a read in flight is shared; with coalesce false nothing is", async () => {
    const call = slowCall((n) => n, 10);
    const spec = { operation: "DescribeThing", budget: "registry" as const, key: { thingName: "x" }, cacheMs: 0 };
    const a = Promise.all([read(spec, call.run), read(spec, call.run)]);
    await vi.advanceTimersByTimeAsync(10);
    expect(await a).toEqual([1, 1]);
    const b = read(spec, call.run);
    await vi.advanceTimersByTimeAsync(10);
    expect(await b).toBe(2);
    const c = Promise.all([read({ ...spec, coalesce: false }, call.run), read({ ...spec, coalesce: false }, call.run)]);
    await vi.advanceTimersByTimeAsync(10);
    expect(await c).toEqual([3, 4]);
  });

  it("says whether an answer was shared, and forget drops it", async () => {
    const spec = { operation: "GetThingShadow", budget: "dataPlane" as const, key: { thingName: "f" }, cacheMs: 60_000 };
    let n = 0;
    const call = async () => ++n;
    expect(await readWithMeta(spec, call)).toEqual({ value: 1, cached: false });
    expect(await readWithMeta(spec, call)).toEqual({ value: 1, cached: true });
    forget(spec);
    expect(await readWithMeta(spec, call)).toEqual({ value: 2, cached: false });
  });

  it("retries throttling within the budget and then answers throttled with a retry-after hint", async () => {
    let calls = 0;
    const p = read({ operation: "ListThings", budget: "registry", key: { a: 1 } }, async () => {
      calls++;
      throw new AppError("throttled");
    }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const err = await p;
    expect(calls).toBe(DEFAULT_BUDGETS.registry.retries + 1);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as InstanceType<typeof ThrottledError>).retryAfterMs).toBe(DEFAULT_BUDGETS.registry.retryMaxMs);
    // The registry's throttling reads as the console's own words, not the fleet index's.
    expect((err as Error).message).toMatch(/rate-limiting the console's requests/);
  });

  it("a read may ask for more retries than its budget gives (a bulk read that must finish)", async () => {
    let calls = 0;
    const p = read({ operation: "ListThingGroups", budget: "registry", key: {}, retries: 5 }, async () => {
      if (++calls < 6) throw new AppError("throttled");
      return "tree";
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await p).toBe("tree");
    expect(calls).toBe(6);
  });
});

describe("shared and lane", () => {
  it("shares what several reads add up to for its lifetime; failures are not kept; forgetShared drops it", async () => {
    const spec = { name: "test.tree", cacheMs: 30_000 };
    let builds = 0;
    await expect(shared(spec, async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    const build = async () => ++builds;
    expect(await Promise.all([shared(spec, build), shared(spec, build)])).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(await shared(spec, build)).toBe(1);
    forgetShared(spec);
    expect(await shared(spec, build)).toBe(2);
  });

  it("a lane bounds whole tasks of one kind across callers", async () => {
    const task = slowCall((n) => n);
    const p = Promise.all(Array.from({ length: 5 }, () => lane("test.count", 2)(task.run)));
    await vi.advanceTimersByTimeAsync(200);
    await p;
    expect(task.peak).toBe(2);
  });
});

import { Router } from "./router";
import type { Fault, FaultInjector } from "./faults";
import type { OperationMetrics } from "./metrics";
import type { Store } from "../store/store";
import { isRegionName } from "./regions";
import { MAX_ADVANCE_SECONDS, type EmulatorClock } from "../clock";

export interface AdminDeps {
  faults: FaultInjector;
  requestCounts: Map<string, number>;
  metrics: OperationMetrics;
  store: Store;
  regions: () => string[];
  clock?: EmulatorClock;
}

/** Bounds on injected faults: a tool's typo must not grow the list, or a message, without end. */
export const MAX_FAULTS = 100;
const MAX_FIELD = 256;
const MAX_MESSAGE = 2048;

/** The emulator's own routes under /_emulator/ (local tools only: see caller-guard.ts). */
export function adminRoutes({ faults, requestCounts, metrics, store, regions, clock }: AdminDeps): Router {
  const admin = new Router();
  admin.add("Health", "GET", "/_emulator/health", () => ({ body: { status: "ok" } }));
  // How many AWS requests each operation (`iot SearchIndex`) answered since start (or the
  // last reset): lets a benchmark prove what the console sends, e.g. one SearchIndex per cache period.
  admin.add("ListRequestCounts", "GET", "/_emulator/requests", () => ({ body: { counts: Object.fromEntries(requestCounts) } }));
  admin.add("ResetRequestCounts", "DELETE", "/_emulator/requests", () => {
    requestCounts.clear();
    return { status: 204, raw: "" };
  });
  // Per operation: count, errors by exception name, latency.
  admin.add("GetMetrics", "GET", "/_emulator/metrics", () => ({ body: { operations: metrics.snapshot() } }));
  admin.add("ResetMetrics", "DELETE", "/_emulator/metrics", () => {
    metrics.clear();
    return { status: 204, raw: "" };
  });
  admin.add("ListRegions", "GET", "/_emulator/regions", () => ({ body: { regions: regions() } }));
  admin.add("ListFaults", "GET", "/_emulator/faults", () => ({ body: { faults: faults.list() } }));
  admin.add("AddFault", "POST", "/_emulator/faults", (ctx) => {
    let f: Partial<Fault>;
    try {
      f = JSON.parse(ctx.rawBody.toString("utf8") || "{}") as Partial<Fault>;
    } catch {
      return { status: 400, body: { message: "the body must be a JSON object" } };
    }
    if (typeof f !== "object" || f === null || typeof f.service !== "string" || typeof f.code !== "string") {
      return { status: 400, body: { message: "service and code are required strings" } };
    }
    const wrong =
      (["operation", "method", "pathPrefix", "region", "message"] as const).find((k) => f[k] !== undefined && typeof f[k] !== "string") ??
      (["status", "remaining"] as const).find((k) => f[k] !== undefined && !Number.isInteger(f[k]));
    if (wrong) return { status: 400, body: { message: `${wrong} has the wrong type` } };
    const tooLong = (["service", "code", "operation", "method", "pathPrefix", "region"] as const).find((k) => (f[k]?.length ?? 0) > MAX_FIELD);
    if (tooLong) return { status: 400, body: { message: `${tooLong} is longer than ${MAX_FIELD} characters` } };
    if ((f.message?.length ?? 0) > MAX_MESSAGE) return { status: 400, body: { message: `message is longer than ${MAX_MESSAGE} characters` } };
    if (f.status !== undefined && (f.status < 100 || f.status > 599)) return { status: 400, body: { message: "status must be an HTTP status, 100 to 599" } };
    if (f.region !== undefined && !isRegionName(f.region)) return { status: 400, body: { message: "region must be an AWS region name, such as us-east-1" } };
    if (faults.size >= MAX_FAULTS) return { status: 400, body: { message: `at most ${MAX_FAULTS} faults may be waiting; clear them first` } };
    faults.add({
      service: f.service,
      code: f.code,
      operation: f.operation,
      method: f.method,
      pathPrefix: f.pathPrefix,
      region: f.region,
      message: f.message,
      status: f.status,
      remaining: f.remaining ?? 1,
    });
    return { status: 201, body: {} };
  });
  admin.add("ClearFaults", "DELETE", "/_emulator/faults", () => {
    faults.clear();
    return { status: 204, raw: "" };
  });
  // A full disk, for tests and demos: the store file may not grow (SQLite answers
  // SQLITE_FULL) until DELETE. Writes then fail with 503 and are kept for a retry.
  admin.add("FillStore", "POST", "/_emulator/store/full", () => {
    store.limitPages(0);
    return { status: 204, raw: "" };
  });
  admin.add("FreeStore", "DELETE", "/_emulator/store/full", () => {
    store.limitPages(null);
    return { status: 204, raw: "" };
  });
  // The emulator clock: tests pass time (job timeouts in minutes, schedules 30 minutes ahead) without waiting.
  const clockBody = (c: EmulatorClock) => ({ body: { now: new Date(c.now()).toISOString(), nowMs: c.now(), offsetSeconds: c.offsetSeconds } });
  if (clock) {
    admin.add("DescribeClock", "GET", "/_emulator/clock", () => clockBody(clock));
    admin.add("AdvanceClock", "POST", "/_emulator/clock", (ctx) => {
      let body: { advanceSeconds?: unknown };
      try {
        body = JSON.parse(ctx.rawBody.toString("utf8") || "{}") as { advanceSeconds?: unknown };
      } catch {
        return { status: 400, body: { message: "the body must be a JSON object" } };
      }
      const s = body?.advanceSeconds;
      if (typeof s !== "number" || !Number.isFinite(s) || s < 0 || s > MAX_ADVANCE_SECONDS) {
        return { status: 400, body: { message: `advanceSeconds must be a number from 0 to ${MAX_ADVANCE_SECONDS}` } };
      }
      clock.advance(s);
      return clockBody(clock);
    });
  }
  admin.add("DescribeStore", "GET", "/_emulator/store", () => ({ body: { pendingChanges: store.pendingCount, failure: store.failure?.message ?? null } }));
  return admin;
}

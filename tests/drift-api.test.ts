import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  IoTClient,
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DescribeIndexCommand,
  GetStatisticsCommand,
  UpdateIndexingConfigurationCommand,
} from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { inBatches, startHarness } from "./emulator/harness";

/**
 * The drift API (app/api/drift/**, lib/shadow-drift/service.ts) against a real emulator
 * through the real SDK: a fleet whose drift is known by construction (classic and named
 * `config` shadows), counted by the aggregations, analysed key by key from the SearchIndex
 * pages, listed for drill-downs; the cap said honestly; one snapshot read shared by
 * concurrent callers; throttling answered 429.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "198.51.100.9"));
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), connection: async () => undefined }));

const h = await startHarness(IoTClient);
const dataDir = mkdtempSync(join(tmpdir(), "fc-drift-api-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
process.env.FLEET_BACKEND = "local";
process.env.EMULATOR_HOST = "127.0.0.1";
process.env.EMULATOR_HTTP_PORT = new URL(h.emulator.endpoint).port;
process.env.FLEET_INDEX_CACHE_MS = "1000";
afterAll(async () => {
  await fetch(`${h.emulator.endpoint}/_emulator/faults`, { method: "DELETE" });
  await h.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const { NextRequest } = await import("next/server");
const { consoleDb } = await import("@/lib/db/console-db");
const { createLocalUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { fleetIndexGate, fleetIndexStats } = await import("@/lib/fleet-search/service");
const { readDriftConfig, readSnapshot, resetDriftSnapshot } = await import("@/lib/shadow-drift/service");
const routes = {
  "/api/drift/summary": await import("@/app/api/drift/summary/route"),
  "/api/drift/keys": await import("@/app/api/drift/keys/route"),
  "/api/drift/things": await import("@/app/api/drift/things/route"),
  "/api/search/count": await import("@/app/api/search/count/route"),
};
type DriftSummary = import("@/lib/shadow-drift/contract").DriftSummary;
type DriftKeys = import("@/lib/shadow-drift/contract").DriftKeys;
type DriftThings = import("@/lib/shadow-drift/contract").DriftThings;

const db = consoleDb();
const viewer = await createLocalUser(db, { username: "drift-viewer", password: "drift-api-password", role: "viewer" });

async function get(path: string): Promise<Response> {
  state.cookies = new Map([[SESSION_COOKIE, createSession(db, viewer.id, viewer.role, {}, sessionPolicy()).token]]);
  const url = new URL(path, "http://console.test");
  const mod = routes[url.pathname as keyof typeof routes];
  if (!mod) throw new Error(`no route ${url.pathname}`);
  return mod.GET(new NextRequest(url), { params: Promise.resolve({}) });
}

async function getJson<T>(path: string): Promise<T> {
  const res = await get(path);
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

const faults = (body: unknown) =>
  fetch(`${h.emulator.endpoint}/_emulator/faults`, { method: body ? "POST" : "DELETE", body: body ? JSON.stringify(body) : undefined });

// ------------------------------------------------------------------ the fleet, drift known by construction

const N = 150;
const name = (i: number) => `dr-${String(i).padStart(3, "0")}`;
const type = (i: number) => (i % 3 === 0 ? "win" : "lin");
const group = (i: number) => (i % 2 === 0 ? "site-a" : "site-b");
/** Classic shadow: every 4th agent still in detect mode, every 5th on an old blocklist. */
const modeDrift = (i: number) => i % 4 === 0;
const blocklistDrift = (i: number) => i % 5 === 0;
/** Of the agents in detect mode, every other one says it cannot switch (its reported lastError names the key). */
const modeFails = (i: number) => i % 8 === 0;
/** Named `config` shadow on every 10th thing; every 20th has a log level pending. */
const hasConfig = (i: number) => i % 10 === 0;
const configDrift = (i: number) => i % 20 === 0;
const classicDrifted = Array.from({ length: N }, (_, i) => i).filter((i) => modeDrift(i) || blocklistDrift(i));
const configDrifted = Array.from({ length: N }, (_, i) => i).filter(configDrift);
const anyDrifted = Array.from({ length: N }, (_, i) => i).filter((i) => modeDrift(i) || blocklistDrift(i) || configDrift(i));
let seededAtSec = 0;

beforeAll(async () => {
  await h.iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration: {
        thingIndexingMode: "REGISTRY_AND_SHADOW",
        thingConnectivityIndexingMode: "STATUS",
        namedShadowIndexingMode: "ON",
        filter: { namedShadowNames: ["config"] },
      },
    }),
  );
  for (const t of ["win", "lin"]) await h.iot.send(new CreateThingTypeCommand({ thingTypeName: t }));
  for (const g of ["site-a", "site-b"]) await h.iot.send(new CreateThingGroupCommand({ thingGroupName: g }));
  const all = Array.from({ length: N }, (_, i) => i);
  await inBatches(all, 25, async (i) => {
    await h.iot.send(new CreateThingCommand({ thingName: name(i), thingTypeName: type(i) }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: name(i), thingGroupName: group(i) }));
  });
  seededAtSec = Math.floor(Date.now() / 1000);
  const data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  const update = (thingName: string, shadowName: string | undefined, state: object) =>
    data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: Buffer.from(JSON.stringify({ state })) }));
  await inBatches(all, 25, async (i) => {
    await update(name(i), undefined, {
      desired: { policy: { mode: "prevent" }, blocklist: { version: 42 } },
      reported: {
        policy: { mode: modeDrift(i) ? "detect" : "prevent" },
        blocklist: { version: blocklistDrift(i) ? 40 : 42 },
        agent: { version: "7.1" },
        ...(modeFails(i) ? { lastError: { code: "POLICY_LOCKED", message: "policy locked by a local administrator", at: 1, keys: ["policy.mode"] } } : {}),
      },
    });
    if (hasConfig(i)) await update(name(i), "config", { desired: { logLevel: "info" }, reported: { logLevel: configDrift(i) ? "debug" : "info" } });
  });
  data.destroy();
  for (let tries = 0; ; tries++) {
    const status = (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus;
    const n = status === "ACTIVE" ? (await h.iot.send(new GetStatisticsCommand({ queryString: "shadow.hasDelta:*" }))).statistics?.count : 0;
    if (n === N) break;
    if (tries > 100) throw new Error(`index not ready: ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  fleetIndexGate().reset({ stats: true });
  resetDriftSnapshot();
});

afterEach(async () => {
  await faults(null);
});

// ------------------------------------------------------------------ summary

describe("GET /api/drift/summary", () => {
  it("counts drifted things per shadow, out of the things that have it, as the search API counts shadow.hasDelta:true", async () => {
    const s = await getJson<DriftSummary>("/api/drift/summary");
    expect(s.indexing).toMatchObject({ classic: true, namedShadows: ["config"], connectivity: true, indexStatus: "ACTIVE" });
    expect(s.totalThings).toBe(N);
    expect(s.shadows).toEqual([
      { shadow: "classic", withShadow: N, drifted: classicDrifted.length },
      { shadow: "config", withShadow: N / 10, drifted: configDrifted.length },
    ]);
    expect(s.any).toEqual({ shadow: "any", withShadow: N, drifted: anyDrifted.length });
    const count = await getJson<{ count: number }>(`/api/search/count?q=${encodeURIComponent("shadow.hasDelta:true")}`);
    expect(count.count).toBe(s.shadows[0]!.drifted);
    expect(s.query).toBe("shadow.hasDelta:true OR shadow.name.config.hasDelta:true");
  });

  it("breaks the scope down by thing type and thing group, with the totals to compare with", async () => {
    const s = await getJson<DriftSummary>("/api/drift/summary?shadow=classic");
    expect(s.scope).toBe("classic");
    // Scoped to one shadow, "any shadow" is still counted for the headline.
    expect(s.any).toEqual({ shadow: "any", withShadow: N, drifted: anyDrifted.length });
    expect(s.byType!.withShadow).toBe(N);
    const expected = (key: (i: number) => string, v: string) => classicDrifted.filter((i) => key(i) === v).length;
    expect(s.byType!.field).toBe("registry.thingTypeName");
    expect(s.byType!.drifted).toBe(classicDrifted.length);
    expect(new Map(s.byType!.buckets.map((b) => [b.key, [b.drifted, b.total]]))).toEqual(
      new Map([
        ["win", [expected(type, "win"), N / 3]],
        ["lin", [expected(type, "lin"), N - N / 3]],
      ]),
    );
    expect(s.byType!.outside).toBe(0);
    expect(new Map(s.byGroup!.buckets.map((b) => [b.key, [b.drifted, b.total]]))).toEqual(
      new Map([
        ["site-a", [expected(group, "site-a"), N / 2]],
        ["site-b", [expected(group, "site-b"), N / 2]],
      ]),
    );
    // Highest first.
    expect(s.byType!.buckets[0]!.drifted).toBeGreaterThanOrEqual(s.byType!.buckets[1]!.drifted);

    const named = await getJson<DriftSummary>("/api/drift/summary?shadow=config");
    expect(named.byType!.drifted).toBe(configDrifted.length);
    expect(named.byType!.buckets.reduce((n, b) => n + (b.total ?? 0), 0)).toBe(N / 10);
  });

  it("refuses a shadow that is not indexed, and a malformed one without a backend call", async () => {
    const res = await get("/api/drift/summary?shadow=firmware");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/'firmware' is not indexed.*classic, config/);
    const before = fleetIndexStats().backendCalls;
    expect((await get("/api/drift/summary?shadow=a%20b")).status).toBe(400);
    expect((await get("/api/drift/things?limit=0")).status).toBe(400);
    expect(fleetIndexStats().backendCalls).toBe(before);
  });
});

// ------------------------------------------------------------------ keys and drill-down

describe("GET /api/drift/keys", () => {
  it("reads every drifted thing and counts each pending key, with ages from the desired metadata (epoch seconds)", async () => {
    resetDriftSnapshot();
    const k = await getJson<DriftKeys>("/api/drift/keys");
    expect(k).toMatchObject({ analysed: anyDrifted.length, drifted: anyDrifted.length, capped: false });
    const byKey = new Map(k.keys.map((s) => [`${s.shadow}:${s.path}`, s]));
    expect([...byKey.keys()].sort()).toEqual(["classic:blocklist.version", "classic:policy.mode", "config:logLevel"]);
    expect(byKey.get("classic:policy.mode")!.things).toBe(Array.from({ length: N }, (_, i) => i).filter(modeDrift).length);
    expect(byKey.get("classic:blocklist.version")!.things).toBe(Array.from({ length: N }, (_, i) => i).filter(blocklistDrift).length);
    expect(byKey.get("config:logLevel")!.things).toBe(configDrifted.length);
    expect(byKey.get("classic:policy.mode")!.failing).toBe(Array.from({ length: N }, (_, i) => i).filter(modeFails).length);
    expect(byKey.get("classic:blocklist.version")!.failing).toBe(0);
    const nowSec = Date.now() / 1000;
    for (const s of k.keys) {
      expect(s.notReported).toBe(0);
      expect(s.failing).toBeLessThanOrEqual(s.things);
      // Never connected over MQTT: every drifted agent is offline.
      expect(s.connected).toBe(0);
      expect(s.oldestSinceSec).toBeGreaterThanOrEqual(seededAtSec - 1);
      expect(s.oldestSinceSec).toBeLessThanOrEqual(nowSec);
      expect(s.medianSinceSec).toBeGreaterThanOrEqual(s.oldestSinceSec!);
      expect(s.ageClasses.reduce((a, b) => a + b, 0)).toBe(s.things);
    }
    // The most pending first.
    expect(k.keys.map((s) => s.things)).toEqual([...k.keys.map((s) => s.things)].sort((a, b) => b - a));
  });

  it("caps a large read and says so: the first N of the drifted things", async () => {
    const snap = await readSnapshot(10);
    expect(snap.coverage).toMatchObject({ analysed: 10, capped: true, cap: 10, drifted: anyDrifted.length });
    expect(snap.things).toHaveLength(10);
    const whole = await readSnapshot(10_000);
    expect(whole.coverage).toMatchObject({ analysed: anyDrifted.length, capped: false });
  });

  it("serves fifty concurrent callers from one read of the pages", async () => {
    resetDriftSnapshot();
    fleetIndexGate().reset({ stats: true });
    const answers = await Promise.all(Array.from({ length: 50 }, () => get("/api/drift/keys")));
    expect(answers.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const pages = Math.ceil(anyDrifted.length / 100);
    expect(fleetIndexStats().byOperation.SearchIndex).toBe(pages);
  });

  it("answers 429 with Retry-After while AWS keeps throttling, and recovers", async () => {
    resetDriftSnapshot();
    fleetIndexGate().reset();
    await faults({ service: "iot", code: "ThrottlingException", remaining: 50, pathPrefix: "/indices/search" });
    const res = await get("/api/drift/keys");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await faults(null);
    fleetIndexGate().reset();
    expect((await get("/api/drift/keys")).status).toBe(200);
  });
});

describe("GET /api/drift/things", () => {
  it("lists the drifted things of a type with a key pending, longest waiting first, with their pending keys", async () => {
    const t = await getJson<DriftThings>("/api/drift/things?shadow=classic&type=win&key=policy.mode");
    const expected = classicDrifted.filter((i) => type(i) === "win" && modeDrift(i)).map(name);
    expect(t.matched).toBe(expected.length);
    expect(t.rows.map((r) => r.thingName).sort()).toEqual(expected);
    expect(
      t.rows
        .filter((r) => r.pending.some((k) => k.path === "policy.mode" && k.error === "POLICY_LOCKED"))
        .map((r) => r.thingName)
        .sort(),
    ).toEqual(expected.filter((n) => modeFails(Number(n.slice(3)))));
    for (const r of t.rows) {
      expect(r.thingTypeName).toBe("win");
      expect(r.shadows).toEqual(["classic"]);
      expect(r.pending.map((k) => k.path)).toContain("policy.mode");
      expect(r.connected).toBe(false);
    }
    const since = t.rows.map((r) => r.oldestSinceSec ?? Infinity);
    expect(since).toEqual([...since].sort((a, b) => a - b));
  });

  it("combines group and named-shadow scope, and cuts the list at the limit", async () => {
    const t = await getJson<DriftThings>("/api/drift/things?shadow=config&group=site-a");
    expect(t.rows.map((r) => r.thingName).sort()).toEqual(configDrifted.filter((i) => group(i) === "site-a").map(name));
    expect(t.rows.every((r) => r.pending.every((k) => k.shadow === "config" && k.path === "logLevel"))).toBe(true);
    const all = await getJson<DriftThings>("/api/drift/things?limit=7");
    expect(all.matched).toBe(anyDrifted.length);
    expect(all.rows).toHaveLength(7);
    expect(all.limit).toBe(7);
  });
});

describe("drift configuration", () => {
  it("reads DRIFT_MAX_THINGS and DRIFT_SNAPSHOT_TTL_MS, with defaults, and refuses nonsense", () => {
    expect(readDriftConfig({})).toEqual({ maxThings: 5_000, snapshotTtlMs: 15_000 });
    expect(readDriftConfig({ DRIFT_MAX_THINGS: "200000", DRIFT_SNAPSHOT_TTL_MS: "0" })).toEqual({ maxThings: 200_000, snapshotTtlMs: 0 });
    expect(() => readDriftConfig({ DRIFT_MAX_THINGS: "0" })).toThrow(/DRIFT_MAX_THINGS/);
    expect(() => readDriftConfig({ DRIFT_SNAPSHOT_TTL_MS: "soon" })).toThrow(/DRIFT_SNAPSHOT_TTL_MS/);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  IoTClient,
  CreateThingCommand,
  CreateThingTypeCommand,
  DescribeIndexCommand,
  DescribeThingGroupCommand,
  ListThingsInThingGroupCommand,
  SearchIndexCommand,
  UpdateIndexingConfigurationCommand,
} from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { inBatches, startHarness } from "./emulator/harness";

/**
 * The console's search API (app/api/search/**, lib/actions/{save-query,
 * delete-saved-query,create-dynamic-group}.ts) against a real emulator through the real
 * SDK: paging to the end, exports whose row count is the match count, one backend call
 * for 50 identical searches, and ThrottlingException injected by the emulator retried.
 */

// ------------------------------------------------------------------ the request the guards see

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "198.51.100.9"));
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), connection: async () => undefined }));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), revalidatePath: vi.fn() }));

const h = await startHarness(IoTClient);
const dataDir = mkdtempSync(join(tmpdir(), "fc-search-api-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
process.env.FLEET_BACKEND = "local";
process.env.EMULATOR_HOST = "127.0.0.1";
process.env.EMULATOR_HTTP_PORT = new URL(h.emulator.endpoint).port;
// A short cache period, so a test can watch several periods go by.
process.env.FLEET_INDEX_CACHE_MS = "1000";
const CACHE_MS = 1000;
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
const routes = {
  "/api/search": await import("@/app/api/search/route"),
  "/api/search/count": await import("@/app/api/search/count/route"),
  "/api/search/fields": await import("@/app/api/search/fields/route"),
  "/api/search/aggregate": await import("@/app/api/search/aggregate/route"),
  "/api/search/export": await import("@/app/api/search/export/route"),
  "/api/search/saved": await import("@/app/api/search/saved/route"),
  "/api/search/history": await import("@/app/api/search/history/route"),
};
const { saveQuery } = await import("@/lib/actions/save-query");
const { deleteSavedQuery } = await import("@/lib/actions/delete-saved-query");
const { createDynamicGroupFromQuery } = await import("@/lib/actions/create-dynamic-group");

const db = consoleDb();
const PASSWORD = "search-api-password";
const alice = await createLocalUser(db, { username: "alice", password: PASSWORD, role: "viewer" });
const bob = await createLocalUser(db, { username: "bob", password: PASSWORD, role: "responder" });
const root = await createLocalUser(db, { username: "root", password: PASSWORD, role: "admin" });
type User = typeof alice;

function signInAs(user: User) {
  state.cookies = new Map([[SESSION_COOKIE, createSession(db, user.id, user.role, {}, sessionPolicy()).token]]);
}

async function get(path: string, user: User = alice, signal?: AbortSignal): Promise<Response> {
  signInAs(user);
  const url = new URL(path, "http://console.test");
  const mod = routes[url.pathname as keyof typeof routes];
  if (!mod) throw new Error(`no route ${url.pathname}`);
  return mod.GET(new NextRequest(url, { signal }), { params: Promise.resolve({}) });
}

async function getJson<T>(path: string, user?: User): Promise<T> {
  const res = await get(path, user);
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

const q = (query: string) => encodeURIComponent(query);
const faults = (body: unknown) =>
  fetch(`${h.emulator.endpoint}/_emulator/faults`, { method: body ? "POST" : "DELETE", body: body ? JSON.stringify(body) : undefined });
const pendingFaults = async () => ((await (await fetch(`${h.emulator.endpoint}/_emulator/faults`)).json()) as { faults: unknown[] }).faults;
const lastAudit = () => db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").get() as Record<string, string | null>;

// ------------------------------------------------------------------ the fleet

const N = 250;
const name = (i: number) => `fs-${String(i).padStart(4, "0")}`;
const os = (i: number) => (i % 3 === 0 ? "windows" : "linux");
const LINUX = Array.from({ length: N }, (_, i) => i)
  .filter((i) => os(i) === "linux")
  .map(name);
const WINDOWS_COUNT = N - LINUX.length;

beforeAll(async () => {
  await h.iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration: {
        thingIndexingMode: "REGISTRY_AND_SHADOW",
        thingConnectivityIndexingMode: "STATUS",
        customFields: [
          { name: "attributes.os", type: "String" },
          { name: "attributes.cpu", type: "Number" },
        ],
      },
    }),
  );
  await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "agent", thingTypeProperties: { searchableAttributes: ["os", "customer", "cpu"] } }));
  await inBatches(
    Array.from({ length: N }, (_, i) => i),
    25,
    (i) =>
      h.iot.send(
        new CreateThingCommand({
          thingName: name(i),
          thingTypeName: "agent",
          attributePayload: { attributes: { os: os(i), customer: i % 2 ? "acme" : "globex", cpu: String(i % 100), ...(i === 1 ? { note: "=A1" } : {}) } },
        }),
      ),
  );
  const data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  for (let i = 0; i < 5; i++) {
    const payload = Buffer.from(JSON.stringify({ state: { reported: { agent: { version: `7.${i}.0` } } } }));
    await data.send(new UpdateThingShadowCommand({ thingName: name(i), payload }));
  }
  data.destroy();
  // The index follows the registry within a second; wait until it is ACTIVE and complete.
  for (let tries = 0; ; tries++) {
    const status = (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus;
    const out = status === "ACTIVE" ? await h.iot.send(new SearchIndexCommand({ queryString: "shadow.reported.agent.version:*", maxResults: 10 })) : null;
    if (out?.things?.length === 5) break;
    if (tries > 100) throw new Error(`index not ready: ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  fleetIndexGate().reset({ stats: true });
});

afterEach(async () => {
  await faults(null);
});

// ------------------------------------------------------------------ reads

describe("GET /api/search", () => {
  it("pages through every match to the end, and records the query in the caller's history", async () => {
    const query = "attributes.os:linux";
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 50; page++) {
      const body: { things: Array<{ thingName: string; attributes: Record<string, string> }>; nextToken: string | null } = await getJson(
        `/api/search?q=${q(query)}&pageSize=37${token ? `&nextToken=${q(token)}` : ""}`,
      );
      expect(body.things.length).toBeLessThanOrEqual(37);
      expect(body.things.every((t) => t.attributes.os === "linux")).toBe(true);
      seen.push(...body.things.map((t) => t.thingName));
      token = body.nextToken;
      if (!token) break;
    }
    expect(token).toBeNull();
    expect(seen.length).toBe(LINUX.length);
    expect(new Set(seen)).toEqual(new Set(LINUX));
    const history = await getJson<Array<{ query: string }>>("/api/search/history");
    expect(history[0]?.query).toBe(query);
    expect(await getJson<unknown[]>("/api/search/history", bob)).toEqual([]);
  });

  it("returns rows in the app's shape: parsed shadow, connectivity in ms", async () => {
    const body = await getJson<{ things: Array<Record<string, unknown>> }>(`/api/search?q=${q(`thingName:${name(2)}`)}`);
    expect(body.things).toHaveLength(1);
    expect(body.things[0]).toMatchObject({
      thingName: name(2),
      thingTypeName: "agent",
      attributes: { os: "linux", customer: "globex", cpu: "2" },
      shadow: { reported: { agent: { version: "7.2.0" } } },
    });
    expect(body.things[0].connectivity === null || typeof (body.things[0].connectivity as { connected: unknown }).connected === "boolean").toBe(true);
  });

  it("refuses an invalid query with its position, without spending a backend call", async () => {
    const before = fleetIndexStats().backendCalls;
    const res = await get(`/api/search?q=${q("attributes.os:(linux OR")}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toMatch(/Invalid query/);
    expect(fleetIndexStats().backendCalls).toBe(before);
  });
});

describe("count, aggregations and fields", () => {
  it("counts the matches", async () => {
    expect(await getJson(`/api/search/count?q=${q("attributes.os:linux")}`)).toEqual({ count: LINUX.length });
    expect(await getJson(`/api/search/count?q=${q("attributes.os:nothing")}`)).toEqual({ count: 0 });
  });

  it("aggregates: buckets, statistics, percentiles, cardinality", async () => {
    const buckets = await getJson<{ type: string; totalCount: number; buckets: Array<{ key: string; count: number }> }>(
      `/api/search/aggregate?q=${q("thingName:fs-*")}&field=attributes.os&type=buckets`,
    );
    expect(buckets.type).toBe("buckets");
    expect(buckets.buckets).toEqual([
      { key: "linux", count: LINUX.length },
      { key: "windows", count: WINDOWS_COUNT },
    ]);
    const stats = await getJson<{ count: number; minimum: number; maximum: number }>(
      `/api/search/aggregate?q=${q("thingName:fs-*")}&field=attributes.cpu&type=statistics`,
    );
    expect(stats).toMatchObject({ type: "statistics", field: "attributes.cpu", count: N, minimum: 0, maximum: 99 });
    const pct = await getJson<{ percentiles: Array<{ percent: number; value: number }> }>(
      `/api/search/aggregate?q=${q("thingName:fs-*")}&field=attributes.cpu&type=percentiles&percents=50`,
    );
    expect(pct.percentiles).toHaveLength(1);
    expect(pct.percentiles[0].percent).toBe(50);
    expect(await getJson(`/api/search/aggregate?q=${q("thingName:fs-*")}&field=attributes.os&type=cardinality`)).toEqual({
      type: "cardinality",
      field: "attributes.os",
      cardinality: 2,
    });
  });

  it("lists managed, custom and registry attribute fields with the index status", async () => {
    const fields = await getJson<{
      indexStatus: string;
      indexing: { thingIndexingMode: string };
      fields: Array<{ name: string; source: string; type: string }>;
    }>("/api/search/fields");
    expect(fields.indexStatus).toBe("ACTIVE");
    expect(fields.indexing.thingIndexingMode).toBe("REGISTRY_AND_SHADOW");
    const byName = new Map(fields.fields.map((f) => [f.name, f]));
    expect(byName.get("thingName")?.source).toBe("managed");
    expect(byName.get("attributes.cpu")).toEqual({ name: "attributes.cpu", type: "Number", source: "custom" });
    expect(byName.get("attributes.customer")?.source).toBe("attribute");
  });
});

// ------------------------------------------------------------------ export

async function readAll(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return res.text();
}

describe("GET /api/search/export", () => {
  it("streams every match as CSV: a header of the requested columns, one line per thing, formulas defused", async () => {
    const res = await get(
      `/api/search/export?q=${q("thingName:fs-*")}&format=csv&columns=thingName,attributes.os,attributes.note,shadow.reported.agent.version`,
    );
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="fleet-search-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("x-match-count")).toBe(String(N));
    const lines = (await readAll(res)).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe('"thingName","attributes.os","attributes.note","shadow.reported.agent.version"');
    expect(lines.length - 1).toBe(N);
    expect(lines).toContain(`"${name(1)}","linux","'=A1","7.1.0"`);
    expect(lines).toContain(`"${name(9)}","windows","",""`);
  });

  it("streams every match as JSON Lines; the row count equals the match count", async () => {
    const { count } = await getJson<{ count: number }>(`/api/search/count?q=${q("attributes.os:linux")}`);
    const res = await get(`/api/search/export?q=${q("attributes.os:linux")}&format=jsonl`);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const rows = (await readAll(res))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { thingName: string });
    expect(rows.length).toBe(count);
    expect(new Set(rows.map((r) => r.thingName))).toEqual(new Set(LINUX));
  });

  it("uses the default columns when none are given", async () => {
    const text = await readAll(await get(`/api/search/export?q=${q(`thingName:${name(3)}`)}`));
    expect(text.split("\r\n")[0]).toBe('"thingName","thingTypeName","connectivity.connected","attributes.customer","attributes.agentVersion"');
  });

  it("answers a proper error status for an invalid query instead of a broken download", async () => {
    expect((await get(`/api/search/export?q=${q("a:[1 TO")}`)).status).toBe(400);
  });

  it("waits out throttling in the middle of the stream and still delivers every row", async () => {
    const res = await get(`/api/search/export?q=${q("thingName:fs-*")}&format=jsonl`);
    const before = fleetIndexStats();
    // The first page was read before the answer; the next SearchIndex calls are throttled
    // more often than one call's retries absorb, so the export itself has to back off.
    await faults({ service: "iot", code: "ThrottlingException", pathPrefix: "/indices/search", remaining: 12 });
    const rows = (await readAll(res)).split("\n").filter(Boolean);
    expect(rows.length).toBe(N);
    expect(await pendingFaults()).toEqual([]);
    const after = fleetIndexStats();
    expect(after.throttledRetries).toBeGreaterThan(before.throttledRetries);
    expect(after.throttledAnswers).toBeGreaterThan(before.throttledAnswers);
  }, 60_000);

  it("stops paging when the client goes away, even while waiting out throttling", async () => {
    const abort = new AbortController();
    const res = await get(`/api/search/export?q=${q("thingName:fs-*")}&format=jsonl`, alice, abort.signal);
    await faults({ service: "iot", code: "ThrottlingException", pathPrefix: "/indices/search", remaining: 1000 });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false); // the first page, fetched before the answer
    const pending = reader.read().catch(() => undefined); // the second page: AWS keeps throttling it
    await new Promise((r) => setTimeout(r, 1_000));
    const remaining = async () => ((await pendingFaults())[0] as { remaining: number }).remaining;
    expect(await remaining()).toBeLessThan(1000);
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await pending;
    const atAbort = await remaining();
    await new Promise((r) => setTimeout(r, 3_000));
    // Nothing reached the backend after the client left (one call may have been in flight).
    expect(atAbort - (await remaining())).toBeLessThanOrEqual(1);
  }, 20_000);
});

// ------------------------------------------------------------------ quota protection

describe("quota protection", () => {
  const emulatorSearches = async () =>
    ((await (await fetch(`${h.emulator.endpoint}/_emulator/requests`)).json()) as { counts: Record<string, number> }).counts["iot SearchIndex"] ?? 0;

  it("50 operators refreshing the same query at once cause one backend call", async () => {
    const before = fleetIndexStats().backendCalls;
    const atEmulator = await emulatorSearches();
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(`/api/search?q=${q("attributes.customer:acme AND attributes.os:linux")}`)));
    const bodies = await Promise.all(answers.map((r) => r.json() as Promise<{ things: unknown[]; cached: boolean }>));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(fleetIndexStats().backendCalls - before).toBe(1);
    expect((await emulatorSearches()) - atEmulator).toBe(1);
    expect(bodies.filter((b) => !b.cached)).toHaveLength(1);
    expect(new Set(bodies.map((b) => JSON.stringify(b.things))).size).toBe(1);
  });

  it("and keep doing so: at most one backend call per cache period while they refresh", async () => {
    const path = `/api/search?q=${q("attributes.customer:globex AND attributes.os:linux")}&pageSize=50`;
    const atEmulator = await emulatorSearches();
    const started = Date.now();
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => get(path)));
      expect(answers.every((r) => r.status === 200)).toBe(true);
      await new Promise((r) => setTimeout(r, 250));
    }
    const periods = Math.ceil((Date.now() - started) / CACHE_MS);
    const calls = (await emulatorSearches()) - atEmulator;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(periods);
  });

  it("retries a search that AWS throttles, invisibly to the caller", async () => {
    await faults({ service: "iot", code: "ThrottlingException", pathPrefix: "/indices/search", remaining: 3 });
    const before = fleetIndexStats();
    const body = await getJson<{ things: unknown[] }>(`/api/search?q=${q("attributes.customer:globex")}`);
    expect(body.things.length).toBeGreaterThan(0);
    expect(await pendingFaults()).toEqual([]);
    expect(fleetIndexStats().throttledRetries).toBeGreaterThan(before.throttledRetries);
  });

  it("answers 429 with Retry-After when throttling outlasts the retries", async () => {
    await faults({ service: "iot", code: "ThrottlingException", pathPrefix: "/indices/statistics", remaining: 1000 });
    const res = await get(`/api/search/count?q=${q("attributes.customer:globex AND attributes.os:windows")}`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("throttled");
  }, 60_000);
});

// ------------------------------------------------------------------ saved queries and dynamic groups

describe("saved queries", () => {
  it("saves, lists (own + shared), refuses changes by others, and deletes (owner or admin), all audited", async () => {
    signInAs(alice);
    const created = await saveQuery({ name: "Linux", query: "attributes.os:linux", columns: ["thingName", "attributes.os"], shared: true });
    expect(created).toMatchObject({ ok: true, data: { name: "Linux", owner: "alice", shared: true, columns: ["thingName", "attributes.os"] } });
    if (!created.ok) return;
    expect(lastAudit()).toMatchObject({ actor: "alice", action: "search.save_query", target: "Linux", result: "success" });
    const priv = await saveQuery({ name: "Mine", query: "thingName:fs-0001", columns: "thingName,attributes.note" });
    expect(priv).toMatchObject({ ok: true, data: { shared: false, columns: ["thingName", "attributes.note"] } });

    expect((await getJson<Array<{ name: string }>>("/api/search/saved", alice)).map((s) => s.name)).toEqual(["Linux", "Mine"]);
    expect((await getJson<Array<{ name: string }>>("/api/search/saved", bob)).map((s) => s.name)).toEqual(["Linux"]);

    signInAs(alice);
    expect(await saveQuery({ name: "linux", query: "*" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await saveQuery({ name: "Broken", query: "a:(b" })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
      fieldErrors: { query: expect.stringMatching(/Invalid query/) },
    });

    signInAs(bob);
    expect(await saveQuery({ id: created.data.id, name: "Hijacked", query: "*" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await deleteSavedQuery({ id: created.data.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(lastAudit()).toMatchObject({ actor: "bob", action: "search.delete_saved_query", result: "failure", error_code: "forbidden" });

    signInAs(root);
    expect(await deleteSavedQuery({ id: created.data.id })).toEqual({ ok: true, data: { id: created.data.id } });
    expect(JSON.parse(lastAudit().params!)).toMatchObject({ name: "Linux", owner: "alice" });
    expect((await getJson<Array<{ name: string }>>("/api/search/saved", alice)).map((s) => s.name)).toEqual(["Mine"]);
  });
});

describe("save as dynamic group", () => {
  it("creates a dynamic group from the query, recording AWS's request id, and its members follow the query", async () => {
    signInAs(root);
    const r = await createDynamicGroupFromQuery({ name: "fs-windows", query: "attributes.os:windows", description: "Windows agents" });
    expect(r).toMatchObject({ ok: true, data: { name: "fs-windows", arn: expect.stringContaining("thinggroup/fs-windows") } });
    const audit = lastAudit();
    expect(audit).toMatchObject({ actor: "root", action: "groups.create_dynamic", target: "fs-windows", result: "success" });
    expect(audit.aws_request_id).toMatch(/\S{8,}/);

    const group = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "fs-windows" }));
    expect(group.queryString).toBe("attributes.os:windows");
    expect(group.thingGroupProperties?.thingGroupDescription).toBe("Windows agents");
    let members: string[] = [];
    for (let tries = 0; tries < 50 && members.length < WINDOWS_COUNT; tries++) {
      members = [];
      let token: string | undefined;
      do {
        const out = await h.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "fs-windows", nextToken: token, maxResults: 250 }));
        members.push(...(out.things ?? []));
        token = out.nextToken || undefined;
      } while (token);
      if (members.length < WINDOWS_COUNT) await new Promise((res) => setTimeout(res, 100));
    }
    expect(members.length).toBe(WINDOWS_COUNT);
  });

  it("refuses a taken name, an invalid query or name, and non-admins", async () => {
    signInAs(root);
    const dup = await createDynamicGroupFromQuery({ name: "fs-windows", query: "attributes.os:linux" });
    expect(dup).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already exists/) } });
    expect(lastAudit()).toMatchObject({ action: "groups.create_dynamic", result: "failure", error_code: "conflict" });
    expect(lastAudit().aws_request_id).toMatch(/\S{8,}/);
    expect(await createDynamicGroupFromQuery({ name: "bad name", query: "attributes.os:(linux" })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
      fieldErrors: { name: expect.any(String), query: expect.stringMatching(/Invalid query/) },
    });
    signInAs(bob);
    expect(await createDynamicGroupFromQuery({ name: "fs-linux", query: "attributes.os:linux" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

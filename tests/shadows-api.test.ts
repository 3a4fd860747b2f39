import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { IoTClient, CreateThingCommand } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { startHarness } from "./emulator/harness";

/**
 * The console's shadow API (app/api/things/[thingName]/shadows, the update-desired
 * action, lib/aws/shadows.ts) against a real emulator through the real SDK: documents
 * in the console's shape, a missing shadow as `document: null`, named shadows through
 * every page, the update with its version, a version conflict carrying the current
 * document, AWS's refusals in the operator's words, and the audit record.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "198.51.100.9"));
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), connection: async () => undefined }));

const h = await startHarness(IoTClient);
const dataDir = mkdtempSync(join(tmpdir(), "fc-shadows-api-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
process.env.FLEET_BACKEND = "local";
process.env.EMULATOR_HOST = "127.0.0.1";
process.env.EMULATOR_HTTP_PORT = new URL(h.emulator.endpoint).port;
const data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
afterAll(async () => {
  data.destroy();
  await h.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const { NextRequest } = await import("next/server");
const { consoleDb } = await import("@/lib/db/console-db");
const { createLocalUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { GET } = await import("@/app/api/things/[thingName]/shadows/route");
const { updateShadowDesiredState } = await import("@/lib/actions/update-shadow-desired");
const { isShadowConflict } = await import("@/lib/shadows/types");
type ShadowViewResponse = import("@/lib/shadows/types").ShadowViewResponse;

const db = consoleDb();
const viewer = await createLocalUser(db, { username: "sv-viewer", password: "shadow-api-password", role: "viewer" });
const responder = await createLocalUser(db, { username: "sv-responder", password: "shadow-api-password", role: "responder" });
type User = typeof viewer;
const signInAs = (u: User) => {
  state.cookies = new Map([[SESSION_COOKIE, createSession(db, u.id, u.role, {}, sessionPolicy()).token]]);
};
const lastAudit = () => db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").get() as Record<string, string | null>;

async function view(
  thingName: string,
  name?: string,
  user: User = viewer,
): Promise<{ status: number; body: ShadowViewResponse & { error?: { code: string } } }> {
  signInAs(user);
  const url = new URL(
    `/api/things/${encodeURIComponent(thingName)}/shadows${name !== undefined ? `?name=${encodeURIComponent(name)}` : ""}`,
    "http://console.test",
  );
  const res = await GET(new NextRequest(url), { params: Promise.resolve({ thingName }) });
  return { status: res.status, body: await res.json() };
}

const put = (thingName: string, doc: unknown, shadowName?: string) =>
  data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));

let seq = 0;
async function newThing(): Promise<string> {
  const name = `sv-${++seq}`;
  await h.iot.send(new CreateThingCommand({ thingName: name }));
  return name;
}

describe("GET /api/things/{thingName}/shadows", () => {
  it("answers document: null for a thing without a classic shadow, with no named shadows", async () => {
    const t = await newThing();
    const { status, body } = await view(t);
    expect(status).toBe(200);
    expect(body).toEqual({ thingName: t, namedShadows: [], shadowName: null, document: null });
  });

  it("returns the document in the console's shape: sections, delta, metadata, version, time in ms", async () => {
    const t = await newThing();
    await put(t, { state: { desired: { policy: { mode: "prevent" } }, reported: { policy: { mode: "detect" }, agent: { version: "7.2" } } } });
    const before = Date.now();
    const { body } = await view(t);
    const doc = body.document!;
    expect(doc).toMatchObject({
      thingName: t,
      shadowName: null,
      desired: { policy: { mode: "prevent" } },
      reported: { policy: { mode: "detect" }, agent: { version: "7.2" } },
      delta: { policy: { mode: "prevent" } },
      version: 1,
    });
    expect(typeof (doc.metadata.desired as { policy: { mode: { timestamp: number } } }).policy.mode.timestamp).toBe("number");
    expect(doc.timestampMs).toBeGreaterThan(before - 5_000);
  });

  it("lists named shadows through every page and reads one by name", async () => {
    const t = await newThing();
    const names = Array.from({ length: 105 }, (_, i) => `s${String(i).padStart(3, "0")}`);
    for (const n of names) await put(t, { state: { reported: { n } } }, n);
    const { body } = await view(t, "s042");
    expect(body.namedShadows).toEqual(names);
    expect(body.shadowName).toBe("s042");
    expect(body.document?.reported).toEqual({ n: "s042" });
    expect((await view(t, "absent")).body.document).toBeNull();
  });

  it("coalesces identical polls: N concurrent views of a shadow make one backend call of each kind", async () => {
    const t = await newThing();
    await put(t, { state: { desired: { a: 1 } } });
    await put(t, { state: { reported: { n: 1 } } }, "config");
    await fetch(`${h.emulator.endpoint}/_emulator/requests`, { method: "DELETE" });
    const results = await Promise.all(Array.from({ length: 20 }, () => view(t)));
    for (const r of results) expect(r.body).toMatchObject({ namedShadows: ["config"], document: { desired: { a: 1 }, version: 1 } });
    const { counts } = (await (await fetch(`${h.emulator.endpoint}/_emulator/requests`)).json()) as { counts: Record<string, number> };
    const shadowCalls = Object.entries(counts).filter(([k]) => /shadow/i.test(k));
    expect(shadowCalls).toHaveLength(2); // GetThingShadow and ListNamedShadowsForThing
    for (const [, n] of shadowCalls) expect(n).toBe(1);
    // The named-shadow list is reused for the next poll of another shadow of the same thing.
    await view(t, "config");
    const after = (await (await fetch(`${h.emulator.endpoint}/_emulator/requests`)).json()) as { counts: Record<string, number> };
    expect(
      Object.entries(after.counts)
        .filter(([k]) => /shadow/i.test(k))
        .map(([, n]) => n)
        .sort(),
    ).toEqual([1, 2]);
  });

  it("reuses a document for at most about a second, so a device's report shows promptly", async () => {
    const t = await newThing();
    await put(t, { state: { reported: { n: 1 } } });
    expect((await view(t)).body.document?.reported).toEqual({ n: 1 });
    await put(t, { state: { reported: { n: 2 } } }); // an agent reports, not through the console
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await view(t)).body.document?.reported).toEqual({ n: 2 });
  });

  it("shows the console's own update at once, cache or not (document and named-shadow list)", async () => {
    const t = await newThing();
    await put(t, { state: { desired: { a: 1 } } });
    expect((await view(t)).body).toMatchObject({ namedShadows: [], document: { desired: { a: 1 } } });
    signInAs(responder);
    expect(await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"a":2}', version: 1 })).toMatchObject({ ok: true });
    expect((await view(t)).body.document).toMatchObject({ desired: { a: 2 }, version: 2 });
    signInAs(responder);
    expect(await updateShadowDesiredState({ thingName: t, shadowName: "fresh", desired: '{"b":1}', version: null })).toMatchObject({ ok: true });
    expect((await view(t)).body.namedShadows).toEqual(["fresh"]);
  });

  it("refuses a malformed shadow name or thing name", async () => {
    expect((await view("ok-thing", "bad name")).status).toBe(400);
    expect((await view("bad thing")).status).toBe(400);
  });
});

describe("updateShadowDesiredState", () => {
  it("is refused to a viewer, and recorded as denied", async () => {
    const t = await newThing();
    signInAs(viewer);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"a":1}', version: null });
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(lastAudit()).toMatchObject({ action: "shadows.update_desired", result: "denied", target: t });
  });

  it("sends the patch with its version and records what changed and AWS's request id", async () => {
    const t = await newThing();
    await put(t, { state: { desired: { policy: { mode: "detect" }, old: 1 }, reported: { policy: { mode: "detect" } } } });
    signInAs(responder);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: "", desired: JSON.stringify({ policy: { mode: "prevent" }, old: null }), version: 1 });
    expect(r).toMatchObject({ ok: true, data: { version: 2 } });
    const doc = (await view(t)).body.document!;
    expect(doc.desired).toEqual({ policy: { mode: "prevent" } });
    expect(doc.delta).toEqual({ policy: { mode: "prevent" } });
    const audit = lastAudit();
    expect(audit).toMatchObject({ action: "shadows.update_desired", result: "success", actor: "sv-responder", target: t });
    expect(audit.aws_request_id).toMatch(/\S+/);
    expect(JSON.parse(audit.params!)).toEqual({ thingName: t, shadowName: null, baseVersion: 1, set: { "policy.mode": '"prevent"' }, removed: ["old"] });
  });

  it("reads and writes keys named __proto__, constructor and prototype (view, update, audit, conflict)", async () => {
    const t = await newThing();
    await put(t, JSON.parse('{"state":{"desired":{"__proto__":{"mode":"detect"},"constructor":1},"reported":{"__proto__":{"mode":"detect"}}}}'));
    const before = (await view(t)).body.document!;
    expect(Object.keys(before.desired!)).toEqual(["__proto__", "constructor"]);
    expect(Object.keys(before.reported!)).toEqual(["__proto__"]);
    expect(JSON.stringify(before.delta)).toBe('{"constructor":1}');

    signInAs(responder);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"__proto__":{"mode":"prevent"},"prototype":5}', version: 1 });
    expect(r).toMatchObject({ ok: true, data: { version: 2 } });
    const after = (await view(t)).body.document!;
    expect(JSON.stringify(after.desired)).toBe('{"__proto__":{"mode":"prevent"},"constructor":1,"prototype":5}');
    expect(JSON.stringify(after.delta)).toBe('{"__proto__":{"mode":"prevent"},"constructor":1,"prototype":5}');
    expect(JSON.stringify(JSON.parse(lastAudit().params!).set)).toBe('{"__proto__.mode":"\\"prevent\\"","prototype":"5"}');

    // A leaf named __proto__ is recorded too.
    signInAs(responder);
    expect(await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"__proto__":7}', version: 2 })).toMatchObject({ ok: true });
    expect(JSON.stringify(JSON.parse(lastAudit().params!).set)).toBe('{"__proto__":"7"}');

    // A conflict carries the current document with the key.
    signInAs(responder);
    const stale = await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"a":1}', version: 1 });
    expect(stale.ok).toBe(false);
    if (stale.ok || !isShadowConflict(stale.error)) throw new Error("expected a conflict");
    expect(JSON.stringify(JSON.parse(stale.error.currentJson).desired)).toBe('{"__proto__":7,"constructor":1,"prototype":5}');
  });

  it("creates a named shadow that does not exist yet (no version)", async () => {
    const t = await newThing();
    signInAs(responder);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: "config", desired: '{"logLevel":"debug"}', version: null });
    expect(r).toMatchObject({ ok: true, data: { version: 1 } });
    expect(lastAudit().target).toBe(`${t}~config`);
    expect((await view(t, "config")).body.document?.desired).toEqual({ logLevel: "debug" });
  });

  it("answers a version conflict with the shadow as it is now", async () => {
    const t = await newThing();
    await put(t, { state: { desired: { a: 1 } } });
    await put(t, { state: { desired: { b: 2 } } }); // someone else: version 2
    signInAs(responder);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: null, desired: '{"a":5}', version: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("conflict");
    expect(r.error.message).toMatch(/version 1.*version 2/);
    expect(isShadowConflict(r.error)).toBe(true);
    expect(JSON.parse((r.error as unknown as { currentJson: string }).currentJson)).toMatchObject({ version: 2, desired: { a: 1, b: 2 } });
    expect(lastAudit()).toMatchObject({ result: "failure", error_code: "conflict" });
    expect(lastAudit().aws_request_id).toMatch(/\S+/);
    // Nothing was written.
    expect((await view(t)).body.document?.desired).toEqual({ a: 1, b: 2 });
  });

  it("puts AWS's refusal of an oversized document in the operator's words", async () => {
    const t = await newThing();
    await put(t, { state: { reported: { blob: "x".repeat(8000) } } });
    signInAs(responder);
    const r = await updateShadowDesiredState({ thingName: t, shadowName: null, desired: JSON.stringify({ more: "y".repeat(500) }), version: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringMatching(/exceed 8 KB/) } });
  });

  it("validates the patch before calling AWS: JSON object, nesting, nulls in arrays, not empty", async () => {
    const t = await newThing();
    signInAs(responder);
    const call = (desired: string) => updateShadowDesiredState({ thingName: t, shadowName: null, desired, version: null });
    expect(await call("nope")).toMatchObject({ ok: false, error: { code: "invalid_input", message: "The update is not valid JSON." } });
    expect(await call("[1]")).toMatchObject({ ok: false, error: { message: "The update must be a JSON object." } });
    expect(await call("{}")).toMatchObject({ ok: false, error: { message: "The update changes nothing." } });
    expect(await call('{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/more than 6 levels/) },
    });
    // Far deeper than the call stack allows (within the 64 KB text limit): the same answer.
    expect(await call(`{"a":${"[".repeat(30_000)}1${"]".repeat(30_000)}}`)).toMatchObject({
      ok: false,
      error: { code: "invalid_input", message: expect.stringMatching(/more than 6 levels/) },
    });
    expect(await call('{"a":[1,null]}')).toMatchObject({ ok: false, error: { message: "a[1]: arrays may not contain null." } });
    expect(await updateShadowDesiredState({ thingName: "bad thing", shadowName: null, desired: '{"a":1}', version: null })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
  });
});

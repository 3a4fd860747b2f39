import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ROOT, sourceFilesUnder } from "./support/files";

/**
 * The authorization matrix. Every entry point of the console (each exported method of
 * every app/**\/route.ts, each export of lib/actions/*.ts) must declare its requirement
 * through lib/auth/guard.ts. What each one must require is written out by hand below
 * (EXPECTED, from the role table of the product brief and the README's Access control
 * section), and so is who holds each permission (MAY): the test compares both with what
 * the code declares, then calls every entry point as anonymous, viewer, responder and
 * admin and checks it refuses exactly the callers the hand-written tables refuse. So a
 * declaration weakened in the code fails here, as does an entry point missing from the
 * table (found by walking the tree) or a table row whose entry point is gone.
 *
 * "Allowed" means the guard let the call through: the handler may still fail for its
 * own reasons (invalid input, the fleet backend being unreachable — it is pointed at a
 * closed port here); only a 401/403 or an unauthenticated/forbidden result counts as
 * a denial.
 */

// ------------------------------------------------------------------ the request the guards see

const state = vi.hoisted(() => ({
  cookies: new Map<string, string>(),
  headers: new Headers(),
}));

vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
    getAll: () => [...state.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => state.cookies.has(name),
    set: (name: string | { name: string; value: string }, value?: string) => {
      if (typeof name === "object") state.cookies.set(name.name, name.value);
      else state.cookies.set(name, value ?? "");
    },
    delete: (name: string) => state.cookies.delete(name),
    toString: () => [...state.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
  }),
  headers: async () => state.headers,
  draftMode: async () => ({ isEnabled: false, enable() {}, disable() {} }),
}));
// `connection()` (opting out of prerendering) needs a request scope; here every call is one.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  connection: async () => undefined,
}));
// Cache invalidation needs a request scope; the matrix is about who gets through.
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  revalidatePath: vi.fn(),
  revalidateTag: vi.fn(),
  updateTag: vi.fn(),
  refresh: vi.fn(),
}));

const dataDir = mkdtempSync(join(tmpdir(), "fc-authz-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
process.env.FLEET_BACKEND = "local";
process.env.EMULATOR_HOST = "127.0.0.1";
process.env.EMULATOR_HTTP_PORT = String(await closedPort());
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const { NextRequest } = await import("next/server");
const { REQUIREMENT } = await import("@/lib/auth/guard");
const { allows, PERMISSIONS, ROLES } = await import("@/lib/auth/permissions");
const { resetAnonymousAuditLimits } = await import("@/lib/audit/anonymous-limit");
const { requestHeadersFrom } = await import("./support/next-request");
const { createLocalUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { consoleDb } = await import("@/lib/db/console-db");

type Role = (typeof ROLES)[number];
type Requirement = Parameters<typeof allows>[0];
type Permission = keyof typeof PERMISSIONS;
type Caller = Role | null;

// ------------------------------------------------------------------ the expected table, by hand

const EVERYONE: Role[] = ["viewer", "responder", "admin"];
const RESPONDERS: Role[] = ["responder", "admin"];
const ADMINS: Role[] = ["admin"];

/**
 * Who holds each permission, from the role table: viewers read, search and export;
 * responders also change desired shadow state, run jobs, suppress findings, apply
 * mitigations and quarantine; admins also provision in bulk, create and delete things
 * and groups, configure indexing, manage users and roles and read the audit trail.
 */
const MAY: Record<Permission, Role[]> = {
  "fleet.read": EVERYONE,
  "fleet.search": EVERYONE,
  "fleet.export": EVERYONE,
  "shadow.write": RESPONDERS,
  "jobs.write": RESPONDERS,
  "findings.suppress": RESPONDERS,
  "mitigations.apply": RESPONDERS,
  "quarantine.add": RESPONDERS,
  "provisioning.bulk": ADMINS,
  "registry.write": ADMINS,
  "indexing.configure": ADMINS,
  "users.manage": ADMINS,
  "audit.read": ADMINS,
  // Other users' saved queries (a user's own are part of searching).
  "queries.manage_any": ADMINS,
};

/**
 * What each entry point must require ("file export"). null: open to anyone on purpose
 * (signing in); "authenticated": any signed-in user (their own session and password).
 */
const EXPECTED: Record<string, Requirement> = {
  // Reading the fleet.
  "app/api/connectivity/route.ts GET": "fleet.read",
  "app/api/drift/keys/route.ts GET": "fleet.read",
  "app/api/drift/summary/route.ts GET": "fleet.read",
  "app/api/drift/things/route.ts GET": "fleet.read",
  "app/api/groups/members/route.ts GET": "fleet.read",
  "app/api/things/route.ts GET": "fleet.read",
  "app/api/things/[thingName]/shadows/route.ts GET": "fleet.read",
  "app/api/things/[thingName]/jobs/route.ts GET": "fleet.read",
  "app/api/jobs/route.ts GET": "fleet.read",
  "app/api/jobs/[jobId]/route.ts GET": "fleet.read",
  "app/api/jobs/[jobId]/document/route.ts GET": "fleet.read",
  "app/api/jobs/[jobId]/executions/route.ts GET": "fleet.read",
  "app/api/jobs/[jobId]/executions/details/route.ts GET": "fleet.read",
  "app/api/jobs/templates/route.ts GET": "fleet.read",
  "app/api/jobs/templates/[templateId]/route.ts GET": "fleet.read",
  // Searching (with one's own saved queries and history) and exporting.
  "app/api/search/route.ts GET": "fleet.search",
  "app/api/search/aggregate/route.ts GET": "fleet.search",
  "app/api/search/count/route.ts GET": "fleet.search",
  "app/api/search/fields/route.ts GET": "fleet.search",
  "app/api/search/history/route.ts GET": "fleet.search",
  "app/api/search/saved/route.ts GET": "fleet.search",
  "app/api/search/export/route.ts GET": "fleet.export",
  "lib/actions/save-query.ts saveQuery": "fleet.search",
  "lib/actions/delete-saved-query.ts deleteSavedQuery": "fleet.search",
  // Responders: desired shadow state.
  "lib/actions/update-shadow-desired.ts updateShadowDesiredState": "shadow.write",
  // Responders: the new-rollout wizard (blast radius, artifact upload, preview and create).
  "app/api/jobs/blast-radius/route.ts GET": "jobs.write",
  "lib/actions/start-artifact-upload.ts startArtifactUpload": "jobs.write",
  "app/api/artifacts/uploads/parts/route.ts GET": "jobs.write",
  "app/api/artifacts/uploads/parts/route.ts PUT": "jobs.write",
  "lib/actions/complete-artifact-upload.ts completeArtifactUpload": "jobs.write",
  "lib/actions/abort-artifact-upload.ts abortArtifactUpload": "jobs.write",
  "lib/actions/preview-create-job.ts previewCreateJob": "jobs.write",
  "lib/actions/create-job.ts createRolloutJob": "jobs.write",
  "lib/actions/cancel-job.ts cancelJob": "jobs.write",
  "lib/actions/cancel-job-execution.ts cancelJobExecution": "jobs.write",
  "lib/actions/retry-failed-executions.ts retryFailedExecutions": "jobs.write",
  // Admins: groups, users and roles, the audit trail.
  "lib/actions/create-dynamic-group.ts createDynamicGroupFromQuery": "registry.write",
  "lib/actions/create-user.ts createUser": "users.manage",
  "lib/actions/set-user-role.ts setUserRole": "users.manage",
  "lib/actions/set-user-disabled.ts setUserDisabled": "users.manage",
  "lib/actions/reset-user-password.ts resetUserPassword": "users.manage",
  "lib/actions/unlock-user.ts unlockUser": "users.manage",
  "app/api/audit/export/route.ts GET": "audit.read",
  // One's own session and password.
  "lib/actions/sign-out.ts signOut": "authenticated",
  "lib/actions/change-password.ts changePassword": "authenticated",
  // Signing in, open to anyone.
  "lib/actions/sign-in.ts signIn": null,
  "app/api/auth/oidc/start/route.ts GET": null,
  "app/api/auth/oidc/callback/route.ts GET": null,
};

/** Whether the hand-written tables let `caller` through `requirement`. */
function mayCall(requirement: Requirement, caller: Caller): boolean {
  if (requirement === null) return true;
  if (!caller) return false;
  return requirement === "authenticated" || MAY[requirement].includes(caller);
}

// ------------------------------------------------------------------ finding every entry point

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const routeFiles = sourceFilesUnder("app", (f) => /[\\/]route\.(ts|tsx|js|mjs)$/.test(f));
const actionFiles = sourceFilesUnder("lib/actions", (f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));

type Callable = ((...args: unknown[]) => Promise<unknown>) & { [REQUIREMENT]?: Requirement };
interface Entry {
  kind: "route" | "action";
  file: string;
  name: string;
  fn: Callable;
  requirement: Requirement | undefined;
}

const entries: Entry[] = [];
const notFunctions: string[] = [];
for (const file of routeFiles) {
  const mod = (await import(join(ROOT, file))) as Record<string, unknown>;
  for (const method of HTTP_METHODS) {
    const fn = mod[method];
    if (fn === undefined) continue;
    if (typeof fn !== "function") notFunctions.push(`${file} ${method}`);
    else entries.push({ kind: "route", file, name: method, fn: fn as Callable, requirement: (fn as Callable)[REQUIREMENT] });
  }
}
for (const file of actionFiles) {
  const mod = (await import(join(ROOT, file))) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) {
    if (typeof fn !== "function") notFunctions.push(`${file} ${name}`);
    else entries.push({ kind: "action", file, name, fn: fn as Callable, requirement: (fn as Callable)[REQUIREMENT] });
  }
}

const label = (e: Entry) => `${e.file} ${e.name}`;
const guarded = entries.filter((e) => e.requirement !== undefined);
const isRequirement = (r: unknown) => r === null || r === "authenticated" || (typeof r === "string" && r in PERMISSIONS);

describe("every entry point declares its requirement", () => {
  it("finds route handlers and server actions to check", () => {
    expect(entries.filter((e) => e.kind === "route").length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.kind === "action").length).toBeGreaterThan(0);
  });

  it("wraps every route handler in route() and every server action in action()", () => {
    const unchecked = entries.filter((e) => !(REQUIREMENT in e.fn)).map(label);
    expect(unchecked, "entry points without an authorization check (wrap them with route()/action() from lib/auth/guard.ts)").toEqual([]);
  });

  it("names a requirement from the permission table", () => {
    expect(guarded.filter((e) => !isRequirement(e.requirement)).map((e) => `${label(e)}: ${String(e.requirement)}`)).toEqual([]);
  });

  it("has a row in the expected table for every entry point, and an entry point for every row", () => {
    const found = entries.map(label);
    expect(
      found.filter((l) => !(l in EXPECTED)),
      "entry points missing from EXPECTED (add a row: what must it require?)",
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED).filter((l) => !found.includes(l)),
      "rows in EXPECTED whose entry point is gone",
    ).toEqual([]);
  });

  it("declares exactly the requirement the expected table says", () => {
    const differing = entries.filter((e) => label(e) in EXPECTED && e.requirement !== EXPECTED[label(e)]);
    expect(differing.map((e) => `${label(e)}: declares ${JSON.stringify(e.requirement)}, must require ${JSON.stringify(EXPECTED[label(e)])}`)).toEqual([]);
  });

  it("gives each permission to exactly the roles the role table names", () => {
    const actual = Object.fromEntries(Object.entries(PERMISSIONS).map(([p, roles]) => [p, [...roles].sort()]));
    const expected = Object.fromEntries(Object.entries(MAY).map(([p, roles]) => [p, [...roles].sort()]));
    expect(actual).toEqual(expected);
  });

  it("exports only functions from route files' methods and action files", () => {
    expect(notFunctions, "lib/actions/ holds server actions only; helpers belong elsewhere").toEqual([]);
  });

  it("declares server actions only in lib/actions/ (where this test finds them)", () => {
    const elsewhere = [
      ...sourceFilesUnder("app", (f) => /\.(ts|tsx)$/.test(f)),
      ...sourceFilesUnder("components", (f) => /\.(ts|tsx)$/.test(f)),
      ...sourceFilesUnder("lib", (f) => /\.(ts|tsx)$/.test(f)),
    ]
      .filter((f) => !f.startsWith("lib/actions/") && !/\.test\.tsx?$/.test(f))
      .filter((f) => /^\s*["']use server["']/m.test(readFileSync(join(ROOT, f), "utf8")));
    expect(elsewhere).toEqual([]);
  });

  it("checks an admin-only permission on every admin page (requirePage)", () => {
    const pages = sourceFilesUnder("app", (f) => /[\\/]admin[\\/](.+[\\/])?page\.tsx$/.test(f));
    const permissionOf = (f: string) => /requirePage\(\s*["']([^"']+)["']/.exec(readFileSync(join(ROOT, f), "utf8"))?.[1];
    const weak = pages.filter((f) => {
      const p = permissionOf(f);
      return !p || !(p in PERMISSIONS) || allows(p as Requirement, "responder");
    });
    expect(weak).toEqual([]);
  });
});

// ------------------------------------------------------------------ fixtures

const db = consoleDb();
const PASSWORD = "matrix-password-123";
const users = {} as Record<Role, { id: string; username: string }>;
for (const role of ROLES) users[role] = await createLocalUser(db, { username: `matrix-${role}`, password: PASSWORD, role });
await createLocalUser(db, { username: "matrix-target", password: PASSWORD, role: "viewer" });

let serial = 0;
/**
 * Inputs that get an action past validation where that is cheap, so "allowed" is seen
 * doing its work. Keyed by export name; an action missing here is called with `{}`
 * (its validation fails after the guard, which still shows the guard's decision).
 */
const ACTION_INPUTS: Record<string, () => unknown> = {
  createUser: () => ({ username: `matrix-new-${++serial}`, password: PASSWORD, role: "viewer" }),
  setUserRole: () => ({ username: "matrix-target", role: serial++ % 2 ? "viewer" : "responder" }),
  setUserDisabled: () => ({ username: "matrix-target", disabled: serial++ % 2 === 0 }),
  resetUserPassword: () => ({ username: "matrix-target", mode: "generate" }),
  // A wrong password would answer "unauthenticated" on purpose; the guard lets anyone in.
  signIn: () => ({}),
  signOut: () => ({}),
  saveQuery: () => ({ name: `matrix-query-${++serial}`, query: "thingName:matrix*", columns: ["thingName"] }),
  deleteSavedQuery: () => ({ id: "matrix-missing-query" }),
  createDynamicGroupFromQuery: () => ({ name: `matrix-dynamic-${++serial}`, query: "attributes.os:linux" }),
  updateShadowDesiredState: () => ({ thingName: "matrix-thing", shadowName: null, desired: '{"matrix":1}', version: 1 }),
};
/** Query strings for route handlers (path → query), when the bare URL is not representative. */
const ROUTE_QUERIES: Record<string, string> = {
  "/api/groups/members": "?group=matrix-group",
  "/api/search": "?q=thingName%3Amatrix*",
  "/api/search/count": "?q=*",
  "/api/search/aggregate": "?q=*&field=attributes.os&type=buckets",
  "/api/search/export": "?q=*&format=csv",
  "/api/drift/summary": "?shadow=classic",
  "/api/drift/things": "?shadow=classic&type=matrix-type&group=matrix-group&key=policy.mode&limit=10",
  "/api/things/matrix-thingName/shadows": "?name=config",
};

const ORIGIN = "http://console.test";

/** URL path and params of a route file: route groups vanish, [x] and [...x] get sample values. */
function routeUrl(file: string): { path: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const segments = file
    .replace(/^app\//, "")
    .split("/")
    .slice(0, -1)
    .filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith("@"))
    .map((s) => {
      const m = /^\[(\[)?(\.\.\.)?([^\]]+)\]\]?$/.exec(s);
      if (!m) return s;
      const value = `matrix-${m[3]}`;
      params[m[3]] = m[2] ? [value] : value;
      return value;
    });
  return { path: "/" + segments.join("/"), params };
}

/** A fresh session per call: sign-out ends the one it is given, role changes end others. */
function signInAs(caller: Caller): string | undefined {
  if (!caller) return undefined;
  return createSession(db, users[caller].id, caller, { ip: "203.0.113.7" }, sessionPolicy()).token;
}

function prepareRequestScope(token: string | undefined) {
  state.cookies = new Map(token ? [[SESSION_COOKIE, token]] : []);
  // A client at 203.0.113.7 as scripts/console-server.ts hands it over (its own X-Forwarded-For does not count).
  state.headers = requestHeadersFrom("203.0.113.7", {
    origin: ORIGIN,
    "sec-fetch-site": "same-origin",
    "x-forwarded-for": "198.18.0.1",
    "user-agent": "authz-matrix",
    ...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}),
  });
  // Every anonymous denial must show up in the trail here; the matrix is not a flood.
  resetAnonymousAuditLimits();
}

type Outcome = { denied: boolean; detail: string };

async function callRoute(entry: Entry, caller: Caller): Promise<Outcome> {
  const token = signInAs(caller);
  prepareRequestScope(token);
  const { path, params } = routeUrl(entry.file);
  const method = entry.name;
  const hasBody = !["GET", "HEAD", "OPTIONS"].includes(method);
  const headers = new Headers(state.headers);
  if (hasBody) headers.set("content-type", "application/json");
  const req = new NextRequest(new URL(path + (ROUTE_QUERIES[path] ?? ""), ORIGIN), { method, headers, body: hasBody ? "{}" : undefined });
  const res = (await entry.fn(req, { params: Promise.resolve(params) })) as Response;
  await res.body?.cancel().catch(() => undefined);
  return { denied: res.status === 401 || res.status === 403, detail: `HTTP ${res.status}` };
}

type ActionOutcome = Outcome & { code?: string };

async function callAction(entry: Entry, caller: Caller): Promise<ActionOutcome> {
  prepareRequestScope(signInAs(caller));
  const input = ACTION_INPUTS[entry.name]?.() ?? {};
  try {
    const result = (await entry.fn(input)) as { ok: boolean; error?: { code: string } };
    const code = result.ok ? undefined : result.error?.code;
    return { denied: code === "unauthenticated" || code === "forbidden", code, detail: result.ok ? "ok" : `error ${code}` };
  } catch (err) {
    // redirect() and friends throw; forbidden()/unauthorized() are denials.
    const digest = String((err as { digest?: unknown })?.digest ?? "");
    if (/^NEXT_HTTP_ERROR_FALLBACK;40[13]/.test(digest)) return { denied: true, detail: digest };
    if (digest.startsWith("NEXT_REDIRECT")) return { denied: false, detail: "redirect" };
    throw err;
  }
}

// Records written before the matrix runs: no entry point may change or remove them.
const { recordAudit } = await import("@/lib/audit/audit");
recordAudit(db, { actor: "matrix-admin", role: "admin", action: "matrix.seed", target: "before", params: { n: 1 }, result: "success" });
recordAudit(db, { actor: "matrix-viewer", role: "viewer", action: "matrix.seed", target: "before", result: "denied", errorCode: "forbidden" });

const lastAuditId = () => (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log").get() as { id: number }).id;
const auditSnapshot = () => db.prepare("SELECT * FROM audit_log ORDER BY id").all();

// ------------------------------------------------------------------ the matrix

const CALLERS: Caller[] = [null, ...ROLES];
// Allowed calls reach an unreachable backend and log it; that is expected here.
const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
afterAll(() => quiet.mockRestore());
const callerName = (c: Caller) => c ?? "anonymous";
const before = auditSnapshot();
let cells = 0;

describe.each(guarded.map((e) => [label(e), e] as const))("%s", (_name, entry) => {
  it.each(CALLERS.map((c) => [callerName(c), c] as const))("as %s", async (_who, caller) => {
    // From the hand-written tables, not from the entry point's own declaration.
    expect(label(entry) in EXPECTED, `${label(entry)} has no row in EXPECTED`).toBe(true);
    const expected = EXPECTED[label(entry)];
    const expectAllowed = mayCall(expected, caller);
    const sinceId = lastAuditId();
    const outcome = entry.kind === "route" ? await callRoute(entry, caller) : await callAction(entry, caller);
    cells++;
    const should = `${expectAllowed ? "allow" : "deny"} ${callerName(caller)} (must require ${JSON.stringify(expected)}), got ${outcome.detail}`;
    expect(outcome.denied, should).toBe(!expectAllowed);

    if (!expectAllowed && entry.kind === "route") {
      expect(outcome.detail, "anonymous → 401, a signed-in role without the permission → 403").toBe(caller ? "HTTP 403" : "HTTP 401");
    }
    if (!expectAllowed && entry.kind === "action") {
      expect((outcome as ActionOutcome).code).toBe(caller ? "forbidden" : "unauthenticated");
      const records = db.prepare("SELECT actor, role, result FROM audit_log WHERE id > ? ORDER BY id").all(sinceId) as {
        actor: string;
        role: string | null;
        result: string;
      }[];
      expect(records, "a denied action call writes a 'denied' audit record").toContainEqual({
        actor: caller ? users[caller].username : "anonymous",
        role: caller,
        result: "denied",
      });
    }
  });
});

describe("after the matrix", () => {
  it("called every guarded entry point as every caller", () => {
    expect(cells).toBe(guarded.length * CALLERS.length);
  });

  it("left every earlier audit record as it was (none changed or removed)", () => {
    const after = auditSnapshot();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeGreaterThan(before.length);
  });
});

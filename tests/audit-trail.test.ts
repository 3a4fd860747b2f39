import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { isProductionSource, ROOT, sourceFilesUnder } from "./support/files";

/**
 * The audit trail is append-only: the store refuses UPDATE and DELETE on it, no code
 * in the console issues either, and no entry point exists that could. The CSV export
 * returns exactly the filtered records and never blocks writes while it streams.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (state.cookies.has(name) ? { name, value: state.cookies.get(name)! } : undefined),
    has: (name: string) => state.cookies.has(name),
  }),
  headers: async () => new Headers({ host: "console.test" }),
}));

const dataDir = mkdtempSync(join(tmpdir(), "fc-audit-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { consoleDb, openConsoleDb } = await import("@/lib/db/console-db");
const { recordAudit, queryAudit, AUDIT_CSV_HEADER } = await import("@/lib/audit/audit");
const { createLocalUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { NextRequest } = await import("next/server");
const { GET: exportAudit } = await import("@/app/api/audit/export/route");
const { auditFilterFrom, parseTimeBound } = await import("@/app/(console)/admin/audit/search-params");

describe("the store", () => {
  const db = openConsoleDb(":memory:");
  recordAudit(db, { actor: "a", role: "admin", action: "users.create", target: "x", params: { password: "p" }, result: "success" });

  it("refuses to change an audit record", () => {
    expect(() => db.prepare("UPDATE audit_log SET result = 'failure'").run()).toThrow(/immutable/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE id = 1").run()).toThrow(/immutable/);
  });

  it("refuses to remove an audit record", () => {
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow(/immutable/);
    expect(() => db.prepare("DELETE FROM audit_log WHERE id = 1").run()).toThrow(/immutable/);
    expect((db.prepare("SELECT COUNT(*) AS n FROM audit_log").get() as { n: number }).n).toBe(1);
  });

  // SQLite fires DELETE triggers for INSERT OR REPLACE only with recursive_triggers on,
  // so without the no_replace trigger REPLACE would overwrite a record.
  it("refuses INSERT OR REPLACE over an existing record (a delete in disguise)", () => {
    const before = db.prepare("SELECT * FROM audit_log WHERE id = 1").get();
    expect(() => db.prepare("INSERT OR REPLACE INTO audit_log (id, at, actor, action, result) VALUES (1, 0, 'x', 'x', 'success')").run()).toThrow(/immutable/);
    expect(db.prepare("SELECT * FROM audit_log WHERE id = 1").get()).toEqual(before);
  });

  it("refuses an upsert over an existing record", () => {
    expect(() =>
      db.prepare("INSERT INTO audit_log (id, at, actor, action, result) VALUES (1, 0, 'x', 'x', 'success') ON CONFLICT(id) DO UPDATE SET actor = 'x'").run(),
    ).toThrow(/immutable/);
  });
});

describe("the code", () => {
  const sources = [
    ...sourceFilesUnder("app", isProductionSource),
    ...sourceFilesUnder("lib", isProductionSource),
    ...sourceFilesUnder("components", isProductionSource),
    ...sourceFilesUnder("scripts", isProductionSource),
  ];

  it("has sources to scan", () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it("never updates, deletes, replaces or un-triggers audit records", () => {
    const offending = sources.filter((f) =>
      /\b(UPDATE\s+(OR\s+\w+\s+)?audit_log|DELETE\s+FROM\s+audit_log|REPLACE\s+INTO\s+audit_log|DROP\s+(TABLE|TRIGGER)\s+(IF\s+EXISTS\s+)?audit_log)\b/i.test(
        readFileSync(join(ROOT, f), "utf8"),
      ),
    );
    expect(offending).toEqual([]);
  });

  it("has no route that could change the trail: audit routes answer GET only", () => {
    const auditRoutes = sourceFilesUnder("app", isProductionSource).filter((f) => /\/audit\/.*route\.ts$/.test(f));
    expect(auditRoutes.length).toBeGreaterThan(0);
    const writeMethods = auditRoutes.filter((f) =>
      /export\s+(const|async\s+function|function)\s+(POST|PUT|PATCH|DELETE)\b/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(writeMethods).toEqual([]);
  });

  it("has no server action that edits or deletes audit records", () => {
    const actionFiles = sourceFilesUnder("lib/actions", isProductionSource);
    expect(actionFiles.filter((f) => /(delete|remove|purge|clear|edit|update|set)-audit/i.test(f))).toEqual([]);
    const names = actionFiles.flatMap((f) => [...readFileSync(join(ROOT, f), "utf8").matchAll(/name:\s*["']([^"']+)["']/g)].map((m) => m[1]));
    expect(names.filter((n) => n.startsWith("audit."))).toEqual([]);
  });
});

describe("filters", () => {
  it("reads days and minutes as whole UTC spans", () => {
    expect(parseTimeBound("2026-11-23", "start")).toBe(Date.parse("2026-11-23T00:00:00.000Z"));
    expect(parseTimeBound("2026-11-23", "end")).toBe(Date.parse("2026-11-23T23:59:59.999Z"));
    expect(parseTimeBound("2026-11-23T14:05", "end")).toBe(Date.parse("2026-11-23T14:05:59.999Z"));
    expect(parseTimeBound("2026-11-23T14:05:09+02:00", "start")).toBe(Date.parse("2026-11-23T12:05:09Z"));
    expect(parseTimeBound("yesterday", "start")).toBeNull();
  });

  it("explains unusable filters instead of ignoring them", () => {
    expect(auditFilterFrom({ user: " bob ", action: null, target: "th", from: null, to: null })).toEqual({ ok: true, filter: { actor: "bob", target: "th" } });
    expect(auditFilterFrom({ user: null, action: null, target: null, from: "soon", to: null })).toMatchObject({ ok: false });
    expect(auditFilterFrom({ user: null, action: null, target: null, from: "2026-11-24", to: "2026-11-23" })).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/after/)],
    });
  });
});

describe("GET /api/audit/export", async () => {
  const db = consoleDb();
  const admin = await createLocalUser(db, { username: "auditor", password: "auditor-password-1", role: "admin" });
  state.cookies = new Map([[SESSION_COOKIE, createSession(db, admin.id, "admin", {}, sessionPolicy()).token]]);

  const t0 = Date.parse("2026-03-01T10:00:00Z");
  for (let i = 0; i < 1200; i++) {
    recordAudit(
      db,
      {
        actor: i % 3 ? "alice" : "bob",
        role: "responder",
        action: i % 2 ? "shadow.update" : "jobs.create",
        target: `thing-${i}`,
        params: { i, token: "t" },
        result: i % 5 ? "success" : "failure",
        awsRequestId: i % 2 ? `req-${i}` : null,
      },
      t0 + i * 60_000,
    );
  }
  recordAudit(
    db,
    { actor: "=cmd", role: "viewer", action: "users.create", target: '"quoted", target', result: "denied", errorCode: "forbidden" },
    t0 + 2_000 * 60_000,
  );

  const get = (query: string) =>
    exportAudit(new NextRequest(`http://console.test/api/audit/export${query}`, { headers: { host: "console.test", "sec-fetch-site": "same-origin" } }), {
      params: Promise.resolve({}),
    });
  const rows = (csv: string) => csv.split("\r\n").filter(Boolean);

  it("streams every record as CSV, oldest first, as an attachment", async () => {
    const res = await get("");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const lines = rows(await res.text());
    expect(lines[0] + "\r\n").toBe(AUDIT_CSV_HEADER);
    expect(lines).toHaveLength(1 + 1201);
    expect(lines[1]).toMatch(/^"1","2026-03-01T10:00:00.000Z","bob","responder","jobs.create","thing-0","failure"/);
    // Secrets in params are redacted at write time; formula starters are defused.
    expect(lines[1]).toContain('""token"":""[redacted]""');
    expect(lines.at(-1)).toContain(`"'=cmd"`);
    expect(lines.at(-1)).toContain('"""quoted"", target"');
  });

  it("applies the same filters as the page", async () => {
    const filter = { actor: "alice", action: "shadow.update", target: "thing-1", fromMs: t0 + 100 * 60_000, toMs: Date.parse("2026-03-01T13:59:59.999Z") };
    const expected = queryAudit(db, filter, { limit: 10_000 }).records;
    expect(expected.length).toBeGreaterThan(3);
    const lines = rows(await (await get("?user=alice&action=shadow.update&target=thing-1&from=2026-03-01T11:40&to=2026-03-01T13:59")).text());
    expect(lines.slice(1).map((l) => Number(JSON.parse(l.split(",")[0])))).toEqual(expected.map((r) => r.id).reverse());
  });

  it("ignores the page cursor: an export is every matching record", async () => {
    expect(rows(await (await get("?user=bob&before=5")).text())).toHaveLength(1 + 400);
  });

  it("answers 400 for unusable filters", async () => {
    const res = await get("?from=not-a-time");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_input" } });
  });

  it("does not block writes to the store while a download is open", async () => {
    const res = await get("");
    const reader = res.body!.getReader();
    await reader.read(); // header, then the first batch is pulled: the export's cursor is open
    await reader.read();
    expect(() => recordAudit(db, { actor: "auditor", role: "admin", action: "users.create", result: "success" })).not.toThrow();
    expect(() => createSession(db, admin.id, "admin", {}, sessionPolicy())).not.toThrow();
    await reader.cancel();
  });
});

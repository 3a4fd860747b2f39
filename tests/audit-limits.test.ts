import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * Anonymous callers cannot fill the disk through the audit trail: what one denied or
 * invalid call stores is bounded, and how many records callers without a session can
 * make the trail write is limited per address (and for all of them together); past it,
 * their calls are counted into one "suppressed" record per address per window.
 */

const state = vi.hoisted(() => ({ cookies: new Map<string, string>(), ip: "203.0.113.50" as string | undefined }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("./support/next-request")).nextHeaders(state, "203.0.113.50"));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), revalidatePath: vi.fn() }));

const dataDir = mkdtempSync(join(tmpdir(), "fc-audit-limits-"));
process.env.CONSOLE_DB_PATH = join(dataDir, "console.sqlite");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { consoleDb } = await import("@/lib/db/console-db");
const { createUser } = await import("@/lib/actions/create-user");
const { createLocalUser } = await import("@/lib/auth/users");
const { createSession, sessionPolicy } = await import("@/lib/auth/sessions");
const { SESSION_COOKIE } = await import("@/lib/auth/cookie");
const { ANONYMOUS_AUDIT_LIMITS, SUPPRESSED_ACTION, flushSuppressedAudit, resetAnonymousAuditLimits } = await import("@/lib/audit/anonymous-limit");
const { limitKey } = await import("@/lib/http/address-key");

const db = consoleDb();
type Row = {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  params: string | null;
  result: string;
  error_code: string | null;
  ip: string | null;
};
const lastId = () => (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log").get() as { id: number }).id;
const since = (id: number) => db.prepare("SELECT * FROM audit_log WHERE id > ? ORDER BY id").all(id) as Row[];
const bytesSince = (id: number) =>
  (
    db.prepare("SELECT COALESCE(SUM(LENGTH(params) + LENGTH(COALESCE(target, '')) + LENGTH(actor)), 0) AS n FROM audit_log WHERE id > ?").get(id) as {
      n: number;
    }
  ).n;

beforeEach(() => {
  // Time stands still unless a test moves it: no bucket refills behind the test's back.
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  vi.setSystemTime(Date.parse("2026-05-01T12:00:00Z"));
  resetAnonymousAuditLimits();
  state.cookies = new Map();
  state.ip = "203.0.113.50";
});
afterEach(() => {
  vi.useRealTimers();
});

describe("what one anonymous call stores", () => {
  it("a 5 MB, 100k-key or 10,000-level input denied at the guard leaves a record of a few KB", async () => {
    const wide: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) wide[`field${i}`] = "v";
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    for (const input of [{ username: "x".repeat(5 * 1024 * 1024), password: "p" }, wide, deep]) {
      const before = lastId();
      const r = await createUser(input);
      expect(r).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
      const rows = since(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor: "anonymous", result: "denied", ip: "203.0.113.50" });
      expect(bytesSince(before)).toBeLessThan(6 * 1024);
    }
  });

  it("keeps only the shape of the input: key names and sizes, no text of the values, at most 512 bytes", async () => {
    // 120 records a minute of 4 KB caller-shaped previews each would be ~0.5 GB a day.
    const values = { username: "Q".repeat(10_000), role: "Z".repeat(150), note: "W".repeat(300), nested: { deep: "Y".repeat(5000), list: ["V".repeat(999)] } };
    const wide: Record<string, string> = {};
    for (let i = 0; i < 200; i++) wide[`k${i}`.padEnd(100, "_")] = "X".repeat(199);
    const wider: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) wider[`ключ${i}`.padEnd(100, "ж")] = { ...wide, n: 1e300 };
    for (const input of [values, wide, wider, { ...values, ...wide }]) {
      const before = lastId();
      expect(await createUser(input)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
      const [row] = since(before);
      expect(row).toMatchObject({ actor: "anonymous", result: "denied" });
      expect(Buffer.byteLength(row.params!)).toBeLessThanOrEqual(512);
      expect(row.params).toMatch(/^\{"/); // the shape itself, not "[summary … left out]"
      expect(row.params).not.toMatch(/[QZWYVX]{2}/);
    }
    const before = lastId();
    await createUser(values);
    expect(JSON.parse(since(before)[0].params!)).toEqual({
      username: "[10000 characters]",
      role: "[150 characters]",
      note: "[300 characters]",
      nested: { deep: "[5000 characters]", list: "[1 items]" },
    });
  });

  it("keeps only 64 characters of an anonymous call's target", async () => {
    const before = lastId();
    await createUser({ username: "T".repeat(256) });
    expect(since(before)[0].target).toBe("T".repeat(64));
  });

  it("signed-in callers keep the bounded previews", async () => {
    const viewer = await createLocalUser(db, { username: `viewer-p-${Date.now()}`, password: "viewer-password-long-1", role: "viewer" });
    state.cookies = new Map([[SESSION_COOKIE, createSession(db, viewer.id, "viewer", {}, sessionPolicy()).token]]);
    const before = lastId();
    await createUser({ username: "someone", note: "Q".repeat(10_000) });
    expect(JSON.parse(since(before)[0].params!)).toEqual({ username: "someone", note: `${"Q".repeat(64)}… [10000 characters]` });
  });

  it("a form with 100k repetitions of one field is summarised (and read in linear time)", async () => {
    const fd = new FormData();
    for (let i = 0; i < 100_000; i++) fd.append("username", "u");
    const before = lastId();
    await createUser(null, fd);
    expect(since(before)).toHaveLength(1);
    expect(JSON.parse(since(before)[0].params!)).toEqual({ username: "[100000 items]" });
  });
});

describe("how many records anonymous callers can make the trail write", () => {
  it("1,000 denied calls from one address: the address's budget, then one record saying how many more", async () => {
    const before = lastId();
    for (let i = 0; i < 1000; i++) await createUser({ username: `guess-${i}`, password: "x".repeat(1000), role: "admin" });
    const written = since(before);
    expect(written).toHaveLength(ANONYMOUS_AUDIT_LIMITS.perAddressBurst);
    expect(written.every((r) => r.action === "users.create" && r.result === "denied" && r.ip === "203.0.113.50")).toBe(true);

    // At the end of the window the rest becomes one summary record.
    const beforeSummary = lastId();
    await vi.advanceTimersByTimeAsync(ANONYMOUS_AUDIT_LIMITS.windowMs);
    const summary = since(beforeSummary);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ actor: "anonymous", action: SUPPRESSED_ACTION, result: "denied", error_code: "audit_rate_limited", ip: "203.0.113.50" });
    const params = JSON.parse(summary[0].params!) as { suppressed: number; calls: Record<string, number>; targets: string[]; moreTargets?: boolean };
    expect(params.suppressed).toBe(1000 - ANONYMOUS_AUDIT_LIMITS.perAddressBurst);
    expect(params.calls).toEqual({ "users.create denied": 1000 - ANONYMOUS_AUDIT_LIMITS.perAddressBurst });
    expect(params.targets).toHaveLength(ANONYMOUS_AUDIT_LIMITS.maxTargets);
    expect(params.moreTargets).toBe(true);
    expect(since(before).length).toBe(ANONYMOUS_AUDIT_LIMITS.perAddressBurst + 1);
  });

  it("refills slowly: a minute later the address may write its per-minute share again", async () => {
    for (let i = 0; i < 100; i++) await createUser({});
    flushSuppressedAudit(db);
    vi.setSystemTime(Date.now() + 60_000);
    const before = lastId();
    for (let i = 0; i < 100; i++) await createUser({});
    expect(since(before)).toHaveLength(ANONYMOUS_AUDIT_LIMITS.perAddressPerMinute);
  });

  it("each address has its own budget; an IPv6 /64 is one address", async () => {
    for (let i = 0; i < 100; i++) await createUser({});
    state.ip = "198.51.100.77";
    let before = lastId();
    for (let i = 0; i < 100; i++) await createUser({});
    expect(since(before)).toHaveLength(ANONYMOUS_AUDIT_LIMITS.perAddressBurst);

    before = lastId();
    for (let i = 0; i < 100; i++) {
      state.ip = `2001:db8:1:2::${(i + 1).toString(16)}`;
      await createUser({});
    }
    expect(since(before)).toHaveLength(ANONYMOUS_AUDIT_LIMITS.perAddressBurst);
    expect(limitKey("2001:db8:1:2:aaaa::1")).toBe(limitKey("2001:0db8:0001:0002::ffff"));
    expect(limitKey("2001:db8:1:3::1")).not.toBe(limitKey("2001:db8:1:2::1"));
  });

  it("rotating addresses does not help: all anonymous callers share one more budget, and the summaries are bounded", async () => {
    const before = lastId();
    for (let i = 0; i < 1000; i++) {
      state.ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      await createUser({});
    }
    expect(since(before)).toHaveLength(ANONYMOUS_AUDIT_LIMITS.globalBurst);
    const beforeSummary = lastId();
    flushSuppressedAudit(db);
    const summaries = since(beforeSummary);
    expect(summaries.length).toBe(ANONYMOUS_AUDIT_LIMITS.maxSummarisedAddresses + 1);
    const total = summaries.reduce((n, r) => n + (JSON.parse(r.params!) as { suppressed: number }).suppressed, 0);
    expect(total).toBe(1000 - ANONYMOUS_AUDIT_LIMITS.globalBurst);
  });

  it("does not limit signed-in callers: their denied calls are attributable and all recorded", async () => {
    const viewer = await createLocalUser(db, { username: `viewer-${Date.now()}`, password: "viewer-password-long-1", role: "viewer" });
    state.cookies = new Map([[SESSION_COOKIE, createSession(db, viewer.id, "viewer", {}, sessionPolicy()).token]]);
    const before = lastId();
    for (let i = 0; i < 100; i++) await createUser({});
    expect(since(before)).toHaveLength(100);
  });
});

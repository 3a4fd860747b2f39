import { beforeEach, describe, expect, it } from "vitest";
import { openConsoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { createSession, deleteSession, resolveSession, sessionPolicy, type SessionPolicy } from "./sessions";
import { createLocalUser, resetPassword, setUserDisabled, setUserRole, type User } from "./users";

const MIN = 60_000;
const policy: SessionPolicy = { idleMs: 30 * MIN, absoluteMs: 2 * 60 * MIN };
const meta = { ip: "10.0.0.1", userAgent: "vitest" };

let db: ConsoleDb;
let alice: User;

beforeEach(async () => {
  db = openConsoleDb(":memory:");
  alice = await createLocalUser(db, { username: "alice", password: "alice-password-1", role: "responder" });
});

describe("sessions", () => {
  it("resolves a fresh session to its user and role", () => {
    const { token } = createSession(db, alice.id, alice.role, meta, policy);
    expect(token).toMatch(/^[\w-]{43}$/);
    const s = resolveSession(db, token, policy);
    expect(s).toMatchObject({ userId: alice.id, username: "alice", role: "responder", source: "local" });
  });

  it("stores only a hash of the token", () => {
    const { token } = createSession(db, alice.id, alice.role, meta, policy);
    const rows = db.prepare("SELECT id_hash FROM sessions").all() as { id_hash: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].id_hash).not.toBe(token);
    expect(JSON.stringify(db.prepare("SELECT * FROM sessions").all())).not.toContain(token);
  });

  it("refuses unknown, empty and oversized tokens", () => {
    createSession(db, alice.id, alice.role, meta, policy);
    expect(resolveSession(db, undefined, policy)).toBeNull();
    expect(resolveSession(db, "", policy)).toBeNull();
    expect(resolveSession(db, "not-a-session", policy)).toBeNull();
    expect(resolveSession(db, "x".repeat(500), policy)).toBeNull();
  });

  it("ends after the idle time without use", () => {
    const { token } = createSession(db, alice.id, alice.role, meta, policy);
    const t0 = Date.now();
    expect(resolveSession(db, token, policy, t0 + 29 * MIN)).not.toBeNull();
    // Use moves the idle deadline on…
    expect(resolveSession(db, token, policy, t0 + 55 * MIN)).not.toBeNull();
    // …but 31 minutes without use ends it, for good.
    expect(resolveSession(db, token, policy, t0 + 86 * MIN)).toBeNull();
    expect(resolveSession(db, token, policy, t0 + 87 * MIN)).toBeNull();
  });

  it("ends at the absolute lifetime however active it is", () => {
    const { token } = createSession(db, alice.id, alice.role, meta, policy);
    const t0 = Date.now();
    for (let m = 20; m < 120; m += 20) expect(resolveSession(db, token, policy, t0 + m * MIN)).not.toBeNull();
    expect(resolveSession(db, token, policy, t0 + 121 * MIN)).toBeNull();
  });

  it("reports when it will expire: the earlier of idle and absolute", () => {
    const { token, expiresAtMs } = createSession(db, alice.id, alice.role, meta, policy);
    expect(expiresAtMs - Date.now()).toBeLessThanOrEqual(30 * MIN);
    const t0 = Date.now();
    for (let m = 25; m < 110; m += 25) resolveSession(db, token, policy, t0 + m * MIN);
    const late = resolveSession(db, token, policy, t0 + 110 * MIN)!;
    expect(late).not.toBeNull();
    // 10 minutes of absolute lifetime left, less than the 30 of idle time.
    expect(late.expiresAtMs).toBeLessThanOrEqual(t0 + 120 * MIN + 1000);
    expect(late.expiresAtMs).toBeGreaterThanOrEqual(t0 + 120 * MIN - 1000);
  });

  it("stops working at once when the user is disabled, even if a row survived", () => {
    const { token } = createSession(db, alice.id, alice.role, meta, policy);
    db.prepare("UPDATE users SET disabled = 1 WHERE id = ?").run(alice.id);
    expect(resolveSession(db, token, policy)).toBeNull();
    db.prepare("UPDATE users SET disabled = 0 WHERE id = ?").run(alice.id);
    expect(resolveSession(db, token, policy)).toBeNull(); // deleted, not merely hidden
  });

  it("ends all of a user's sessions when they are disabled, change role or get a new password", async () => {
    const a = createSession(db, alice.id, alice.role, meta, policy).token;
    setUserDisabled(db, "alice", true);
    expect(resolveSession(db, a, policy)).toBeNull();
    setUserDisabled(db, "alice", false);

    const b = createSession(db, alice.id, alice.role, meta, policy).token;
    setUserRole(db, "alice", "viewer");
    expect(resolveSession(db, b, policy)).toBeNull();

    const c = createSession(db, alice.id, "viewer", meta, policy).token;
    await resetPassword(db, "alice", "another-password-2");
    expect(resolveSession(db, c, policy)).toBeNull();
  });

  it("rotation: deleting the old session leaves only the new one working", () => {
    const before = createSession(db, alice.id, alice.role, meta, policy).token;
    deleteSession(db, before);
    const after = createSession(db, alice.id, alice.role, meta, policy).token;
    expect(after).not.toBe(before);
    expect(resolveSession(db, before, policy)).toBeNull();
    expect(resolveSession(db, after, policy)).not.toBeNull();
  });

  it("reads its lifetimes from the environment", () => {
    expect(sessionPolicy({} as unknown as NodeJS.ProcessEnv)).toEqual({ idleMs: 30 * MIN, absoluteMs: 12 * 60 * MIN });
    expect(sessionPolicy({ SESSION_IDLE_MINUTES: "5", SESSION_ABSOLUTE_HOURS: "1" } as unknown as NodeJS.ProcessEnv)).toEqual({
      idleMs: 5 * MIN,
      absoluteMs: 60 * MIN,
    });
  });
});

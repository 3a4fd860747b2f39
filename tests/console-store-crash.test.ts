import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/files";

/**
 * No acknowledged write to the console store is lost when the process dies. Two writer
 * processes (tests/support/console-store-writer.ts) create users, record audit records,
 * save queries and create sessions through the real lib functions, concurrently, printing
 * each write once its function has returned; they are SIGKILLed mid-flight, the store is
 * reopened, and every acknowledged write must be there.
 */

const { openConsoleDb } = await import("@/lib/db/console-db");
const { findUser } = await import("@/lib/auth/users");
const { getSavedQuery } = await import("@/lib/fleet-search/saved-queries");
const { resolveSession, sessionPolicy } = await import("@/lib/auth/sessions");

const dataDir = mkdtempSync(join(tmpdir(), "fc-store-crash-"));
const dbPath = join(dataDir, "console.sqlite");
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

type Kind = "user" | "audit" | "query" | "session";
const KINDS: Kind[] = ["user", "audit", "query", "session"];
/** Enough of each kind that the kill lands among writes of every kind. */
const AT_LEAST: Record<Kind, number> = { user: 4, audit: 100, query: 100, session: 100 };
const RUN_MS = 1500;

interface Writer {
  proc: ChildProcess;
  acked: Record<Kind, string[]>;
  ready: boolean;
  exited: Promise<void>;
  stderr: string;
}

function startWriter(prefix: string): Writer {
  const proc = spawn(process.execPath, ["--import", "tsx", "tests/support/console-store-writer.ts", prefix], {
    cwd: ROOT,
    env: { ...process.env, CONSOLE_DB_PATH: dbPath },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const w: Writer = {
    proc,
    acked: { user: [], audit: [], query: [], session: [] },
    ready: false,
    exited: new Promise((r) => proc.once("exit", () => r())),
    stderr: "",
  };
  let partial = "";
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!; // an unterminated last line was never acknowledged
    for (const line of lines) {
      if (line === "ready") w.ready = true;
      const m = /^ack (user|audit|query|session) (\S+)$/.exec(line);
      if (m) w.acked[m[1] as Kind].push(m[2]);
    }
  });
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (w.stderr += chunk));
  return w;
}

const enough = (w: Writer) => KINDS.every((k) => w.acked[k].length >= AT_LEAST[k]);

describe("the console store after a SIGKILL", () => {
  it("has every write that was acknowledged", { timeout: 60_000 }, async () => {
    const writers = [startWriter("w1"), startWriter("w2")];
    try {
      // Until both write all kinds (tsx start-up takes a moment), then a little longer, then kill.
      const deadline = Date.now() + 40_000;
      while (!writers.every((w) => w.ready && enough(w))) {
        const dead = writers.find((w) => w.proc.exitCode !== null);
        if (dead) throw new Error(`a writer exited early (${dead.proc.exitCode}): ${dead.stderr}`);
        if (Date.now() > deadline)
          throw new Error(
            `writers too slow: ${JSON.stringify(writers.map((w) => KINDS.map((k) => w.acked[k].length)))} ${writers.map((w) => w.stderr).join("\n")}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, RUN_MS - 500 + Math.random() * 500));
    } finally {
      for (const w of writers) w.proc.kill("SIGKILL");
      await Promise.all(writers.map((w) => w.exited));
    }
    for (const w of writers) expect(w.proc.signalCode).toBe("SIGKILL");

    const db = openConsoleDb(dbPath);
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      // Durable commits: what survives a SIGKILL also survives a power cut.
      expect(db.pragma("synchronous", { simple: true })).toBe(2);
      const auditTargets = new Set((db.prepare("SELECT target FROM audit_log WHERE action = 'crash.test'").all() as { target: string }[]).map((r) => r.target));
      const policy = sessionPolicy();
      const lost: string[] = [];
      for (const w of writers) {
        for (const name of w.acked.user) if (!findUser(db, name)) lost.push(`user ${name}`);
        for (const target of w.acked.audit) if (!auditTargets.has(target)) lost.push(`audit ${target}`);
        for (const id of w.acked.query) if (!getSavedQuery(db, id)) lost.push(`query ${id}`);
        for (const token of w.acked.session) if (!resolveSession(db, token, policy)) lost.push(`session ${token.slice(0, 8)}…`);
      }
      const total = writers.reduce((n, w) => n + KINDS.reduce((m, k) => m + w.acked[k].length, 0), 0);
      expect(lost, `${lost.length} of ${total} acknowledged writes lost`).toEqual([]);
    } finally {
      db.close();
    }
  });
});

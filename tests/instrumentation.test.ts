import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * A production console started without scripts/console-server.ts (plain `next start`)
 * sees every client as "unknown": one shared sign-in limit for everyone. The server says
 * so loudly at start, once.
 */

vi.mock("@/lib/fs/private-files", () => ({ tightenTree: vi.fn() }));
vi.mock("@/lib/db/console-db", () => ({ consoleDb: vi.fn(() => ({})) }));
vi.mock("@/lib/auth/first-admin", () => ({ ensureFirstAdmin: vi.fn(async () => {}) }));

const { register } = await import("../instrumentation");
const { PEER_HEADER_ENV } = await import("@/lib/http/forwarded");

const KEYS = ["NODE_ENV", "NEXT_RUNTIME", "NEXT_PHASE", PEER_HEADER_ENV] as const;
let saved: Record<string, string | undefined>;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  const env = process.env as Record<string, string | undefined>;
  env.NEXT_RUNTIME = "nodejs";
  delete env.NEXT_PHASE;
  vi.spyOn(process, "umask").mockImplementation(() => 0o022);
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  const env = process.env as Record<string, string | undefined>;
  for (const k of KEYS) {
    if (saved[k] === undefined) delete env[k];
    else env[k] = saved[k];
  }
  vi.restoreAllMocks();
});

const warnings = () => warn.mock.calls.map((c: unknown[]) => String(c[0]));

describe("server start", () => {
  it("in production without the console server's peer-address header, warns once to start with `npm start`", async () => {
    const env = process.env as Record<string, string | undefined>;
    env.NODE_ENV = "production";
    delete env[PEER_HEADER_ENV];
    await register();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/npm start/);
    expect(warnings()[0]).toMatch(/scripts\/console-server\.ts/);
    expect(warnings()[0]).toMatch(/unknown/);
  });

  it("says nothing when started by scripts/console-server.ts, or in development", async () => {
    const env = process.env as Record<string, string | undefined>;
    env.NODE_ENV = "production";
    env[PEER_HEADER_ENV] = "x-fc-peer-0123";
    await register();
    env.NODE_ENV = "development";
    delete env[PEER_HEADER_ENV];
    await register();
    expect(warnings()).toEqual([]);
  });
});

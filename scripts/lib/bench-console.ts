import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { openConsoleDb } from "@/lib/db/console-db";
import { createLocalUser } from "@/lib/auth/users";
import { createSession, sessionPolicy } from "@/lib/auth/sessions";
import { generatePassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/cookie";
import { ensureConsoleBuild, spawnTs, waitForHttp } from "./processes";

/** A console store of its own with one viewer signed in: pages are measured as an operator gets them. */
export async function benchSession(dataDir: string): Promise<{ dbPath: string; cookie: string; token: string }> {
  const dbPath = join(dataDir, "console.sqlite");
  const db = openConsoleDb(dbPath);
  try {
    const user = await createLocalUser(db, { username: "bench-viewer", password: generatePassword(), role: "viewer" });
    const { token } = createSession(db, user.id, user.role, { ip: "127.0.0.1" }, sessionPolicy());
    return { dbPath, cookie: `${SESSION_COOKIE}=${token}`, token };
  } finally {
    db.close();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface BenchConsole {
  url: string;
  port: number;
  cookie: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The built console (`next build` first if sources changed) on a free port, over the emulator at `emulatorPort`, with a signed-in viewer. */
export async function startBenchConsole(emulatorPort: number, dataDir: string): Promise<BenchConsole> {
  const session = await benchSession(dataDir);
  const env = {
    ...process.env,
    FLEET_BACKEND: "local",
    EMULATOR_HOST: "127.0.0.1",
    EMULATOR_HTTP_PORT: String(emulatorPort),
    NEXT_TELEMETRY_DISABLED: "1",
    CONSOLE_DB_PATH: session.dbPath,
  };
  await ensureConsoleBuild(process.cwd(), env);
  const port = await freePort();
  // The console's own server entry, as `npm start` runs it.
  const child = spawnTs("scripts/console-server.ts", { ...env, PORT: String(port) }, "console", [String(port), "127.0.0.1"]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/sign-in`, 60_000, () => child.exitCode === null);
  } catch (err) {
    child.kill("SIGTERM");
    throw err;
  }
  return {
    url,
    port,
    cookie: session.cookie,
    token: session.token,
    child,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)));
    },
  };
}

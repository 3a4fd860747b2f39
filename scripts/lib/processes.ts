import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Runs a TypeScript entry point in a child Node process (tsx loader), one PID per program. */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, name: string, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { env, stdio: "inherit" });
  child.on("error", (err) => console.error(`[start] ${name} failed to start: ${err.message}`));
  return child;
}

export function spawnNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["node_modules/next/dist/bin/next", ...args], { env, stdio: "inherit" });
}

/** Waits until `url` answers with a status below 500, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process serving ${url} exited`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "proxy.ts",
  "instrumentation.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];

/** Newest modification time under the console's sources, to decide whether to rebuild. */
function newestSourceMtime(root: string): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== "node_modules") visit(join(p, e));
    } else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const s of SOURCES) visit(join(root, s));
  return newest;
}

/** Builds the console with `next build` unless a build newer than every source exists. */
export async function ensureConsoleBuild(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const buildId = join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceMtime(root)) return;
  console.log("[start] building the console (next build); this happens once per change of sources");
  const started = Date.now();
  const child = spawnNext(["build"], { ...env, NEXT_TELEMETRY_DISABLED: "1" });
  const code: number = await new Promise((r) => child.on("exit", (c) => r(c ?? 1)));
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  console.log(`[start] console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

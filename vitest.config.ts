import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * The two tiers of unit tests:
 * - integration: a test that starts the emulator, a child process (the console server,
 *   a CLI, a crash victim), an identity provider or a browser. It is one when it, or any
 *   file of this repository it imports (followed transitively), imports one of SLOW_PACKAGES or
 *   SLOW_FILES. Nothing to mark by hand: adding `startEmulator` to a test moves it.
 * - fast: every other test (`npm run test:fast`, the edit-test loop).
 * Type-only imports do not count (they load nothing).
 */
const SLOW_PACKAGES = ["child_process", "node:child_process", "@playwright/test", "playwright", "playwright-core", "oidc-provider"];
/** Repository files whose import means a process, a server or a browser is started. */
const SLOW_FILES = ["emulator/emulator.ts", "scripts/lib/processes.ts", "scripts/lib/emulator-process.ts", "e2e/oidc-provider.ts"];

const TEST_ROOTS = ["lib", "emulator", "simulator", "tests", "scripts"];
const SKIP_DIRS = new Set(["node_modules", ".next", "e2e"]);

function testFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".test.ts")) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  for (const r of TEST_ROOTS) {
    try {
      walk(join(root, r));
    } catch {
      // a root that does not exist (yet)
    }
  }
  return out.sort();
}

const SPECIFIERS =
  /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)/gm;
const EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.tsx"];

function resolveLocal(root: string, from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null;
  for (const ext of EXTENSIONS) {
    try {
      if (statSync(base + ext).isFile()) return base + ext;
    } catch {
      // next candidate
    }
  }
  return null;
}

/** Splits `files` (repo-relative) into the two tiers. */
function splitTiers(root: string, files: readonly string[]): { fast: string[]; integration: string[] } {
  const slowFiles = new Set(SLOW_FILES.map((f) => join(root, f)));
  const verdict = new Map<string, boolean>();
  const isSlow = (file: string, stack: Set<string>): boolean => {
    const known = verdict.get(file);
    if (known !== undefined) return known;
    if (slowFiles.has(file)) return true;
    if (stack.has(file)) return false;
    stack.add(file);
    let slow = false;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(SPECIFIERS)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (SLOW_PACKAGES.includes(spec)) slow = true;
      else {
        const local = resolveLocal(root, file, spec);
        if (local && !local.includes(`${sep}node_modules${sep}`) && isSlow(local, stack)) slow = true;
      }
      if (slow) break;
    }
    stack.delete(file);
    verdict.set(file, slow);
    return slow;
  };
  const fast: string[] = [];
  const integration: string[] = [];
  for (const f of files) (isSlow(join(root, f), new Set()) ? integration : fast).push(f);
  return { fast, integration };
}

const root = fileURLToPath(new URL(".", import.meta.url));
// `npm run test:fast` = the fast project; `npm run test:unit` (vitest run) = both.
const tiers = splitTiers(root, testFiles(root));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Outside Next's server layer the marker throws on import; tests load server modules directly.
      "server-only": fileURLToPath(new URL("./node_modules/next/dist/compiled/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      { extends: true, test: { name: "fast", include: tiers.fast, pool: "threads" } },
      { extends: true, test: { name: "integration", include: tiers.integration } },
    ],
  },
});

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository root. */
export const ROOT = join(import.meta.dirname, "..", "..");

const SOURCE = /\.(ts|tsx|js|mjs)$/;
const TEST = /\.test\.tsx?$/;

/** A source file that is not a test. */
export const isProductionSource = (path: string) => SOURCE.test(path) && !TEST.test(path);

/**
 * Source files below `dir` (relative to the root), as root-relative paths with forward
 * slashes, that pass `keep` (by default: every source file).
 */
export function sourceFilesUnder(dir: string, keep: (path: string) => boolean = (f) => SOURCE.test(f)): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  const visit = (p: string) => {
    for (const e of readdirSync(p)) {
      const f = join(p, e);
      if (statSync(f).isDirectory()) visit(f);
      else if (keep(f)) out.push(relative(ROOT, f).split("\\").join("/"));
    }
  };
  visit(abs);
  return out.sort();
}

// Shared by the local rules: where an import points, and small glob matching, without a
// resolver plugin (the lint must stay fast and need nothing beyond eslint itself).
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

const EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs", ".js", "/index.ts", "/index.tsx"];

/** A path relative to the repository root, with forward slashes. */
export function repoPath(absolute) {
  return relative(ROOT, absolute).split(sep).join("/");
}

/**
 * What an import specifier names: `{ file }` (repo-relative path of a source file in this
 * repository, or of the path it would have when nothing exists there) or `{ pkg }`.
 */
export function resolveImport(fromFile, specifier) {
  let base;
  if (specifier.startsWith("@/")) base = join(ROOT, specifier.slice(2));
  else if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") base = resolve(dirname(fromFile), specifier);
  else if (isAbsolute(specifier)) base = specifier;
  else return { pkg: specifier };
  if (isFile(base)) return { file: repoPath(base) };
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return { file: repoPath(base + ext) };
  return { file: repoPath(base), missing: true };
}

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const sourceCache = new Map();
/** The first few KB of a repository file (its directives and first imports), cached for the run. */
export function head(repoRelative) {
  if (!sourceCache.has(repoRelative)) {
    const abs = join(ROOT, repoRelative);
    sourceCache.set(repoRelative, existsSync(abs) ? readFileSync(abs, "utf8").slice(0, 4096) : "");
  }
  return sourceCache.get(repoRelative);
}

/** Leading comments and blank lines removed. */
export function stripLeadingComments(text) {
  let s = text;
  for (;;) {
    const t = s.replace(/^\s+/, "");
    if (t.startsWith("//")) s = t.slice(t.indexOf("\n") + 1 || t.length);
    else if (t.startsWith("/*")) s = t.slice(t.indexOf("*/") + 2);
    else return t;
  }
}

/** The file's directive ("use client" / "use server") if it opens with one. */
export function directiveOf(text) {
  const m = /^["'](use client|use server)["']/.exec(stripLeadingComments(text));
  return m ? m[1] : null;
}

/** Whether the first statement after directives is `import "server-only"`. */
export function startsWithServerOnly(text) {
  let s = stripLeadingComments(text);
  while (/^["']use (client|server)["'];?/.test(s)) s = stripLeadingComments(s.replace(/^["'][^"']+["'];?/, ""));
  return /^import\s+["']server-only["']/.test(s);
}

const globCache = new Map();
/** `**` any depth, `*` within one segment; a pattern without a slash-ending matches exactly or as a folder prefix when it ends with `/**`. */
export function matches(path, pattern) {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern
      .split(/(\*\*\/?|\*)/)
      .map((part) => (part === "**/" ? "(?:.*/)?" : part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    re = new RegExp(`^${body}$`);
    globCache.set(pattern, re);
  }
  return re.test(path);
}

export const matchesAny = (path, patterns) => patterns.some((p) => matches(path, p));

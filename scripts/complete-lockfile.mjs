#!/usr/bin/env node
/**
 * The npm registry this project's machines reach holds only the Linux builds of
 * platform-specific optional packages (@next/swc-*, @tailwindcss/oxide-*, ...). `npm
 * install` then leaves the other platforms out of package-lock.json, and `npm ci`
 * refuses a lockfile that misses optional dependencies. This adds an entry for each
 * missing one, marked optional and restricted to the platform its name says, so `npm ci`
 * skips it here exactly as it would with a complete lockfile.
 *
 * Run after `npm install`:  node scripts/complete-lockfile.mjs
 * Check only (exit 1 if entries are missing):  node scripts/complete-lockfile.mjs --check
 */
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "sunos", "win32", "aix", "netbsd"];
const CPU = ["arm64", "x64", "ia32", "arm", "wasm32", "riscv64", "ppc64", "s390x", "loong64", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  const entry = {};
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  if (os === "linux") entry.libc = [parts.includes("musl") ? "musl" : "glibc"];
  return entry;
}

let added = 0;
for (const [path, pkg] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    // npm looks for the dependency next to the dependent first, then up the tree.
    const candidates = [];
    let base = path;
    while (true) {
      candidates.push(`${base ? base + "/" : ""}node_modules/${dep}`);
      const i = base.lastIndexOf("/node_modules/");
      if (i < 0) {
        if (base === "") break;
        base = "";
        continue;
      }
      base = base.slice(0, i);
    }
    if (candidates.some((c) => packages[c])) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform package: leave it to npm
    const version = range.replace(/^[\^~=]/, "");
    packages[`node_modules/${dep}`] = { version, optional: true, ...platform };
    added++;
  }
}

if (process.argv.includes("--check")) {
  if (added) {
    console.error(`package-lock.json misses ${added} optional platform entries: run node scripts/complete-lockfile.mjs (npm ci would fail)`);
    process.exit(1);
  }
  console.log("package-lock.json: complete");
  process.exit(0);
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(added ? `package-lock.json: added ${added} optional platform entries` : "package-lock.json: complete");

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, sourceFilesUnder as sourceFiles } from "./support/files";

// The layering rules of docs/architecture, checked on every run so a violation fails CI.


const imports = (file: string) =>
  [...readFileSync(join(ROOT, file), "utf8").matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);

const consoleFiles = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib")].filter((f) => !f.endsWith(".test.ts"));

describe("architecture", () => {
  it("has console sources to check", () => {
    expect(consoleFiles.length).toBeGreaterThan(0);
  });

  it("imports @aws-sdk/* only under lib/aws/", () => {
    const leaks = consoleFiles.filter((f) => !f.startsWith("lib/aws/") && imports(f).some((i) => i.startsWith("@aws-sdk/")));
    expect(leaks).toEqual([]);
  });

  it("never imports the emulator or the simulator from the console", () => {
    const leaks = consoleFiles.filter((f) => imports(f).some((i) => /(^|\/)(emulator|simulator)\//.test(i)));
    expect(leaks).toEqual([]);
  });

  it("keeps client components away from lib/aws and server config", () => {
    const clientFiles = consoleFiles.filter((f) => /^\s*["']use client["']/m.test(readFileSync(join(ROOT, f), "utf8").slice(0, 200)));
    const leaks = clientFiles.filter((f) => imports(f).some((i) => /lib\/aws|lib\/config/.test(i)));
    expect(leaks).toEqual([]);
  });

  it("keeps the emulator and simulator independent of the console UI", () => {
    const files = [...sourceFiles("emulator"), ...sourceFiles("simulator")];
    const leaks = files.filter((f) => imports(f).some((i) => /(^@\/)?(app|components)\//.test(i) || /lib\/aws/.test(i)));
    expect(leaks).toEqual([]);
  });
});

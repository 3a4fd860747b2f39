import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { ROOT } from "./support/files";
// @ts-expect-error: a plain ES module without types
import { SERVER_ONLY_EXCEPTIONS, SHARED_LIB } from "../eslint.config.mjs";

/**
 * The layering rules of docs/architecture.md are lint rules (eslint.config.mjs,
 * eslint/plugin.mjs), run by `npm run verify`. What lint cannot say about itself is
 * checked here: that each rule really fires on a violation (and stays quiet on what is
 * allowed), and that its lists name files that exist.
 */

const eslint = new ESLint({ cwd: ROOT });

/** The rule ids reported for `code` as if it were the file `path` (which need not exist). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.map((m) => m.ruleId ?? m.message).filter((id) => id !== "@typescript-eslint/no-unused-vars");
}

describe("lint encodes the architecture", () => {
  it("keeps the AWS SDK in lib/aws (and the emulator, simulator, scripts and tests)", async () => {
    const sdk = 'import { IoTClient } from "@aws-sdk/client-iot";\nexport const c = IoTClient;\n';
    expect(await violations("app/things/probe.tsx", sdk)).toEqual(["local/import-boundaries"]);
    expect(await violations("lib/things/probe.ts", sdk)).toEqual(["local/import-boundaries"]);
    expect(await violations("lib/aws/probe.ts", `import "server-only";\n${sdk}`)).toEqual([]);
    expect(await violations("simulator/probe.ts", sdk)).toEqual([]);
  });

  it("keeps the console away from the emulator and the simulator", async () => {
    expect(await violations("lib/things/probe.ts", 'export { emulatorConfigFromEnv } from "../../emulator/config";\n')).toEqual(["local/import-boundaries"]);
    expect(await violations("app/probe.tsx", 'import { x } from "@/simulator/plan";\nexport const y = x;\n')).toEqual(["local/import-boundaries"]);
  });

  it("lets the emulator and the simulator import only the shared pure modules of lib/", async () => {
    const code = (spec: string) => `import { x } from "${spec}";\nexport const y = x;\n`;
    expect(await violations("emulator/services/probe.ts", code("../../lib/things/api"))).toEqual(["local/import-boundaries"]);
    expect(await violations("simulator/probe.ts", code("../lib/aws/client"))).toEqual(["local/import-boundaries"]);
    expect(await violations("emulator/index/probe.ts", code("../../lib/fleet-query/parse"))).toEqual([]);
    expect(await violations("emulator/probe.ts", code("../simulator/plan"))).toEqual(["local/import-boundaries"]);
    expect(await violations("lib/json/probe.ts", code("next/server"))).toEqual(["local/import-boundaries"]);
  });

  it("refuses server modules in client components, but not server actions or types", async () => {
    const client = (line: string) => `"use client";\n${line}\nexport const y = x;\n`;
    expect(await violations("components/probe.tsx", client('import { consoleDb as x } from "@/lib/db/console-db";'))).toEqual([
      "local/no-server-import-in-client",
    ]);
    // lib/auth/guard.ts is in no server folder: refused because it starts with import "server-only".
    expect(await violations("components/probe.tsx", client('import { action as x } from "@/lib/auth/guard";'))).toEqual(["local/no-server-import-in-client"]);
    expect(await violations("components/probe.tsx", client('import { headers as x } from "next/headers";'))).toEqual(["local/no-server-import-in-client"]);
    expect(await violations("components/probe.tsx", client('import { signIn as x } from "@/lib/actions/sign-in";'))).toEqual([]);
    expect(await violations("components/probe.tsx", client('import type { Session } from "@/lib/auth/sessions";\nconst x: Session | null = null;'))).toEqual(
      [],
    );
  });

  it("asks server modules for the server-only marker", async () => {
    expect(await violations("lib/aws/probe.ts", "export const x = 1;\n")).toEqual(["local/server-only-marker"]);
    expect(await violations("lib/actions/probe.ts", '"use server";\nexport async function x() {}\n')).toEqual(["local/server-only-marker"]);
    expect(await violations("lib/actions/probe.ts", '"use server";\nimport "server-only";\nexport async function x() {}\n')).toEqual([]);
  });

  it("reads the environment only through lib/env", async () => {
    expect(await violations("lib/things/probe.ts", "export const x = process.env.PORT;\n")).toEqual(["no-restricted-properties"]);
    expect(await violations("scripts/probe.ts", "export const x = process.env.PORT;\n")).toEqual(["no-restricted-syntax"]);
    expect(await violations("scripts/probe.ts", 'process.env.NODE_ENV = "production";\nexport const env = { ...process.env };\n')).toEqual([]);
  });

  it("names only files and folders that exist in its lists", () => {
    for (const file of Object.keys(SERVER_ONLY_EXCEPTIONS)) expect(existsSync(join(ROOT, file)), file).toBe(true);
    for (const glob of SHARED_LIB as string[]) expect(existsSync(join(ROOT, glob.replace(/\/\*\*$/, ""))), glob).toBe(true);
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, OIDC_CLIENT_SECRET } from "./stack";

/**
 * What the browser downloads must hold no AWS credential, SDK, session or OIDC secret,
 * password hashing or stack trace. This scans the production client bundles that the
 * stack under test was just built with (the web server builds before any test runs),
 * so it needs no browser.
 */

const STATIC_DIR = join(process.cwd(), ".next", "static");

const FORBIDDEN: Array<[what: string, pattern: RegExp]> = [
  ["the AWS SDK", /@aws-sdk/],
  ["an AWS secret key field", /secretAccessKey/],
  ["the AWS secret key variable", /AWS_SECRET_ACCESS_KEY/],
  ["an AWS secret", /aws_secret/i],
  ["a session setting or secret", /SESSION_/],
  ["the first admin's password variable", /ADMIN_PASSWORD/],
  ["the OIDC client secret variable", /OIDC_CLIENT_SECRET/],
  ["the e2e admin password", new RegExp(literal(ADMIN_PASSWORD))],
  ["the e2e OIDC client secret", new RegExp(literal(OIDC_CLIENT_SECRET))],
  ["the console's SQLite store", /better-sqlite3/],
  ["password hashing (scrypt)", /scrypt/i],
  ["a stack trace", /at Object\.<anonymous>/],
  ["a server source path", new RegExp(literal(process.cwd()) + "/(lib|app|components|scripts)/")],
];

function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const f = join(dir, e);
    return statSync(f).isDirectory() ? files(f) : [f];
  });
}

test("client bundles carry no credentials, secrets, server-only code or stack traces", () => {
  const scanned = files(STATIC_DIR).filter((f) => /\.(js|mjs|css|json|map|txt|html)$/.test(f));
  expect(scanned.length, `no client bundles under ${STATIC_DIR}: the build did not run`).toBeGreaterThan(0);
  expect(scanned.some((f) => f.endsWith(".js"))).toBe(true);

  const findings: string[] = [];
  for (const file of scanned) {
    const text = readFileSync(file, "utf8");
    for (const [what, pattern] of FORBIDDEN) {
      const m = pattern.exec(text);
      if (m) findings.push(`${relative(process.cwd(), file)}: ${what} — …${text.slice(Math.max(0, m.index - 60), m.index + 60)}…`);
    }
  }
  expect(findings).toEqual([]);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP } from "../../e2e/stack";
import { startOidcProvider, type RunningOidcProvider } from "../../e2e/oidc-provider";

/**
 * The redirect URI single sign-on sends to the provider follows the console's one trust
 * rule (CONSOLE_PUBLIC_URL, else Host, X-Forwarded-* only from trusted proxies), not
 * `req.nextUrl`, which Next builds from the X-Forwarded-Host/-Proto a client sent.
 */

const current = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({ headers: async () => current.headers, cookies: async () => ({ get: () => undefined }) }));

const { handleOidcStart, publicOrigin, clearOidcDiscoveryCache } = await import("@/lib/auth/oidc");

const OIDC_ENV = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP", "CONSOLE_PUBLIC_URL", "TRUST_PROXY_HOPS"] as const;
const saved = Object.fromEntries(OIDC_ENV.map((k) => [k, process.env[k]]));
let provider: RunningOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider({ port: 0, redirectUris: ["http://console.test/api/auth/oidc/callback"] });
});
afterAll(async () => {
  for (const k of OIDC_ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await provider?.close();
});
beforeEach(() => {
  clearOidcDiscoveryCache();
  Object.assign(process.env, { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP });
  delete process.env.CONSOLE_PUBLIC_URL;
  delete process.env.TRUST_PROXY_HOPS;
});

/**
 * What Next hands the start route for a request with these headers: its URL's origin is
 * the client's own X-Forwarded-Proto and -Host (Next fills them only when absent).
 */
function startRequest(headers: Record<string, string>): NextRequest {
  const proto = headers["x-forwarded-proto"]?.split(",")[0].trim() ?? "http";
  const host = headers["x-forwarded-host"]?.split(",")[0].trim() ?? headers.host;
  current.headers = new Headers(headers);
  return new NextRequest(`${proto}://${host}/api/auth/oidc/start?next=/things`, { headers });
}

async function redirectUriSent(headers: Record<string, string>): Promise<string | null> {
  const res = await handleOidcStart(startRequest(headers));
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get("location")!);
  expect(location.href.startsWith(provider.issuer)).toBe(true);
  return location.searchParams.get("redirect_uri");
}

const spoofed = { host: "console.test", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };

describe("the OIDC redirect URI", () => {
  it("without trusted proxies is the Host the browser asked for, whatever X-Forwarded-* say", async () => {
    expect(await redirectUriSent(spoofed)).toBe("http://console.test/api/auth/oidc/callback");
  });

  it("behind TRUST_PROXY_HOPS=1 is the nearest proxy's hop of X-Forwarded-Host and -Proto", async () => {
    process.env.TRUST_PROXY_HOPS = "1";
    expect(await redirectUriSent({ host: "10.0.0.5:3000", "x-forwarded-host": "evil.example, fleet.example.com", "x-forwarded-proto": "http, https" })).toBe(
      "https://fleet.example.com/api/auth/oidc/callback",
    );
  });

  it("is CONSOLE_PUBLIC_URL's when it is set", async () => {
    process.env.CONSOLE_PUBLIC_URL = "https://fleet.example.com/";
    expect(await redirectUriSent(spoofed)).toBe("https://fleet.example.com/api/auth/oidc/callback");
  });
});

describe("publicOrigin", () => {
  const env = (v: Record<string, string>) => v as unknown as NodeJS.ProcessEnv;
  it("follows CONSOLE_PUBLIC_URL, else Host, X-Forwarded-* only from trusted proxies", () => {
    expect(publicOrigin(new Headers(spoofed), env({}))).toBe("http://console.test");
    expect(publicOrigin(new Headers(spoofed), env({ TRUST_PROXY_HOPS: "1" }))).toBe("https://evil.example");
    expect(publicOrigin(new Headers(spoofed), env({ CONSOLE_PUBLIC_URL: "https://fleet.example.com/console" }))).toBe("https://fleet.example.com");
  });

  it("refuses a Host that is not a host", () => {
    for (const host of ["evil.example/path", "user@evil.example", "a b"]) {
      expect(() => publicOrigin(new Headers({ host }), env({}))).toThrow(expect.objectContaining({ code: "misconfigured" }));
    }
  });
});

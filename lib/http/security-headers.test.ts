import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isCrossOrigin, newNonce, servedOverHttps } from "./security-headers";

describe("security headers", () => {
  it("makes a fresh, unguessable nonce per call that Next.js can read back from the CSP", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    const nonce = [...nonces][0];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const csp = contentSecurityPolicy(nonce);
    // The pattern Next.js uses to find the nonce (server/app-render/get-script-nonce-from-header).
    const scriptSrc = csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src"))!;
    expect(scriptSrc).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
  });

  it("locks everything else down", () => {
    const csp = contentSecurityPolicy("abc");
    for (const d of [
      "default-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("abc", { dev: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("abc", { https: true })).toContain("upgrade-insecure-requests");
  });

  it("trusts X-Forwarded-Proto only behind a configured proxy, and then only its hop", () => {
    const env = (v: Record<string, string>) => v as unknown as NodeJS.ProcessEnv;
    const h = (v: Record<string, string>) => new Headers(v);
    expect(servedOverHttps(h({}), env({}))).toBe(false);
    expect(servedOverHttps(h({ "x-forwarded-proto": "https" }), env({}))).toBe(false);
    expect(servedOverHttps(h({ "x-forwarded-proto": "https" }), env({ TRUST_PROXY_HOPS: "0" }))).toBe(false);
    expect(servedOverHttps(h({ "x-forwarded-proto": "https" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe(true);
    // The client's own "https" in front of what the proxy appended counts for nothing.
    expect(servedOverHttps(h({ "x-forwarded-proto": "https, http" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe(false);
    expect(servedOverHttps(h({ "x-forwarded-proto": "https, http" }), env({ TRUST_PROXY_HOPS: "2" }))).toBe(true);
    expect(servedOverHttps(h({}), env({ CONSOLE_PUBLIC_URL: "https://fleet.example.com" }))).toBe(true);
  });

  it("compares Origin with X-Forwarded-Host only behind a configured proxy", () => {
    const env = (v: Record<string, string>) => v as unknown as NodeJS.ProcessEnv;
    const h = (v: Record<string, string>) => new Headers(v);
    // No proxy: a client's X-Forwarded-Host cannot make a foreign origin look like ours.
    expect(isCrossOrigin(h({ host: "console.local", origin: "http://evil.example", "x-forwarded-host": "evil.example" }), env({}))).toBe(true);
    expect(isCrossOrigin(h({ host: "console.local", origin: "http://console.local", "x-forwarded-host": "evil.example" }), env({}))).toBe(false);
    // One proxy: its hop names the public host.
    expect(
      isCrossOrigin(h({ host: "10.0.0.5:3000", origin: "https://fleet.example.com", "x-forwarded-host": "fleet.example.com" }), env({ TRUST_PROXY_HOPS: "1" })),
    ).toBe(false);
    expect(
      isCrossOrigin(
        h({ host: "10.0.0.5:3000", origin: "http://evil.example", "x-forwarded-host": "evil.example, fleet.example.com" }),
        env({ TRUST_PROXY_HOPS: "1" }),
      ),
    ).toBe(true);
  });

  it("tells cross-site browser requests apart", () => {
    const h = (v: Record<string, string>) => new Headers(v);
    expect(isCrossOrigin(h({ host: "console.local", "sec-fetch-site": "same-origin", origin: "http://console.local" }))).toBe(false);
    expect(isCrossOrigin(h({ host: "console.local", "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossOrigin(h({ host: "console.local", "sec-fetch-site": "same-site" }))).toBe(true);
    expect(isCrossOrigin(h({ host: "console.local", origin: "http://evil.example" }))).toBe(true);
    expect(isCrossOrigin(h({ host: "console.local", origin: "null" }))).toBe(true);
    expect(isCrossOrigin(h({ host: "console.local" }))).toBe(false); // curl, server-to-server
  });
});

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
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"))!;
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

  it("trusts X-Forwarded-Proto only behind a configured proxy", () => {
    const env = (v: Record<string, string>) => v as unknown as NodeJS.ProcessEnv;
    expect(servedOverHttps({ protocol: "http:", forwardedProto: null }, env({}))).toBe(false);
    expect(servedOverHttps({ protocol: "http:", forwardedProto: "https" }, env({}))).toBe(false);
    expect(servedOverHttps({ protocol: "http:", forwardedProto: "https" }, env({ TRUST_PROXY_HOPS: "1" }))).toBe(true);
    expect(servedOverHttps({ protocol: "https:", forwardedProto: null }, env({}))).toBe(true);
    expect(servedOverHttps({ protocol: "http:", forwardedProto: null }, env({ CONSOLE_PUBLIC_URL: "https://fleet.example.com" }))).toBe(true);
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

import { createServer, request } from "node:http";
import { describe, expect, it } from "vitest";
import {
  clientAddressFrom,
  forwardedHop,
  missingPeerAddressWarning,
  normaliseAddress,
  PEER_HEADER_ENV,
  prepareForwardingHeaders,
  requestHost,
  requestOrigin,
  trustedProxyHops,
} from "./forwarded";

const env = (v: Record<string, string>) => ({ [PEER_HEADER_ENV]: "x-fc-peer-abc", ...v }) as unknown as NodeJS.ProcessEnv;
const h = (v: Record<string, string>) => new Headers(v);

describe("the client address", () => {
  it("is the socket address without proxies, whatever X-Forwarded-For says", () => {
    // Rotating it voided the per-address sign-in limit; claiming 127.0.0.1 locked out loopback users.
    for (const spoof of ["6.6.6.6", "127.0.0.1", "1.1.1.1, 2.2.2.2", "<script>alert(1)</script>"]) {
      expect(clientAddressFrom(h({ "x-fc-peer-abc": "198.51.100.7", "x-forwarded-for": spoof }), env({}))).toBe("198.51.100.7");
      expect(clientAddressFrom(h({ "x-fc-peer-abc": "198.51.100.7", "x-forwarded-for": spoof }), env({ TRUST_PROXY_HOPS: "0" }))).toBe("198.51.100.7");
    }
  });

  it("behind N proxies is exactly the N-th entry from the right", () => {
    const xff = "6.6.6.6, 203.0.113.9, 10.0.0.2";
    const peer = { "x-fc-peer-abc": "10.0.0.3", "x-forwarded-for": xff };
    expect(clientAddressFrom(h(peer), env({ TRUST_PROXY_HOPS: "1" }))).toBe("10.0.0.2");
    expect(clientAddressFrom(h(peer), env({ TRUST_PROXY_HOPS: "2" }))).toBe("203.0.113.9");
    expect(clientAddressFrom(h(peer), env({ TRUST_PROXY_HOPS: "3" }))).toBe("6.6.6.6");
    // A shorter chain skipped the outer proxies: its leftmost entry, written by a trusted one.
    expect(clientAddressFrom(h(peer), env({ TRUST_PROXY_HOPS: "5" }))).toBe("6.6.6.6");
    // No header at all: the request came straight to the console, its peer is the client.
    expect(clientAddressFrom(h({ "x-fc-peer-abc": "10.0.0.3" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe("10.0.0.3");
  });

  it("is a valid IP address or 'unknown', never other text", () => {
    expect(clientAddressFrom(h({ "x-fc-peer-abc": "not an address" }), env({}))).toBe("unknown");
    expect(clientAddressFrom(h({ "x-forwarded-for": "' OR 1=1 --" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe("unknown");
    expect(clientAddressFrom(h({ "x-forwarded-for": "a".repeat(5000) }), env({ TRUST_PROXY_HOPS: "1" }))).toBe("unknown");
    // Without scripts/console-server.ts in front nothing is trusted, not even a header of that name.
    expect(
      clientAddressFrom(h({ "x-fc-peer-abc": "198.51.100.7", "x-forwarded-for": "6.6.6.6" }), { TRUST_PROXY_HOPS: "0" } as unknown as NodeJS.ProcessEnv),
    ).toBe("unknown");
  });

  it("normalises the forms addresses come in", () => {
    expect(normaliseAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normaliseAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normaliseAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(normaliseAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normaliseAddress("203.0.113.9:51234")).toBe("203.0.113.9");
    expect(normaliseAddress(" 203.0.113.9 ")).toBe("203.0.113.9");
    for (const bad of ["", "unknown", "203.0.113.256", "1.2.3", "example.com", "::g", "1.2.3.4\nforged", null, undefined])
      expect(normaliseAddress(bad)).toBeNull();
  });

  it("reads TRUST_PROXY_HOPS as a small whole number, anything else as 0", () => {
    expect(trustedProxyHops(env({}))).toBe(0);
    expect(trustedProxyHops(env({ TRUST_PROXY_HOPS: "2" }))).toBe(2);
    for (const bad of ["-1", "1.5", "yes", "1e3", "999"]) expect(trustedProxyHops(env({ TRUST_PROXY_HOPS: bad }))).toBe(0);
    expect(forwardedHop("a, b", 0)).toBeNull();
    expect(forwardedHop("a, , c", 2)).toBeNull();
  });
});

describe("the requested host", () => {
  it("is Host without proxies and the trusted hop of X-Forwarded-Host behind them", () => {
    const headers = h({ host: "10.0.0.5:3000", "x-forwarded-host": "evil.example, fleet.example.com" });
    expect(requestHost(headers, env({}))).toBe("10.0.0.5:3000");
    expect(requestHost(headers, env({ TRUST_PROXY_HOPS: "1" }))).toBe("fleet.example.com");
    expect(requestHost(h({ host: "10.0.0.5:3000" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe("10.0.0.5:3000");
  });
});

describe("the requested origin", () => {
  it("is http and Host without proxies, whatever X-Forwarded-Proto and -Host say", () => {
    const headers = h({ host: "console.test:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(requestOrigin(headers, env({}))).toBe("http://console.test:3000");
  });

  it("is the trusted hop's scheme and host behind proxies", () => {
    const headers = h({ host: "10.0.0.5:3000", "x-forwarded-host": "evil.example, fleet.example.com", "x-forwarded-proto": "http, https" });
    expect(requestOrigin(headers, env({ TRUST_PROXY_HOPS: "1" }))).toBe("https://fleet.example.com");
    expect(requestOrigin(h({ host: "10.0.0.5:3000" }), env({ TRUST_PROXY_HOPS: "1" }))).toBe("http://10.0.0.5:3000");
  });

  it("is null for a host that is not one", () => {
    for (const host of ["evil.example/x", "u@evil.example", "a b", "evil.example?x", "[zz"]) expect(requestOrigin(h({ host }), env({}))).toBeNull();
    expect(requestOrigin(h({}), env({}))).toBeNull();
  });
});

describe("the warning for a console started without scripts/console-server.ts", () => {
  const prod = (v: Record<string, string>) => ({ NODE_ENV: "production", ...v }) as unknown as NodeJS.ProcessEnv;
  it("is given in production when the peer-address header is not set, and says how to start", () => {
    expect(missingPeerAddressWarning(prod({}))).toMatch(/`npm start` \(scripts\/console-server\.ts\)/);
    expect(missingPeerAddressWarning(prod({ [PEER_HEADER_ENV]: "x-fc-peer-abc" }))).toBeNull();
    expect(missingPeerAddressWarning({ NODE_ENV: "development" } as unknown as NodeJS.ProcessEnv)).toBeNull();
  });
});

describe("scripts/console-server.ts's preparation of a request", () => {
  /** A real HTTP server doing what the console server does, answering with what the app would see. */
  async function roundTrip(sent: Record<string, string>, hops: string): Promise<Record<string, string | string[] | undefined>> {
    const srv = createServer((req, res) => {
      prepareForwardingHeaders(req.headers, req.socket.remoteAddress, "x-fc-peer-abc", env({ TRUST_PROXY_HOPS: hops }));
      res.end(JSON.stringify(req.headers));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    try {
      return await new Promise((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, headers: sent }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(JSON.parse(body)));
        });
        req.on("error", reject);
        req.end();
      });
    } finally {
      await new Promise((r) => srv.close(r));
    }
  }

  it("without proxies: drops the client's X-Forwarded-* and names the socket's peer in the private header", async () => {
    const seen = await roundTrip(
      { "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", Forwarded: "for=6.6.6.6", "X-Fc-Peer-Abc": "6.6.6.6" },
      "0",
    );
    expect(seen["x-forwarded-for"]).toBeUndefined();
    expect(seen["x-forwarded-host"]).toBeUndefined();
    expect(seen["x-forwarded-proto"]).toBeUndefined();
    expect(seen.forwarded).toBeUndefined();
    expect(seen["x-fc-peer-abc"]).toBe("127.0.0.1");
    expect(clientAddressFrom(new Headers(seen as Record<string, string>), env({}))).toBe("127.0.0.1");
  });

  it("behind proxies: keeps the chain for the trusted hop, and still names the peer", async () => {
    const seen = await roundTrip({ "X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Forwarded-Proto": "https" }, "1");
    expect(seen["x-forwarded-for"]).toBe("6.6.6.6, 203.0.113.9");
    expect(seen["x-fc-peer-abc"]).toBe("127.0.0.1");
    expect(clientAddressFrom(new Headers(seen as Record<string, string>), env({ TRUST_PROXY_HOPS: "1" }))).toBe("203.0.113.9");
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createServer } from "node:net";
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP } from "../../e2e/stack";
import { startOidcProvider, type RunningOidcProvider } from "../../e2e/oidc-provider";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
const oidc = await import("@/lib/auth/oidc");
const { safeNextPath } = await import("@/lib/auth/next-path");
const { oidcConfig } = await import("@/lib/auth/oidc-config");
const { openConsoleDb } = await import("@/lib/db/console-db");
const { createLocalUser, findUser, setUserDisabled } = await import("@/lib/auth/users");
type OidcConfig = NonNullable<ReturnType<typeof oidcConfig>>;

/**
 * The OIDC relying party (lib/auth/oidc.ts) against a real OpenID Provider
 * (`oidc-provider`, started in-process on a free port): discovery, the authorization
 * request with PKCE, state and nonce, the provider's login page, the code exchange, the
 * ID token and userinfo checks, and the mapping of claims to console users.
 */

const REDIRECT_URI = "http://127.0.0.1:3999/api/auth/oidc/callback";

let provider: RunningOidcProvider;
let cfg: OidcConfig;

// Next's types make NODE_ENV required; these tests pass only what they mean.
const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
const configFor = (issuer: string, overrides: Record<string, string> = {}): OidcConfig =>
  oidcConfig(env({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP, ...overrides }))!;

beforeAll(async () => {
  provider = await startOidcProvider({ port: 0, redirectUris: [REDIRECT_URI] });
  cfg = configFor(provider.issuer);
});
afterAll(async () => {
  await provider?.close();
});
beforeEach(() => {
  oidc.clearOidcDiscoveryCache();
});

/** A browser, reduced to what the provider needs: a cookie jar and manual redirects. */
class Browser {
  private jar = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line) || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until one leaves for the console's redirect URI; returns the last page otherwise. */
  async follow(url: string, init?: RequestInit): Promise<{ callback?: URLSearchParams; page?: string; url: string }> {
    let current = url;
    let res = await this.request(current, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get("location");
      if (!location) return { page: await res.text(), url: current };
      current = new URL(location, current).href;
      if (current.startsWith(REDIRECT_URI)) return { callback: new URL(current).searchParams, url: current };
      res = await this.request(current);
    }
    throw new Error("too many redirects");
  }
}

/** Goes through the provider's login page as `login` (or cancels there) and returns the callback's query. */
async function signInAtProvider(authorizationUrl: URL, login: string, action: "login" | "abort" = "login"): Promise<URLSearchParams> {
  const browser = new Browser();
  const first = await browser.follow(authorizationUrl.href);
  expect(first.page, "the provider shows its login page").toContain('name="login"');
  const uid = /\/interaction\/([^/"]+)\/login/.exec(first.page!)![1];
  const body = new URLSearchParams({ login, password: "irrelevant" });
  const done = await browser.follow(new URL(`/interaction/${uid}/${action}`, first.url).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  expect(done.callback, `the provider sends ${login} back to the console (got ${done.page?.slice(0, 200)})`).toBeDefined();
  return done.callback!;
}

async function fullSignIn(login: string, c: OidcConfig = cfg) {
  const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(c, { redirectUri: REDIRECT_URI, next: "/things?page=2" });
  const callbackParams = await signInAtProvider(authorizationUrl, login);
  return oidc.completeOidcSignIn(c, { callbackParams, transaction, redirectUri: REDIRECT_URI });
}

async function expectOidcError(promise: Promise<unknown> | (() => unknown), code: string) {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (err) {
    expect(err).toBeInstanceOf(oidc.OidcSignInError);
    expect((err as InstanceType<typeof oidc.OidcSignInError>).code).toBe(code);
    expect((err as Error).message).toBe(oidc.OIDC_ERROR_MESSAGES[code as keyof typeof oidc.OIDC_ERROR_MESSAGES]);
    return;
  }
  throw new Error(`expected OidcSignInError ${code}`);
}

describe("OIDC sign-in against a real provider", () => {
  it("asks for the code with PKCE (S256), state, nonce and the openid scope", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI, next: "https://evil.example/" });
    const q = authorizationUrl.searchParams;
    expect(authorizationUrl.href.startsWith(`${provider.issuer}/auth`)).toBe(true);
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(OIDC_CLIENT_ID);
    expect(q.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(q.get("scope")!.split(" ")).toContain("openid");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")).toBe(transaction.state);
    expect(q.get("nonce")).toBe(transaction.nonce);
    expect(q.toString()).not.toContain(transaction.codeVerifier);
    expect(transaction.next).toBe("/things");
  });

  it.each([
    ["alice", "admin", ["fleet-admins"]],
    ["bob", "responder", ["fleet-responders"]],
    ["carol", "viewer", ["fleet-viewers"]],
  ])("signs %s in with role %s from the groups claim", async (login, role, groups) => {
    const { claims, next } = await fullSignIn(login);
    expect(next).toBe("/things?page=2");
    expect(claims).toMatchObject({ sub: login, preferred_username: login, email: `${login}@example.test`, groups });
    expect(claims).not.toHaveProperty("access_token");
    const identity = oidc.identityFromClaims(claims, cfg);
    expect(identity).toEqual({ username: login, displayName: login.charAt(0).toUpperCase() + login.slice(1), role });

    const db = openConsoleDb(":memory:");
    const user = oidc.establishOidcUser(db, identity);
    expect(user).toMatchObject({ username: login, role, source: "oidc", disabled: false });
    expect(findUser(db, login)!.lastLoginAtMs).not.toBeNull();
  });

  it("refuses mallory, whose only group maps to no role, with the clear message", async () => {
    const { claims } = await fullSignIn("mallory");
    expect(claims.groups).toEqual(["marketing"]);
    await expectOidcError(() => oidc.identityFromClaims(claims, cfg), "no_role");
    expect(oidc.SIGNIN_CODE.no_role).toBe("oidc_no_role");
    expect(oidc.OIDC_ERROR_MESSAGES.no_role).toMatch(/not in any group that has access/);
  });

  it("also reads the groups from the ID token when the provider puts them there", async () => {
    const other = await startOidcProvider({ port: 0, redirectUris: [REDIRECT_URI], groupsInIdToken: true });
    try {
      const { claims } = await fullSignIn("alice", configFor(other.issuer));
      expect(claims.groups).toEqual(["fleet-admins"]);
    } finally {
      await other.close();
    }
  });

  it("refuses a tampered state without exchanging the code, and the untampered callback still works once", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "alice");
    const tampered = new URLSearchParams(callbackParams);
    tampered.set("state", transaction.state.slice(0, -1) + (transaction.state.endsWith("A") ? "B" : "A"));
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams: tampered, transaction, redirectUri: REDIRECT_URI }), "state_mismatch");
    const missing = new URLSearchParams(callbackParams);
    missing.delete("state");
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams: missing, transaction, redirectUri: REDIRECT_URI }), "state_mismatch");

    const ok = await oidc.completeOidcSignIn(cfg, { callbackParams, transaction, redirectUri: REDIRECT_URI });
    expect(ok.claims.sub).toBe("alice");
    // A code is single-use: replaying the callback is refused by the provider.
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction, redirectUri: REDIRECT_URI }), "provider_error");
  });

  it("refuses a callback without a transaction (another browser) or with an expired one", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "bob");
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction: null, redirectUri: REDIRECT_URI }), "transaction_missing");
    const later = transaction.createdAtMs + oidc.OIDC_TX_MAX_AGE_MS + 1;
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction, redirectUri: REDIRECT_URI, now: later }), "transaction_expired");
  });

  it("refuses a code redeemed with another PKCE verifier (a stolen code is useless)", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "bob");
    const { transaction: attacker } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const forged = { ...transaction, codeVerifier: attacker.codeVerifier };
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction: forged, redirectUri: REDIRECT_URI }), "provider_error");
  });

  it("refuses an ID token whose nonce is not this transaction's", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "carol");
    const forged = { ...transaction, nonce: "another-nonce-entirely" };
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction: forged, redirectUri: REDIRECT_URI }), "invalid_response");
  });

  it("reports a cancelled sign-in at the provider as access denied", async () => {
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "alice", "abort");
    expect(callbackParams.get("error")).toBe("access_denied");
    await expectOidcError(oidc.completeOidcSignIn(cfg, { callbackParams, transaction, redirectUri: REDIRECT_URI }), "access_denied");
  });

  it("reports a wrong client secret as a provider refusal", async () => {
    const wrong = configFor(provider.issuer, { OIDC_CLIENT_SECRET: "not-the-secret" });
    const { authorizationUrl, transaction } = await oidc.beginOidcSignIn(wrong, { redirectUri: REDIRECT_URI });
    const callbackParams = await signInAtProvider(authorizationUrl, "alice");
    await expectOidcError(oidc.completeOidcSignIn(wrong, { callbackParams, transaction, redirectUri: REDIRECT_URI }), "provider_error");
  });

  it("reports a provider that is down as unavailable, and tries again next time (failures are not cached)", async () => {
    const port = await closedPort();
    const down = configFor(`http://127.0.0.1:${port}`);
    await expectOidcError(oidc.beginOidcSignIn(down, { redirectUri: REDIRECT_URI }), "provider_unavailable");
    const late = await startOidcProvider({ port, redirectUris: [REDIRECT_URI] });
    try {
      const { authorizationUrl } = await oidc.beginOidcSignIn(down, { redirectUri: REDIRECT_URI });
      expect(authorizationUrl.origin).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await late.close();
    }
  });

  it("refuses plain HTTP to a provider that is not on the loopback interface", async () => {
    await expectOidcError(oidc.beginOidcSignIn(configFor("http://idp.example.com"), { redirectUri: REDIRECT_URI }), "misconfigured");
    await expectOidcError(oidc.beginOidcSignIn(configFor("not a url"), { redirectUri: REDIRECT_URI }), "misconfigured");
  });

  it("refuses a provider whose discovery document names another issuer", async () => {
    // The same provider reached under another name: the metadata's issuer does not match.
    const aliased = configFor(provider.issuer.replace("127.0.0.1", "localhost"));
    await expectOidcError(oidc.beginOidcSignIn(aliased, { redirectUri: REDIRECT_URI }), "misconfigured");
  });
});

describe("OIDC users", () => {
  it("keeps a local account of the same name out of single sign-on", async () => {
    const db = openConsoleDb(":memory:");
    await createLocalUser(db, { username: "alice", password: "a-long-enough-password-1", role: "viewer" });
    await expectOidcError(() => oidc.establishOidcUser(db, { username: "alice", role: "admin" }), "local_account");
    expect(findUser(db, "alice")).toMatchObject({ source: "local", role: "viewer" });
  });

  it("refuses a disabled SSO account, and follows the provider's groups on the next sign-in", () => {
    const db = openConsoleDb(":memory:");
    expect(oidc.establishOidcUser(db, { username: "bob", role: "responder" }).role).toBe("responder");
    expect(oidc.establishOidcUser(db, { username: "bob", role: "viewer" }).role).toBe("viewer");
    setUserDisabled(db, "bob", true);
    expect(() => oidc.establishOidcUser(db, { username: "bob", role: "viewer" })).toThrow(oidc.OidcSignInError);
  });

  it("takes the username from preferred_username, else email, else sub", () => {
    const map = { roleClaim: "groups", roleMap: new Map([["g", "viewer" as const]]) };
    expect(oidc.identityFromClaims({ sub: "s1", email: "e@x.test", preferred_username: "pu", groups: ["g"] }, map).username).toBe("pu");
    expect(oidc.identityFromClaims({ sub: "s1", email: "e@x.test", preferred_username: "  ", groups: ["g"] }, map).username).toBe("e@x.test");
    expect(oidc.identityFromClaims({ sub: "s1", groups: ["g"] }, map).username).toBe("s1");
    expect(oidc.identityFromClaims({ sub: "s1", email: "e@x.test", email_verified: false, groups: ["g"] }, map).username).toBe("s1");
    expect(oidc.identityFromClaims({ sub: "s1", preferred_username: "bad\nname", groups: ["g"] }, map).username).toBe("s1");
    expect(() => oidc.identityFromClaims({ groups: ["g"] }, map)).toThrow(oidc.OIDC_ERROR_MESSAGES.no_username);
  });
});

describe("OIDC helpers", () => {
  it("redirects only to same-site relative paths (the one check of lib/auth/next-path.ts)", () => {
    expect(safeNextPath("/things?q=1#x")).toBe("/things?q=1#x");
    expect(safeNextPath("/groups/a%20b")).toBe("/groups/a%20b");
    expect(safeNextPath("/")).toBe("/");
    for (const bad of [
      null,
      "",
      "things",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "\\\\evil.example",
      "/\tx",
      "javascript:alert(1)",
      "/api/auth/oidc/start?next=/x",
      "/api/auth/oidc",
      "/sign-in?next=/x",
      // Paths that normalise to another origin.
      "/.//evil.example",
      "/x/..//evil.example",
      "/%2e//evil.example",
      "/%2F%2Fevil.example",
      "/%5Cevil.example",
    ]) {
      expect(safeNextPath(bad), String(bad)).toBe("/things");
    }
  });

  it("keeps a crafted next from the provider round trip: start, transaction and callback all use the one check", async () => {
    const { transaction } = await oidc.beginOidcSignIn(cfg, { redirectUri: REDIRECT_URI, next: "/.//evil.example" });
    expect(transaction.next).toBe("/things");
    const tx = { state: "s", nonce: "n", codeVerifier: "v", next: "/x/..//evil.example", createdAtMs: 1 };
    expect(oidc.decodeTransaction(oidc.encodeTransaction(tx))?.next).toBe("/things");
  });

  it("builds the redirect URI from CONSOLE_PUBLIC_URL, else the request origin", () => {
    expect(oidc.redirectUriFor("http://127.0.0.1:3105", env({}))).toBe("http://127.0.0.1:3105/api/auth/oidc/callback");
    expect(oidc.redirectUriFor("http://10.0.0.5:3000", env({ CONSOLE_PUBLIC_URL: "https://fleet.example.com/" }))).toBe(
      "https://fleet.example.com/api/auth/oidc/callback",
    );
  });

  it("round-trips the transaction cookie and rejects anything else", () => {
    const tx = { state: "s", nonce: "n", codeVerifier: "v", next: "/things", createdAtMs: 1 };
    expect(oidc.decodeTransaction(oidc.encodeTransaction(tx))).toEqual(tx);
    expect(oidc.decodeTransaction(oidc.encodeTransaction({ ...tx, next: "//evil.example" }))?.next).toBe("/things");
    for (const bad of [
      undefined,
      "",
      "not-base64-json",
      Buffer.from("{}").toString("base64url"),
      Buffer.from('{"state":1}').toString("base64url"),
      "x".repeat(5000),
    ]) {
      expect(oidc.decodeTransaction(bad)).toBeNull();
    }
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

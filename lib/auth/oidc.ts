import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import * as client from "openid-client";
import { recordAudit } from "@/lib/audit/audit";
import { recordAnonymousAudit } from "@/lib/audit/anonymous-limit";
import { consoleDb, type ConsoleDb } from "@/lib/db/console-db";
import { EnvError, readEnv, type RawEnv } from "@/lib/env";
import { SESSION_COOKIE, sessionCookieOptions } from "./cookie";
import { requestOrigin } from "@/lib/http/forwarded";
import { clientAddress, secureCookies } from "./current";
// `next` is checked by the one same-site path check (it also refuses the OIDC routes themselves).
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from "./next-path";
import { oidcConfig, roleFromClaims, type OidcConfig } from "./oidc-config";
import type { Role } from "./permissions";
import { createSession, deleteSession, sessionPolicy } from "./sessions";
import { SIGNIN_ERROR_MESSAGES, type SigninErrorCode } from "./signin-messages";
import { markSignedIn, upsertOidcUser, UserError, type User } from "./users";

/**
 * Single sign-on with any OpenID Connect provider: authorization-code flow with PKCE,
 * `state` and `nonce`. Nothing is kept on the server between the two legs: the
 * transaction (state, nonce, PKCE verifier, where to go afterwards, when it began) lives
 * in a short-lived httpOnly cookie scoped to the OIDC routes and is cleared by the callback.
 *
 * The protocol steps (`beginOidcSignIn`, `completeOidcSignIn`, `identityFromClaims`,
 * `establishOidcUser`) are plain functions of configuration and values, so they can be
 * driven against a real provider outside Next (tests/auth/oidc.test.ts). The two
 * `handleOidc*` functions are the Next glue used by the route handlers.
 *
 * Every failure reaches the browser only as a sign-in page error code (one of its fixed
 * human messages), never as a library message or a stack trace; the audit trail gets
 * our finer code, never a token.
 */

export const OIDC_ROUTE_BASE = "/api/auth/oidc";
export const OIDC_CALLBACK_PATH = `${OIDC_ROUTE_BASE}/callback`;
export const OIDC_TX_COOKIE = "fc_oidc_tx";
export const OIDC_TX_MAX_AGE_MS = 10 * 60_000;
export const OIDC_AUDIT_ACTION = "auth.oidc_sign_in";
const PROVIDER_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------- errors

export type OidcErrorCode =
  | "not_configured"
  | "misconfigured"
  | "provider_unavailable"
  | "transaction_missing"
  | "transaction_expired"
  | "state_mismatch"
  | "access_denied"
  | "provider_error"
  | "invalid_response"
  | "no_username"
  | "no_role"
  | "local_account"
  | "account_disabled"
  | "internal";

/**
 * What the sign-in page is told (`/sign-in?error=<code>`): it shows only its own fixed
 * messages (lib/auth/signin-messages.ts), so a crafted link cannot put text on it. The
 * finer codes above go to the audit trail and the server log.
 */
export const SIGNIN_CODE: Record<OidcErrorCode, SigninErrorCode> = {
  not_configured: "oidc_failed",
  misconfigured: "oidc_failed",
  provider_unavailable: "oidc_unavailable",
  transaction_missing: "oidc_state",
  transaction_expired: "oidc_state",
  state_mismatch: "oidc_state",
  access_denied: "oidc_denied",
  provider_error: "oidc_failed",
  invalid_response: "oidc_failed",
  no_username: "oidc_failed",
  no_role: "oidc_no_role",
  local_account: "oidc_conflict",
  account_disabled: "oidc_disabled",
  internal: "oidc_failed",
};

/** The human message for each code: the sign-in page's, never a library's. */
export const OIDC_ERROR_MESSAGES = Object.fromEntries(Object.entries(SIGNIN_CODE).map(([code, pageCode]) => [code, SIGNIN_ERROR_MESSAGES[pageCode]])) as Record<
  OidcErrorCode,
  string
>;

export class OidcSignInError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    options?: { cause?: unknown },
  ) {
    super(OIDC_ERROR_MESSAGES[code], options);
    this.name = "OidcSignInError";
  }
}

// ---------------------------------------------------------------- helpers

/** The redirect URI registered at the provider: CONSOLE_PUBLIC_URL, else the request's own origin. */
export function redirectUriFor(requestOrigin: string, env?: RawEnv): string {
  const base = (readEnv(["CONSOLE_PUBLIC_URL"], env).CONSOLE_PUBLIC_URL || requestOrigin).replace(/\/+$/, "");
  return `${base}${OIDC_CALLBACK_PATH}`;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Plain HTTP to the provider would expose the client secret and the tokens; it is allowed only on the loopback interface (development and tests). */
function issuerUrl(cfg: OidcConfig): URL {
  let url: URL;
  try {
    url = new URL(cfg.issuer);
  } catch (cause) {
    throw new OidcSignInError("misconfigured", { cause: new Error(`OIDC_ISSUER is not a URL: ${cfg.issuer}`, { cause }) });
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new OidcSignInError("misconfigured", { cause: new Error(`OIDC_ISSUER must use https (plain http only on the loopback interface): ${cfg.issuer}`) });
  }
  return url;
}

const providerFetch: client.CustomFetch = (url, options) => fetch(url, { ...options, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) } as RequestInit);

// ---------------------------------------------------------------- discovery (cached per process)

const CACHE = Symbol.for("fleet-console.oidc-discovery");
type CacheHolder = { [CACHE]?: Map<string, Promise<client.Configuration>> };

/**
 * The provider's configuration from its discovery document, fetched once per process
 * and issuer/client (kept on globalThis: Next may evaluate this module more than once).
 * A failed discovery is not cached, so the next attempt tries again.
 */
export function discoverProvider(cfg: OidcConfig): Promise<client.Configuration> {
  const holder = globalThis as CacheHolder;
  const cache = (holder[CACHE] ??= new Map());
  const key = `${cfg.issuer}\n${cfg.clientId}\n${cfg.clientSecret}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = (async () => {
      const url = issuerUrl(cfg);
      try {
        return await client.discovery(url, cfg.clientId, { client_secret: cfg.clientSecret }, client.ClientSecretBasic(cfg.clientSecret), {
          [client.customFetch]: providerFetch,
          execute: url.protocol === "http:" ? [client.allowInsecureRequests] : [],
        });
      } catch (cause) {
        throw new OidcSignInError(classify(cause, "discovery"), { cause });
      }
    })();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Forgets discovered providers (tests). */
export function clearOidcDiscoveryCache(): void {
  (globalThis as CacheHolder)[CACHE]?.clear();
}

// ---------------------------------------------------------------- the transaction

export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  createdAtMs: number;
}

export function encodeTransaction(tx: OidcTransaction): string {
  return Buffer.from(JSON.stringify(tx), "utf8").toString("base64url");
}

/** The transaction from its cookie value, or null when absent or not one of ours. */
export function decodeTransaction(value: string | undefined | null): OidcTransaction | null {
  if (!value || value.length > 4000) return null;
  try {
    const v = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Record<string, unknown>;
    const str = (x: unknown) => typeof x === "string" && x.length > 0 && x.length <= 200;
    if (!str(v.state) || !str(v.nonce) || !str(v.codeVerifier) || typeof v.next !== "string" || typeof v.createdAtMs !== "number") return null;
    return {
      state: v.state as string,
      nonce: v.nonce as string,
      codeVerifier: v.codeVerifier as string,
      next: safeNextPath(v.next),
      createdAtMs: v.createdAtMs,
    };
  } catch {
    return null;
  }
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------- the two legs

/** First leg: the provider's authorization URL and the transaction to remember until the callback. */
export async function beginOidcSignIn(
  cfg: OidcConfig,
  input: { redirectUri: string; next?: string | null; now?: number },
): Promise<{ authorizationUrl: URL; transaction: OidcTransaction }> {
  const config = await discoverProvider(cfg);
  const transaction: OidcTransaction = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    next: safeNextPath(input.next),
    createdAtMs: input.now ?? Date.now(),
  };
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    response_type: "code",
    scope: scopesWithOpenid(cfg.scopes),
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
    code_challenge_method: "S256",
  });
  return { authorizationUrl, transaction };
}

function scopesWithOpenid(scopes: string): string {
  const list = scopes.split(/\s+/).filter(Boolean);
  return (list.includes("openid") ? list : ["openid", ...list]).join(" ");
}

/**
 * Second leg: checks the callback against the transaction (state first, then the
 * provider's own error, then code exchange with the PKCE verifier and the ID token's
 * nonce, issuer, audience and signature) and returns the user's claims: the ID token's,
 * completed by the userinfo endpoint when the provider has one (many release groups only there).
 */
export async function completeOidcSignIn(
  cfg: OidcConfig,
  input: { callbackParams: URLSearchParams; transaction: OidcTransaction | null; redirectUri: string; now?: number },
): Promise<{ claims: Record<string, unknown>; next: string }> {
  const tx = input.transaction;
  if (!tx) throw new OidcSignInError("transaction_missing");
  const now = input.now ?? Date.now();
  if (now - tx.createdAtMs > OIDC_TX_MAX_AGE_MS || now < tx.createdAtMs - 60_000) throw new OidcSignInError("transaction_expired");
  const state = input.callbackParams.get("state");
  if (!state || !sameString(state, tx.state)) throw new OidcSignInError("state_mismatch");
  const providerError = input.callbackParams.get("error");
  if (providerError) {
    throw new OidcSignInError(providerError === "access_denied" ? "access_denied" : "provider_error", {
      cause: new Error(`provider answered error=${providerError.slice(0, 100)}`),
    });
  }

  const config = await discoverProvider(cfg);
  const currentUrl = new URL(input.redirectUri);
  currentUrl.search = input.callbackParams.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: tx.codeVerifier,
      expectedState: tx.state,
      expectedNonce: tx.nonce,
      idTokenExpected: true,
    });
  } catch (cause) {
    throw new OidcSignInError(classify(cause, "exchange"), { cause });
  }
  const idClaims = tokens.claims();
  if (!idClaims) throw new OidcSignInError("invalid_response", { cause: new Error("no ID token in the token response") });

  let claims: Record<string, unknown> = { ...idClaims };
  if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    try {
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...claims, ...userinfo, sub: idClaims.sub };
    } catch (cause) {
      throw new OidcSignInError(classify(cause, "exchange"), { cause });
    }
  }
  return { claims, next: tx.next };
}

/**
 * Maps a library error onto our codes. Transport failures (refused, reset, timed out),
 * and error statuses during discovery, mean the provider is unavailable; an error the
 * provider answered with is "provider_error"; anything else failing validation is
 * "misconfigured" during discovery (issuer mismatch, bad metadata) and
 * "invalid_response" afterwards (ID token, nonce, issuer mix-up).
 */
function classify(err: unknown, stage: "discovery" | "exchange"): OidcErrorCode {
  if (err instanceof OidcSignInError) return err.code;
  if (err instanceof client.AuthorizationResponseError) return err.error === "access_denied" ? "access_denied" : "provider_error";
  if (err instanceof client.ResponseBodyError || err instanceof client.WWWAuthenticateChallengeError) return "provider_error";
  const text = (e: unknown, depth = 0): string =>
    e instanceof Error && depth < 5 ? `${e.name} ${e.message} ${String((e as { code?: unknown }).code ?? "")} ${text(e.cause, depth + 1)}` : "";
  const t = text(err);
  if (/TimeoutError|AbortError|fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|UND_ERR|socket hang up/i.test(t))
    return "provider_unavailable";
  // An error status or a non-JSON page where the discovery document should be: the provider is down or behind a broken proxy.
  if (/OAUTH_RESPONSE_IS_NOT_CONFORM|OAUTH_RESPONSE_IS_NOT_JSON/.test(t)) return stage === "discovery" ? "provider_unavailable" : "provider_error";
  // Issuer mismatch, insecure URL, unusable metadata: the configuration is wrong.
  if (stage === "discovery") return "misconfigured";
  return "invalid_response";
}

// ---------------------------------------------------------------- from claims to a console user

export interface OidcIdentity {
  username: string;
  displayName?: string;
  role: Role;
}

const claimString = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/**
 * The username a set of claims signs in as (`preferred_username`, else `email`, else
 * `sub`), or undefined. An e-mail address the provider says is unverified is skipped: a
 * user could have typed someone else's.
 */
export function usernameFromClaims(claims: Record<string, unknown>): string | undefined {
  for (const key of ["preferred_username", "email", "sub"]) {
    if (key === "email" && claims.email_verified === false) continue;
    const v = claimString(claims[key]);
    // A name the console can show and store: no control characters, a sane length.
    if (v && v.length <= 128 && !/[\u0000-\u001f\u007f]/.test(v)) return v;
  }
  return undefined;
}

/** Who the claims say the user is and the role their groups map to; refuses users without a role. */
export function identityFromClaims(claims: Record<string, unknown>, cfg: Pick<OidcConfig, "roleClaim" | "roleMap">): OidcIdentity {
  const username = usernameFromClaims(claims);
  if (!username) throw new OidcSignInError("no_username");
  const role = roleFromClaims(claims, cfg);
  if (!role) throw new OidcSignInError("no_role");
  const displayName = claimString(claims.name)?.slice(0, 200);
  return { username, displayName, role };
}

/** The console's record of the user, created or refreshed; a local account of the same name or a disabled account cannot sign in this way. */
export function establishOidcUser(db: ConsoleDb, identity: OidcIdentity): User {
  let user: User;
  try {
    user = upsertOidcUser(db, identity);
  } catch (err) {
    if (err instanceof UserError && err.code === "conflict") throw new OidcSignInError("local_account", { cause: err });
    throw err;
  }
  if (user.disabled) throw new OidcSignInError("account_disabled");
  markSignedIn(db, user.id);
  return user;
}

// ---------------------------------------------------------------- Next glue (route handlers)

/**
 * The console's origin as the browser knows it, by the same trust rule as the client
 * address and the origin check: CONSOLE_PUBLIC_URL when set, else Host (X-Forwarded-Host
 * and -Proto only from TRUST_PROXY_HOPS trusted proxies; lib/http/forwarded.ts). Not
 * `req.nextUrl.origin`: Next builds it from the X-Forwarded-* headers a client sent.
 */
export function publicOrigin(headers: Headers, env?: RawEnv): string {
  let configured: string | undefined;
  try {
    configured = readEnv(["CONSOLE_PUBLIC_URL"], env).CONSOLE_PUBLIC_URL;
  } catch (cause) {
    if (cause instanceof EnvError) throw new OidcSignInError("misconfigured", { cause });
    throw cause;
  }
  if (configured) return new URL(configured).origin;
  const origin = requestOrigin(headers, env);
  if (!origin) throw new OidcSignInError("misconfigured", { cause: new Error("the request names no usable host: set CONSOLE_PUBLIC_URL") });
  return origin;
}

/** A 303 to a path on this console; a relative Location, so it is right behind any proxy. */
function seeOther(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: path, "Cache-Control": "no-store" } });
}

function signInErrorRedirect(code: OidcErrorCode, next: string): NextResponse {
  const q = new URLSearchParams({ error: SIGNIN_CODE[code] });
  if (next !== DEFAULT_AFTER_SIGN_IN) q.set("next", next);
  return seeOther(`/sign-in?${q.toString()}`);
}

async function txCookieOptions(maxAgeS: number) {
  return { httpOnly: true, sameSite: "lax" as const, secure: await secureCookies(), path: OIDC_ROUTE_BASE, maxAge: maxAgeS };
}

function logFailure(stage: string, err: unknown): void {
  // The server log gets our code and the library's cause (their messages carry no tokens); the browser only the sign-in page's code.
  const code = err instanceof OidcSignInError ? err.code : "internal";
  if (code === "no_role" || code === "access_denied" || code === "local_account" || code === "account_disabled") return;
  const cause = err instanceof OidcSignInError ? err.cause : err;
  const detail = cause instanceof Error ? `: ${cause.name}: ${cause.message}${cause.cause instanceof Error ? ` (${cause.cause.message})` : ""}` : "";
  console.error(`[auth] OIDC ${stage} failed (${code})${detail}`);
}

/** GET /api/auth/oidc/start?next=<path>: remembers the transaction and sends the browser to the provider. */
export async function handleOidcStart(req: NextRequest): Promise<Response> {
  const next = safeNextPath(req.nextUrl.searchParams.get("next"));
  const cfg = oidcConfig();
  if (!cfg) return signInErrorRedirect("not_configured", next);
  try {
    const { authorizationUrl, transaction } = await beginOidcSignIn(cfg, { redirectUri: redirectUriFor(publicOrigin(req.headers)), next });
    const res = new NextResponse(null, { status: 303, headers: { Location: authorizationUrl.href, "Cache-Control": "no-store" } });
    res.cookies.set(OIDC_TX_COOKIE, encodeTransaction(transaction), await txCookieOptions(OIDC_TX_MAX_AGE_MS / 1000));
    return res;
  } catch (err) {
    logFailure("start", err);
    // A provider that cannot be reached is audited too: the user tried to sign in.
    await auditSignIn({
      actor: "unknown",
      role: null,
      result: "failure",
      errorCode: err instanceof OidcSignInError ? err.code : "internal",
      issuer: cfg.issuer,
    }).catch((auditErr) => console.error("[auth] could not write the sign-in audit record", auditErr));
    return signInErrorRedirect(err instanceof OidcSignInError ? err.code : "internal", next);
  }
}

/** GET /api/auth/oidc/callback: finishes the flow, rotates the session and audits the outcome. */
export async function handleOidcCallback(req: NextRequest): Promise<Response> {
  const tx = decodeTransaction(req.cookies.get(OIDC_TX_COOKIE)?.value);
  const next = tx?.next ?? DEFAULT_AFTER_SIGN_IN;
  const cfg = oidcConfig();
  let username = "unknown";
  let role: Role | null = null;
  let newToken: string | undefined;
  let res: NextResponse;
  try {
    if (!cfg) throw new OidcSignInError("not_configured");
    const { claims } = await completeOidcSignIn(cfg, {
      callbackParams: req.nextUrl.searchParams,
      transaction: tx,
      redirectUri: redirectUriFor(publicOrigin(req.headers)),
    });
    username = usernameFromClaims(claims) ?? "unknown";
    const identity = identityFromClaims(claims, cfg);
    role = identity.role;
    const db = consoleDb();
    const user = establishOidcUser(db, identity);
    username = user.username;

    // Rotation: whatever session this browser had ends here; the new one gets a fresh token.
    deleteSession(db, req.cookies.get(SESSION_COOKIE)?.value);
    const policy = sessionPolicy();
    const ip = await clientAddress();
    newToken = createSession(db, user.id, user.role, { ip, userAgent: req.headers.get("user-agent") ?? undefined }, policy).token;
    // No sign-in without its audit record: if this throws, the new session is withdrawn below.
    await auditSignIn({ actor: username, role: user.role, result: "success", issuer: cfg.issuer });
    res = seeOther(next);
    // Exactly the cookie local sign-in sets (lib/auth/cookie.ts).
    res.cookies.set(SESSION_COOKIE, newToken, sessionCookieOptions(await secureCookies(), policy));
  } catch (err) {
    logFailure("callback", err);
    if (newToken) {
      try {
        deleteSession(consoleDb(), newToken);
      } catch {
        // The store is failing; the session was never handed out anyway.
      }
    }
    const code: OidcErrorCode = err instanceof OidcSignInError ? err.code : "internal";
    await auditSignIn({ actor: username, role, result: "failure", errorCode: code, issuer: cfg?.issuer ?? null }).catch((auditErr) =>
      console.error("[auth] could not write the sign-in audit record", auditErr),
    );
    res = signInErrorRedirect(code, next);
  }
  // The transaction is single-use: cleared whatever the outcome.
  res.cookies.set(OIDC_TX_COOKIE, "", await txCookieOptions(0));
  return res;
}

async function auditSignIn(input: {
  actor: string;
  role: Role | null;
  result: "success" | "failure";
  errorCode?: OidcErrorCode;
  issuer: string | null;
}): Promise<void> {
  // Anyone can fail a callback (a forged or replayed one): those records are rate-limited per address.
  const write = input.result === "success" ? recordAudit : recordAnonymousAudit;
  write(consoleDb(), {
    actor: input.actor,
    role: input.role,
    action: OIDC_AUDIT_ACTION,
    target: null,
    params: input.issuer ? { issuer: input.issuer } : undefined,
    result: input.result,
    errorCode: input.errorCode ?? null,
    ip: await clientAddress(),
  });
}

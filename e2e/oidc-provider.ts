/**
 * A real OpenID Provider for sign-in tests, built on `oidc-provider` (the certified
 * implementation by panva): discovery, JWKS, authorization endpoint with PKCE, token and
 * userinfo endpoints, signed ID tokens. Only the interaction is ours: a plain login form
 * (any login name, the password is ignored) and an automatic consent for the console.
 *
 * Accounts are made up from the login name; the `groups` claim comes from TEST_ACCOUNTS
 * (an unknown name has no groups). `groups` is released with the `profile` scope and with
 * its own `groups` scope, through userinfo (and in the ID token with `groupsInIdToken`).
 *
 * Standalone (manual checks, Playwright's webServer):
 *   node --import tsx e2e/oidc-provider.ts
 * listens on OIDC_PORT (e2e/stack.ts, E2E_OIDC_PORT) with issuer OIDC_ISSUER and the e2e
 * client; extra redirect URIs for a console on another port come from
 * E2E_OIDC_EXTRA_REDIRECT_URIS (comma-separated).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
// @ts-expect-error -- oidc-provider ships no type declarations; the few calls used here are typed below.
import OidcProviderClass from "oidc-provider";
import { ADMIN_USERNAME, CONSOLE_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER, OIDC_PORT } from "./stack";

export const TEST_ACCOUNTS: Readonly<Record<string, readonly string[]>> = {
  alice: ["fleet-admins"],
  bob: ["fleet-responders"],
  carol: ["fleet-viewers"],
  mallory: ["marketing"],
  // Same name as the console's local first admin, and in an admin group: an account at the
  // provider must still not be able to take over a local account.
  [ADMIN_USERNAME]: ["fleet-admins"],
};

export const CALLBACK_PATH = "/api/auth/oidc/callback";

export interface OidcProviderOptions {
  port: number;
  host?: string;
  /** Default `http://<host>:<port>`. */
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUris: string[];
  /** Also put the profile claims (groups included) in the ID token, not only in userinfo. */
  groupsInIdToken?: boolean;
}

export interface RunningOidcProvider {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- the little of oidc-provider's API used here

interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
  params: Record<string, string | undefined>;
  session?: { accountId?: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: { new (init: { accountId?: string; clientId?: string }): Grant; find(id: string): Promise<Grant | undefined> };
  on(event: string, listener: (...args: unknown[]) => void): void;
}
const ProviderCtor = OidcProviderClass as new (issuer: string, configuration: Record<string, unknown>) => Provider;

// ---------------------------------------------------------------- accounts

const LOGIN_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export function claimsFor(login: string): Record<string, unknown> {
  return {
    sub: login,
    preferred_username: login,
    name: login.charAt(0).toUpperCase() + login.slice(1),
    email: `${login}@example.test`,
    email_verified: true,
    groups: [...(TEST_ACCOUNTS[login] ?? [])],
  };
}

// ---------------------------------------------------------------- the login page

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, clientId: string, error?: string): string {
  const names = Object.entries(TEST_ACCOUNTS)
    .map(([n, g]) => `<li><code>${escapeHtml(n)}</code>: ${escapeHtml(g.join(", "))}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title>
<style>body{font:15px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;box-sizing:border-box}.row{display:flex;gap:.5rem;margin-top:1rem}button{padding:.45rem .9rem}[role=alert]{color:#b00020}</style>
</head><body>
<h1>Test identity provider</h1>
<p>Signing in to <strong>${escapeHtml(clientId)}</strong>. Any login name works; the password is ignored.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">Login</label><input id="login" name="login" required autofocus>
  <label for="password">Password</label><input id="password" name="password" type="password">
  <div class="row">
    <button type="submit">Sign in</button>
    <button type="submit" formaction="/interaction/${escapeHtml(uid)}/abort" formnovalidate>Cancel</button>
  </div>
</form>
<p>Groups of the known names:</p><ul>${names}</ul>
</body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const [, , uid, step] = path.split("/");
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, "<p>This sign-in page does not belong to the current sign-in. Start again.</p>");

  if (req.method === "GET" && !step) {
    if (details.prompt.name === "login") return send(res, 200, loginPage(uid, details.params.client_id ?? ""));
    if (details.prompt.name === "consent") {
      // The console is a first-party client: consent is implied, for whatever it asked.
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id }))
        : new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id });
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return send(res, 501, `<p>Prompt ${escapeHtml(details.prompt.name)} is not supported by the test provider.</p>`);
  }

  if (req.method === "POST" && step === "login") {
    const login = ((await readForm(req)).get("login") ?? "").trim();
    if (!LOGIN_PATTERN.test(login))
      return send(res, 400, loginPage(uid, details.params.client_id ?? "", "Login names are 1-64 letters, digits, '.', '_', '@' or '-'."));
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  if (req.method === "POST" && step === "abort") {
    return provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "End-User aborted interaction" },
      { mergeWithLastSubmission: false },
    );
  }
  send(res, 404, "<p>Not found.</p>");
}

// ---------------------------------------------------------------- the provider

/** Starts the provider; `port: 0` picks a free port (the issuer then follows it unless given). */
export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const host = options.host ?? "127.0.0.1";
  let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => send(res, 503, "<p>Starting.</p>");
  const server: Server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const issuer = options.issuer ?? `http://${host}:${port}`;

  const signingKey = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    kid: "test-rs256",
    use: "sig",
    alg: "RS256",
  };
  const provider = new ProviderCtor(issuer, {
    clients: [
      {
        client_id: options.clientId ?? OIDC_CLIENT_ID,
        client_secret: options.clientSecret ?? OIDC_CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "groups"],
      email: ["email", "email_verified"],
      groups: ["groups"],
    },
    // Default (true): with an access token issued, scope claims go to userinfo only, as with many real providers.
    conformIdTokenClaims: !options.groupsInIdToken,
    findAccount: async (_ctx: unknown, sub: string) => (LOGIN_PATTERN.test(sub) ? { accountId: sub, claims: async () => claimsFor(sub) } : undefined),
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Test identity provider: error</title><h1>Error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
    },
  });
  provider.on("server_error", (_ctx, err) => console.error("[oidc-provider] server error", err));

  const providerHandler = provider.callback();
  route = (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (!path.startsWith("/interaction/")) return providerHandler(req, res);
    handleInteraction(provider, req, res, path).catch((err: unknown) => {
      console.error(
        "[oidc-provider] interaction failed:",
        err instanceof Error ? err.message : err,
        (err as { error_description?: string })?.error_description,
      );
      if (!res.headersSent) send(res, 400, "<p>This sign-in has expired or is unknown. Go back to the console and start again.</p>");
      else res.end();
    });
  };
  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- standalone

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const extra = (process.env.E2E_OIDC_EXTRA_REDIRECT_URIS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const redirectUris = [`http://127.0.0.1:${CONSOLE_PORT}${CALLBACK_PATH}`, ...extra];
  const running = await startOidcProvider({ port: OIDC_PORT, issuer: OIDC_ISSUER, redirectUris });
  console.log(`[oidc-provider] ${running.issuer} (client ${OIDC_CLIENT_ID}; redirect URIs ${redirectUris.join(", ")})`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

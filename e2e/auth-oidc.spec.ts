import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { SESSION_COOKIE } from "../lib/auth/cookie";
import { SIGNIN_ERROR_MESSAGES } from "../lib/auth/signin-messages";
import { ADMIN_USERNAME, OIDC_ISSUER } from "./stack";

/**
 * Single sign-on against a real OpenID Provider (e2e/oidc-provider.ts, `oidc-provider`):
 * the sign-in page's button, the provider's own login page, the code flow back to the
 * console, and the role the provider's groups map to (OIDC_ROLE_MAP in e2e/stack.ts).
 * Every user gets a fresh browser context: the provider remembers who signed in.
 */

const TX_COOKIE = "fc_oidc_tx";

// Anonymous: the project's default storage state (a signed-in viewer) also applies to browser.newContext().
test.use({ storageState: { cookies: [], origins: [] } });

const USERS = [
  { login: "alice", shown: "Alice", role: "admin", admin: true },
  { login: "bob", shown: "Bob", role: "responder", admin: false },
  { login: "carol", shown: "Carol", role: "viewer", admin: false },
] as const;

async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** From a console page, through the sign-in page and the SSO button, to the provider's login form. */
async function reachProvider(page: Page, path: string) {
  await page.goto(path);
  await expect(page).toHaveURL(/\/sign-in\?/);
  await page.getByRole("link", { name: /^Sign in with / }).click();
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/interaction/`));
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
}

async function logInAtProvider(page: Page, login: string) {
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill("whatever-the-provider-ignores-it");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

const signInNotice = (page: Page, message: string) => page.getByRole("alert").filter({ hasText: message });

for (const user of USERS) {
  test(`${user.login} signs in through single sign-on as ${user.role} and lands where they were going`, async ({ browser }) => {
    const { context, page } = await freshPage(browser);
    await reachProvider(page, "/groups");
    await logInAtProvider(page, user.login);

    await expect(page).toHaveURL(/\/groups$/);
    const signedIn = page.getByRole("region", { name: "Signed in" });
    await expect(signedIn).toContainText(user.shown);
    await expect(signedIn).toContainText(user.role);
    await expect(signedIn.getByTitle(`${user.shown} (${user.login})`)).toBeVisible();

    const adminNav = page.getByRole("navigation", { name: "Sections" }).getByRole("list", { name: "Admin" });
    if (user.admin) {
      await expect(adminNav.getByRole("link", { name: "Users" })).toBeVisible();
      await expect(adminNav.getByRole("link", { name: "Audit trail" })).toBeVisible();
    } else {
      await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Things" })).toBeVisible();
      await expect(adminNav).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    }

    // The session cookie is set like local sign-in's; the transaction cookie is gone.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(session!.expires * 1000).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(cookies.find((c) => c.name === TX_COOKIE)).toBeUndefined();
    await context.close();
  });
}

test("a user in no mapped group (mallory) is refused with a clear message, and no session is made", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await reachProvider(page, "/things");
  await logInAtProvider(page, "mallory");

  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(signInNotice(page, SIGNIN_ERROR_MESSAGES.oidc_no_role)).toBeVisible();
  expect(SIGNIN_ERROR_MESSAGES.oidc_no_role).toMatch(/not in any group that has access/);
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
  await page.goto("/things");
  await expect(page).toHaveURL(/\/sign-in\?/);
  await context.close();
});

test("an account at the provider named like a local account cannot sign in as it", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await reachProvider(page, "/things");
  await logInAtProvider(page, ADMIN_USERNAME);
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(signInNotice(page, SIGNIN_ERROR_MESSAGES.oidc_conflict)).toBeVisible();
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
  await context.close();
});

test("a callback with a tampered state is refused, and the transaction cannot be replayed afterwards", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await reachProvider(page, "/things");

  // Log in at the provider with this browser's cookies, but stop at its redirect back to
  // the console instead of following it (page.route does not see redirect targets).
  const action = await page.locator("form").getAttribute("action");
  let response = await context.request.post(new URL(action!, page.url()).href, { form: { login: "alice", password: "x" }, maxRedirects: 0 });
  let location = response.headers()["location"];
  for (let hops = 0; location && !location.includes("/api/auth/oidc/callback?") && hops < 6; hops++) {
    response = await context.request.get(new URL(location, OIDC_ISSUER).href, { maxRedirects: 0 });
    location = response.headers()["location"];
  }
  expect(location, "the provider redirects to the console's callback").toContain("/api/auth/oidc/callback?");

  const original = new URL(location!);
  expect(original.searchParams.get("code")).toBeTruthy();
  const tampered = new URL(original);
  tampered.searchParams.set("state", `${original.searchParams.get("state")}x`);
  await page.goto(tampered.href);
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(signInNotice(page, SIGNIN_ERROR_MESSAGES.oidc_state)).toBeVisible();
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);

  // The refused attempt used up the transaction: the genuine callback no longer works either.
  await page.goto(original.href);
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(signInNotice(page, SIGNIN_ERROR_MESSAGES.oidc_state)).toBeVisible();
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
  await context.close();
});

test("cancelling at the provider comes back to sign-in with a message", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await reachProvider(page, "/things");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(signInNotice(page, SIGNIN_ERROR_MESSAGES.oidc_denied)).toBeVisible();
  await context.close();
});

test("signing in again rotates the session, and every attempt is in the audit trail", async ({ browser }) => {
  // A refused attempt first, so the trail has both outcomes.
  const refused = await freshPage(browser);
  await reachProvider(refused.page, "/things");
  await logInAtProvider(refused.page, "mallory");
  await expect(signInNotice(refused.page, SIGNIN_ERROR_MESSAGES.oidc_no_role)).toBeVisible();
  await refused.context.close();

  const { context, page } = await freshPage(browser);
  await reachProvider(page, "/things");
  await logInAtProvider(page, "alice");
  await expect(page).toHaveURL(/\/things$/);
  const first = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!.value;

  // The provider remembers alice: going through single sign-on again needs no login form.
  await page.goto("/api/auth/oidc/start?next=%2Fadmin%2Faudit%3Faction%3Dauth.oidc_sign_in");
  await expect(page).toHaveURL(/\/admin\/audit\?action=auth\.oidc_sign_in$/);
  const second = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!.value;
  expect(second).not.toBe(first);

  // The old token is dead: a browser presenting it is sent to sign-in.
  const stale = await browser.newContext();
  await stale.addCookies([{ name: SESSION_COOKIE, value: first, url: new URL(page.url()).origin }]);
  const stalePage = await stale.newPage();
  await stalePage.goto("/things");
  await expect(stalePage).toHaveURL(/\/sign-in\?/);
  await stale.close();

  const records = page.getByRole("table", { name: "Audit records" }).getByRole("row");
  await expect(records.filter({ hasText: "alice" }).filter({ hasText: "success" }).first()).toBeVisible();
  await expect(records.filter({ hasText: "mallory" }).filter({ hasText: "failure" }).filter({ hasText: "no_role" }).first()).toBeVisible();
  // Tokens never reach the trail.
  await expect(page.getByRole("table", { name: "Audit records" })).not.toContainText(/eyJ|access_token|id_token|code_verifier/);
  await context.close();
});

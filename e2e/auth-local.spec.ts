import { expect, test, type Page } from "@playwright/test";
import { ACCOUNTS, ensureAccount, storageStatePath, submitSignIn, type E2eRole } from "./accounts";

/**
 * Local accounts end to end: nobody reads the fleet without signing in, the sign-in form
 * explains what went wrong, failures are rate-limited, each role sees its own navigation,
 * sign-out really ends the session, API callers get 401/403 JSON, and pages carry the
 * security headers with a CSP that Next's own scripts satisfy.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const signInAlert = (page: Page) => page.locator("form").getByRole("alert");
const nav = (page: Page) => page.getByRole("navigation", { name: "Sections" });

test.describe("signed out", () => {
  test.use(anonymous);

  test("a page asks for sign-in, then opens where the user was going", async ({ page }) => {
    await page.goto("/things?type=linux-agent");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fthings%3Ftype%3Dlinux-agent$/);
    // No sidebar and no fleet data before sign-in.
    await expect(nav(page)).toHaveCount(0);
    await submitSignIn(page, ACCOUNTS.viewer.username, ACCOUNTS.viewer.password);
    await expect(page).toHaveURL(/\/things\?type=linux-agent$/);
    await expect(page.getByRole("heading", { name: "Things", level: 1 })).toBeVisible();
    await expect(page.getByRole("table", { name: "Things" }).getByRole("row").nth(1)).toBeVisible();
  });

  test("a next= pointing to another site is ignored", async ({ page }) => {
    await page.goto("/sign-in?next=//evil.example/things");
    await submitSignIn(page, ACCOUNTS.viewer.username, ACCOUNTS.viewer.password);
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/things$/);
  });

  test("a wrong password is explained, and the typed user name is kept", async ({ page }) => {
    await page.goto("/sign-in");
    await submitSignIn(page, ACCOUNTS.viewer.username, "not-the-password");
    await expect(signInAlert(page)).toHaveText("Wrong user name or password.");
    await expect(page.getByLabel("User name")).toHaveValue(ACCOUNTS.viewer.username);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("after 5 wrong passwords the 6th attempt is refused with when to retry, even with the right password", async ({ page }) => {
    const locked = { username: `e2e-locked-${Date.now()}`, password: "e2e-locked-password-1" };
    ensureAccount(locked.username, locked.password, "viewer");
    await page.goto("/sign-in");
    for (let i = 1; i <= 5; i++) {
      await submitSignIn(page, locked.username, `wrong-password-${i}`);
      // The form clears the password once the attempt has been answered: one attempt at a time.
      await expect(page.getByLabel("Password")).toHaveValue("");
      await expect(signInAlert(page)).toHaveText("Wrong user name or password.");
    }
    await submitSignIn(page, locked.username, "wrong-password-6");
    await expect(signInAlert(page)).toHaveText(
      /^Too many failed sign-ins for this account\. Try again in 1[45] minutes, or ask an administrator to unlock the account\.$/,
    );
    await expect(page.getByLabel("Password")).toHaveValue("");
    await submitSignIn(page, locked.username, locked.password);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(signInAlert(page)).toHaveText(/^Too many failed sign-ins/);
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("offers single sign-on when it is configured, keeping where to go", async ({ page }) => {
    await page.goto("/sign-in?next=%2Fgroups");
    await expect(page.getByRole("link", { name: /^Sign in with / })).toHaveAttribute("href", "/api/auth/oidc/start?next=%2Fgroups");
  });

  test("the API answers 401 JSON without a session", async ({ request }) => {
    for (const path of ["/api/things", "/api/connectivity?things=a", "/api/groups/members?group=acme"]) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(401);
      expect(res.headers()["content-type"]).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: expect.stringMatching(/sign in/i) } });
    }
  });
});

test.describe("roles", () => {
  for (const role of ["viewer", "responder", "admin"] as E2eRole[]) {
    test.describe(role, () => {
      test.use({ storageState: storageStatePath(role) });

      test(`${role} sees the navigation of the role, and who is signed in`, async ({ page }) => {
        await page.goto("/things");
        await expect(page.getByRole("region", { name: "Signed in" })).toContainText(ACCOUNTS[role].username);
        await expect(page.getByRole("region", { name: "Signed in" })).toContainText(`Role: ${role}`);
        await expect(nav(page).getByRole("link", { name: "Things", exact: true })).toBeVisible();
        if (role === "admin") {
          await expect(nav(page).getByText("Admin", { exact: true })).toBeVisible();
          await expect(nav(page).getByRole("link", { name: "Users" })).toHaveAttribute("href", "/admin/users");
          await expect(nav(page).getByRole("link", { name: "Audit trail" })).toHaveAttribute("href", "/admin/audit");
        } else {
          await expect(nav(page).getByText("Admin", { exact: true })).toHaveCount(0);
          await expect(nav(page).getByRole("link", { name: "Users" })).toHaveCount(0);
          await expect(nav(page).getByRole("link", { name: "Audit trail" })).toHaveCount(0);
        }
      });
    });
  }

  test("a viewer opening an admin page gets a 403 page, not the page", async ({ page }) => {
    // Default storage state: the viewer.
    const res = await page.goto("/admin/users");
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Your role does not give access to this page" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Users" })).toHaveCount(0);
  });
});

test.describe("sign-out", () => {
  test.use(anonymous);

  test("ends the session on the server; the back button shows sign-in", async ({ page, playwright, baseURL }) => {
    await page.goto("/sign-in");
    await submitSignIn(page, ACCOUNTS.responder.username, ACCOUNTS.responder.password);
    await expect(page).toHaveURL(/\/things$/);
    await expect(page.getByRole("table", { name: "Things" }).getByRole("row").nth(1)).toBeVisible();
    const cookie = (await page.context().cookies()).find((c) => c.name === "fc_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

    await page.getByRole("region", { name: "Signed in" }).getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    expect((await page.context().cookies()).find((c) => c.name === "fc_session")).toBeUndefined();

    await page.goBack();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fthings$/);
    await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();

    // The old token is dead on the server too, not merely forgotten by the browser.
    const replay = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Cookie: `fc_session=${cookie!.value}` } });
    expect((await replay.get("/api/things")).status()).toBe(401);
    await replay.dispose();
  });
});

test.describe("hardening", () => {
  test("a cross-origin call to an API route is refused with 403, even with a session", async ({ request }) => {
    const same = await request.get("/api/things");
    expect(same.status()).toBe(200);
    const res = await request.get("/api/things", { headers: { Origin: "http://evil.example" } });
    expect(res.status()).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "forbidden", message: expect.stringMatching(/cross-origin/i) } });
  });

  test("a cross-origin POST (server action) is refused before it runs", async ({ request }) => {
    const res = await request.post("/sign-in", {
      headers: { Origin: "http://evil.example", "Next-Action": "0".repeat(42), "Content-Type": "text/plain;charset=UTF-8" },
      data: "[]",
    });
    expect(res.status()).toBe(403);
  });

  test("pages carry the security headers and a per-response CSP nonce that Next's scripts use", async ({ page }) => {
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });

    const res = (await page.goto("/things"))!;
    const headers = res.headers();
    const csp = headers["content-security-policy"];
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "connect-src 'self'"]) expect(csp).toContain(d);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["strict-transport-security"]).toBeUndefined(); // plain HTTP here

    // Every script in the document, the inline theme script included, carries this response's nonce.
    const html = await res.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(3);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    // The page hydrates and works under the policy: the table loads and the theme switch responds.
    await expect(page.getByRole("table", { name: "Things" }).getByRole("row").nth(1)).toBeVisible();
    await page.getByRole("button", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.getByRole("link", { name: "Groups", exact: true }).click();
    await expect(page.getByRole("tree", { name: "Thing groups" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(consoleErrors.filter((t) => /Content Security Policy|nonce/i.test(t))).toEqual([]);

    // A fresh nonce for the next response.
    const again = (await page.request.get("/things")).headers()["content-security-policy"];
    expect(again).not.toContain(nonce!);
  });
});

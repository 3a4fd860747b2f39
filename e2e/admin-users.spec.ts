import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ACCOUNTS, storageStatePath, submitSignIn } from "./accounts";

/**
 * User management as an admin sees it: adding a local user (errors in place, nothing
 * typed lost), the new user's first sign-in with the sidebar of their role, role
 * changes, disabling and password resets taking effect at once, a reset password being
 * temporary (the user must choose their own before anything else), and unlocking a user
 * locked out by failed sign-ins.
 */

test.use({ storageState: storageStatePath("admin") });

const PASSWORD = "e2e-user-password-1";
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function addUser(page: Page, user: { username: string; role: "viewer" | "responder" | "admin"; displayName?: string; password?: string }) {
  const form = page.getByRole("form", { name: "Add a local user" });
  await form.getByLabel("User name").fill(user.username);
  await form.getByLabel("Display name (optional)").fill(user.displayName ?? "");
  await form.getByLabel("Role").selectOption(user.role);
  await form.getByLabel("Password", { exact: true }).fill(user.password ?? PASSWORD);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(`Added ${user.username}.`)).toBeVisible();
}

/** With E2E_SHOTS_DIR set, screenshots of `page` in the light and the dark theme (for a look by a person). */
async function shots(page: Page, name: string) {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) return;
  for (const theme of ["Light", "Dark"] as const) {
    await page.getByRole("button", { name: theme, exact: true }).click();
    await page.screenshot({ path: join(dir, `${name}-${theme.toLowerCase()}.png`), fullPage: true });
  }
  await page.getByRole("button", { name: "Auto", exact: true }).click();
}

const userRow = (page: Page, username: string) =>
  page
    .getByRole("table", { name: "Users" })
    .getByRole("row")
    .filter({ has: page.getByText(username, { exact: true }) });

/** A separate browser with nobody signed in: signs in as `username`. */
async function signInElsewhere(browser: Browser, baseURL: string | undefined, username: string, password: string) {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await submitSignIn(page, username, password);
  return { context, page };
}

test("an admin adds a responder, who signs in and sees a responder's console", async ({ page, browser, baseURL }) => {
  const username = uniqueName("e2e-resp");
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

  // A rejected attempt keeps what was typed and says what is wrong next to the field.
  const form = page.getByRole("form", { name: "Add a local user" });
  await form.getByLabel("User name").fill(username);
  await form.getByLabel("Display name (optional)").fill("Riley Responder");
  await form.getByLabel("Role").selectOption("responder");
  await form.getByLabel("Password", { exact: true }).fill("too-short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(form.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("User name")).toHaveValue(username);
  await expect(form.getByLabel("Display name (optional)")).toHaveValue("Riley Responder");
  await expect(form.getByLabel("Role")).toHaveValue("responder");
  await expect(userRow(page, username)).toHaveCount(0);
  // Long enough is not enough: common passwords are refused, with the reason.
  await form.getByLabel("Password", { exact: true }).fill("Password123!");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("This is a common password with digits or symbols added, which guessers try early. Choose another.")).toBeVisible();
  await expect(userRow(page, username)).toHaveCount(0);

  await form.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(`Added ${username}.`)).toBeVisible();
  await expect(form.getByLabel("User name")).toHaveValue("");

  const row = userRow(page, username);
  await expect(row).toContainText("Riley Responder");
  await expect(row.getByRole("cell").nth(1)).toHaveText("responder");
  await expect(row.getByRole("cell").nth(2)).toHaveText("local");
  await expect(row.getByRole("cell").nth(3)).toHaveText("active");
  await expect(row.getByRole("cell").nth(5)).toHaveText("never");

  // Taken names are refused next to the name.
  await addUserExpectingError(page, username, /already exists/);

  const { context, page: theirs } = await signInElsewhere(browser, baseURL, username, PASSWORD);
  try {
    await expect(theirs).toHaveURL(/\/things/);
    const nav = theirs.getByRole("navigation", { name: "Sections" });
    await expect(nav.getByRole("link", { name: "Things" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Groups" })).toBeVisible();
    // Admin-only sections are not offered to a responder…
    await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
    await expect(nav.getByText("Provisioning")).toHaveCount(0);
    await expect(theirs.getByRole("region", { name: "Signed in" })).toContainText("Riley Responder");
    await expect(theirs.getByRole("region", { name: "Signed in" })).toContainText("responder");
    // …and refused by the server when asked for anyway.
    const res = await theirs.goto("/admin/users");
    expect(res?.status()).toBe(403);
    await expect(theirs.getByRole("heading", { name: /role does not give access/ })).toBeVisible();
  } finally {
    await context.close();
  }

  await page.reload();
  await expect(userRow(page, username).getByRole("cell").nth(5)).not.toHaveText("never");
});

async function addUserExpectingError(page: Page, username: string, message: RegExp) {
  const form = page.getByRole("form", { name: "Add a local user" });
  await form.getByLabel("User name").fill(username);
  await form.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(message)).toBeVisible();
  await expect(form.getByLabel("User name")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("User name").fill("");
  await form.getByLabel("Password", { exact: true }).fill("");
}

test("role changes, disabling and password resets take effect at once", async ({ page, browser, baseURL }) => {
  const username = uniqueName("e2e-life");
  await page.goto("/admin/users");
  await addUser(page, { username, role: "viewer" });
  const row = userRow(page, username);

  // Viewer → admin: their next sign-in shows the admin sections.
  await row.getByLabel(`Role of ${username}`).selectOption("admin");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByText(`${username} is now admin`)).toBeVisible();
  await expect(row.getByRole("cell").nth(1)).toHaveText("admin");

  const first = await signInElsewhere(browser, baseURL, username, PASSWORD);
  await expect(first.page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Users" })).toBeVisible();

  // Disabled: their open session ends at once and signing in is refused.
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("cell").nth(3)).toHaveText("disabled");
  await first.page.goto("/things");
  await expect(first.page).toHaveURL(/\/sign-in/);
  await first.context.close();
  const refused = await signInElsewhere(browser, baseURL, username, PASSWORD);
  await expect(refused.page.getByRole("alert").filter({ hasText: /account is disabled/ })).toBeVisible();
  await refused.context.close();

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByRole("cell").nth(3)).toHaveText("active");

  // A generated password is shown once; the old one stops working.
  await row.getByRole("button", { name: "Reset password" }).click();
  await row.getByRole("button", { name: "Generate a password" }).click();
  const generated = (await row.getByTestId("generated-password").textContent())!.trim();
  expect(generated.length).toBeGreaterThanOrEqual(12);
  await row.getByRole("button", { name: "Done" }).click();
  await expect(row.getByTestId("generated-password")).toHaveCount(0);

  const old = await signInElsewhere(browser, baseURL, username, PASSWORD);
  await expect(old.page.getByRole("alert").filter({ hasText: /Wrong user name or password/ })).toBeVisible();
  await old.context.close();
  // The admin has seen it, so it is temporary: the user must choose their own first.
  const fresh = await signInElsewhere(browser, baseURL, username, generated);
  await expect(fresh.page).toHaveURL(/\/account\/password\?next=%2Fthings$/);
  await expect(fresh.page.getByRole("heading", { name: "Choose your own password", level: 1 })).toBeVisible();
  await expect(fresh.page.getByRole("status")).toContainText("temporary password");
  await fresh.page.goto("/groups");
  await expect(fresh.page).toHaveURL(/\/account\/password\?next=%2Fgroups$/);
  await expect(fresh.page.getByRole("navigation", { name: "Sections" })).toHaveCount(0);
  await shots(fresh.page, "change-password");
  const change = fresh.page.getByRole("form", { name: "Change password" });
  const setOwn = async (current: string, next: string, again = next) => {
    await change.getByLabel("Current password").fill(current);
    await change.getByLabel("New password", { exact: true }).fill(next);
    await change.getByLabel("New password again").fill(again);
    await change.getByRole("button", { name: "Set new password" }).click();
  };
  await setOwn(generated, "qwertyuiop123");
  await expect(change.getByText("This is one of the most common passwords. Choose another.")).toBeVisible();
  await expect(change.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await setOwn(generated, "e2e-own-password-3", "e2e-own-password-4");
  await expect(change.getByText("The two new passwords are not the same.")).toBeVisible();
  await setOwn(generated, "e2e-own-password-3");
  await expect(fresh.page).toHaveURL(/\/groups$/);
  await expect(fresh.page.getByRole("tree", { name: "Thing groups" })).toBeVisible();
  await fresh.context.close();
  await page.reload();
  await expect(row.getByRole("cell").nth(3)).toHaveText("active");

  // A typed password must follow the rules; the reason shows by the field.
  await row.getByRole("button", { name: "Reset password" }).click();
  await row.getByLabel(`New password for ${username}`).fill("short");
  await row.getByRole("button", { name: "Set password", exact: true }).click();
  await expect(row.getByText("Use at least 12 characters.")).toBeVisible();
  await row.getByLabel(`New password for ${username}`).fill("e2e-typed-password-2");
  await row.getByRole("button", { name: "Set password", exact: true }).click();
  await expect(row.getByText(`The password of ${username} was changed.`)).toBeVisible();
});

test("an admin cannot demote or disable themselves", async ({ page }) => {
  await page.goto("/admin/users");
  const me = page.getByRole("table", { name: "Users" }).getByRole("row").filter({ hasText: "(you)" });
  await expect(me).toHaveCount(1);
  await expect(me).toContainText(ACCOUNTS.admin.username);
  await expect(me.getByText(/another admin has to change your role or disable your account/)).toBeVisible();
  await expect(me.getByLabel(`Role of ${ACCOUNTS.admin.username}`)).toBeDisabled();
  await expect(me.getByRole("button", { name: "Disable" })).toBeDisabled();
});

test("a user locked out by failed sign-ins shows as locked, until an admin unlocks them", async ({ page, browser, baseURL }) => {
  const username = uniqueName("e2e-lock");
  await page.goto("/admin/users");
  await addUser(page, { username, role: "viewer" });

  const theirs = await signInElsewhere(browser, baseURL, username, "wrong-password-1");
  const alert = theirs.page.locator("form").getByRole("alert");
  await expect(alert).toHaveText("Wrong user name or password.");
  for (let i = 2; i <= 5; i++) {
    await submitSignIn(theirs.page, username, `wrong-password-${i}`);
    await expect(theirs.page.getByLabel("Password")).toHaveValue("");
    await expect(alert).toHaveText("Wrong user name or password.");
  }
  await submitSignIn(theirs.page, username, PASSWORD);
  await expect(alert).toHaveText(/^Too many failed sign-ins for this account\. Try again in 1[45] minutes, or ask an administrator to unlock the account\.$/);

  // The admin sees that, why and until when, and the way out.
  await page.reload();
  const row = userRow(page, username);
  await expect(row.getByRole("cell").nth(3)).toContainText("sign-in locked");
  await expect(row.getByTestId("lock-details")).toHaveText(
    /^Refused from new addresses until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, after 5 failed sign-ins\. Unlock lets them in now\.$/,
  );
  await row.scrollIntoViewIfNeeded();
  await shots(page, "users-locked");
  await row.getByRole("button", { name: "Unlock" }).click();
  await expect(row.getByText(`${username} is unlocked and can sign in again now.`)).toBeVisible();
  await expect(row.getByRole("button", { name: "Unlock" })).toHaveCount(0);
  await expect(row.getByRole("cell").nth(3)).toHaveText("active");

  await submitSignIn(theirs.page, username, PASSWORD);
  await expect(theirs.page).toHaveURL(/\/things/);
  await theirs.context.close();
});

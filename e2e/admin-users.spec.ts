import { expect, test, type Browser, type Page } from "@playwright/test";
import { ACCOUNTS, storageStatePath, submitSignIn } from "./accounts";

/**
 * User management as an admin sees it: adding a local user (errors in place, nothing
 * typed lost), the new user's first sign-in with the sidebar of their role, role
 * changes, disabling and password resets taking effect at once.
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

const userRow = (page: Page, username: string) =>
  page.getByRole("table", { name: "Users" }).getByRole("row").filter({ has: page.getByText(username, { exact: true }) });

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
  const fresh = await signInElsewhere(browser, baseURL, username, generated);
  await expect(fresh.page).toHaveURL(/\/things/);
  await fresh.context.close();

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

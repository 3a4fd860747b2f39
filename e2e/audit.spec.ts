import { readFileSync } from "node:fs";
import { expect, request, test, type Page } from "@playwright/test";
import { ACCOUNTS, storageStatePath } from "./accounts";

const ADMIN_USERNAME = ACCOUNTS.admin.username;

/**
 * The audit trail shows this test's own actions: changes made through the admin UI
 * (success), a rejected input (failure, password redacted) and a viewer's attempt
 * (denied); it filters by action, user, target and time, pages back to the end, and
 * exports exactly the records it shows.
 */

test.use({ storageState: storageStatePath("admin") });

const PASSWORD = "e2e-audit-password-1";
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
/** "2026-11-23T14:05", the minute of `d` in UTC (the audit filters' clock). */
const utcMinute = (d: Date) => d.toISOString().slice(0, 16);

const addUserForm = (page: Page) => page.getByRole("form", { name: "Add a local user" });
const auditRows = (page: Page) => page.getByRole("table", { name: "Audit records" }).locator("tbody tr");
const filters = (page: Page) => page.getByRole("search", { name: "Filter audit records" });

/** The session cookie a storage state holds, to act as that user from a page already open. */
function sessionCookieOf(path: string) {
  const state = JSON.parse(readFileSync(path, "utf8")) as { cookies: Array<{ name: string; value: string; domain: string; path: string }> };
  const cookie = state.cookies.find((c) => c.name === "fc_session");
  if (!cookie) throw new Error(`${path} holds no session cookie`);
  return cookie;
}

/** Rows of the export: CRLF line ends; cells quoted (with "" inside) or bare (the header); no raw newlines in cells. */
function csvRows(csv: string): string[][] {
  return csv
    .split("\r\n")
    .filter(Boolean)
    .map((line) => [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2])));
}

test("the trail shows the test's own changes, failures and denials, filtered, and exports what it shows", async ({ page, context, baseURL }) => {
  const username = uniqueName("e2e-audit");
  const denied = `${username}-denied`;

  await page.goto("/admin/users");
  const form = addUserForm(page);

  // 1. A rejected input: a failure record, with the password redacted.
  await form.getByLabel("User name").fill(username);
  await form.getByLabel("Password", { exact: true }).fill("short-pw");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("Use at least 12 characters.")).toBeVisible();

  // 2-4. Create, change the role, disable: three successes.
  await form.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(`Added ${username}.`)).toBeVisible();
  const row = page
    .getByRole("table", { name: "Users" })
    .getByRole("row")
    .filter({ has: page.getByText(username, { exact: true }) });
  await row.getByLabel(`Role of ${username}`).selectOption("responder");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByText(`${username} is now responder`)).toBeVisible();
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("cell").nth(3)).toHaveText("disabled");

  // 5. A viewer submitting the form from a page that still shows it (as after losing
  // the admin role with the page open): the server refuses and records the denial.
  const adminCookie = (await context.cookies()).find((c) => c.name === "fc_session")!;
  await context.addCookies([sessionCookieOf(storageStatePath("viewer"))]);
  await form.getByLabel("User name").fill(denied);
  await form.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("alert")).toContainText("Your role does not allow this.");
  await context.addCookies([adminCookie]);

  // The export route refuses anyone but an admin.
  // (Request contexts inherit the test's storage state unless told otherwise.)
  const anonymous = await request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/audit/export")).status()).toBe(401);
  await anonymous.dispose();
  const viewer = await request.newContext({ baseURL, storageState: storageStatePath("viewer") });
  expect((await viewer.get("/api/audit/export")).status()).toBe(403);
  expect((await viewer.get("/admin/audit")).status()).toBe(403);
  await viewer.dispose();

  // Filter by action and user through the filter bar: the URL carries them.
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await filters(page).getByLabel("Action").selectOption("users.create");
  await filters(page).getByLabel("User").fill(ADMIN_USERNAME);
  await expect(page).toHaveURL(/[?&]action=users\.create(&|$)/);
  await expect(page).toHaveURL(new RegExp(`[?&]user=${ADMIN_USERNAME}(&|$)`));

  // Both calls name the user as their target: the rejected one too.
  const aboutUser = auditRows(page).filter({ has: page.getByRole("cell", { name: username, exact: true }) });
  await expect(aboutUser).toHaveCount(2);
  const created = aboutUser.filter({ hasText: "success" });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText(ADMIN_USERNAME);
  await expect(created).toContainText("admin");

  // The failure's parameters name the user but not the password.
  const failures = auditRows(page).filter({ hasText: "invalid_input" }).filter({ hasText: username });
  await expect(failures.first()).toBeVisible();
  const failure = failures.first();
  await expect(failure).toContainText("failure");
  const params = failure.locator("details");
  if ((await params.count()) > 0) await params.locator("summary").click();
  await expect(failure).toContainText("[redacted]");
  await expect(failure).not.toContainText("short-pw");

  // The viewer's attempt is there too, as denied: a different user, so drop that filter.
  await filters(page).getByLabel("User").fill("");
  await expect(page).not.toHaveURL(/[?&]user=/);
  const deniedRow = auditRows(page).filter({ hasText: denied });
  await expect(deniedRow).toHaveCount(1);
  await expect(deniedRow.getByRole("cell").nth(1)).toContainText("viewer");
  await expect(deniedRow.getByRole("cell").nth(4)).toHaveText(/^denied\s*forbidden$/);

  // Everything the admin did to this user (target filter): the rejected attempt and the three changes, newest first.
  await filters(page).getByLabel("Action").selectOption("");
  await filters(page).getByLabel("User").fill(ADMIN_USERNAME);
  await filters(page).getByLabel("Target contains").fill(username);
  await expect(page).toHaveURL(new RegExp(`[?&]target=${username}(&|$)`));
  await expect(page).not.toHaveURL(/[?&]action=/);
  const mine = auditRows(page);
  await expect(mine).toHaveCount(4);
  await expect(mine.nth(0)).toContainText("users.set_disabled");
  await expect(mine.nth(1)).toContainText("users.set_role");
  await expect(mine.nth(2)).toContainText("users.create");
  for (let i = 0; i < 3; i++) await expect(mine.nth(i)).toContainText("success");
  await expect(mine.nth(3)).toContainText("users.create");
  await expect(mine.nth(3)).toContainText("invalid_input");
  await expect(page.getByRole("navigation", { name: "Audit pages" })).toContainText("end of the audit trail for these filters");

  // The export holds exactly the records shown, oldest first.
  const shown = await mine.count();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, ...records] = csvRows(readFileSync((await download.path())!, "utf8"));
  expect(header).toEqual(["id", "time", "actor", "role", "action", "target", "result", "errorCode", "awsRequestId", "ip", "params"]);
  expect(records).toHaveLength(shown);
  expect(records.map((r) => r[4])).toEqual(["users.create", "users.create", "users.set_role", "users.set_disabled"]);
  expect(records.map((r) => r[6])).toEqual(["failure", "success", "success", "success"]);
  for (const r of records) expect(r).toMatchObject({ 2: ADMIN_USERNAME, 5: username });
  expect(records[0][7]).toBe("invalid_input");
  expect(records[0][10]).not.toContain("short-pw");
  expect(JSON.parse(records[2][10])).toMatchObject({ username, role: "responder", previousRole: "viewer" });
});

test("pages back through older records to the end of the trail, within a time range", async ({ page }) => {
  const startedAt = new Date();
  await page.goto("/admin/users");
  const form = addUserForm(page);
  // 55 rejected attempts: more than one page of 50 records.
  await form.getByLabel("User name").fill(uniqueName("e2e-paging"));
  await form.getByLabel("Password", { exact: true }).fill("short");
  for (let i = 0; i < 55; i++) {
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/admin/users");
    await form.getByRole("button", { name: "Add user" }).click();
    await posted;
    await expect(form.getByRole("button", { name: "Add user" })).toBeEnabled();
  }

  await page.goto("/admin/audit");
  await filters(page).getByLabel("Action").selectOption("users.create");
  await filters(page).getByLabel("From (UTC)").fill(utcMinute(startedAt));
  await filters(page).getByLabel("User").fill(ADMIN_USERNAME);
  await expect(page).toHaveURL(new RegExp(`[?&]from=${utcMinute(startedAt).replace(":", "(:|%3A)")}`));
  await expect(page).toHaveURL(/[?&]user=/);

  const pages = page.getByRole("navigation", { name: "Audit pages" });
  await expect(auditRows(page)).toHaveCount(50);
  await expect(pages).not.toContainText("end of the audit trail");
  const newestId = Number(await auditRows(page).first().getAttribute("data-audit-id"));
  const lastIdOnFirstPage = Number(await auditRows(page).last().getAttribute("data-audit-id"));

  await pages.getByRole("link", { name: "Older records" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]before=${lastIdOnFirstPage}(&|$)`));
  await expect(pages).toContainText("end of the audit trail for these filters");
  await expect(pages.getByRole("link", { name: "Older records" })).toHaveCount(0);
  const rest = await auditRows(page).count();
  expect(rest).toBeGreaterThanOrEqual(5);
  expect(Number(await auditRows(page).first().getAttribute("data-audit-id"))).toBeLessThan(lastIdOnFirstPage);
  // (The range starts at the minute the test began, so a few earlier records may join the 55.)

  await pages.getByRole("link", { name: "Newest records" }).click();
  await expect(page).not.toHaveURL(/[?&]before=/);
  await expect(auditRows(page).first()).toHaveAttribute("data-audit-id", String(newestId));
});

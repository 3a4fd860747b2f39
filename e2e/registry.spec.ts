import { expect, test, type Page } from "@playwright/test";

/**
 * The registry part of the console against the seeded simulated fleet (~200 things of
 * types linux-agent / windows-agent / macos-agent / gateway, customer → site → role
 * groups, one certificate and policy per thing). Read-only: it never changes the fleet.
 */

const thingsTable = (page: Page) => page.getByRole("table", { name: "Things" });
/** Data rows only (the header row holds column headers, not cells). */
const dataRows = (page: Page) =>
  thingsTable(page)
    .getByRole("row")
    .filter({ has: page.getByRole("cell") });

test("things list → filter by type → thing → certificate and groups → group in the tree", async ({ page }) => {
  await page.goto("/things");
  await expect(page.getByRole("heading", { name: "Things", level: 1 })).toBeVisible();
  await expect(dataRows(page).first()).toBeVisible();

  // Filter by type: the URL carries the filter and every row has that type.
  const typeSelect = page.getByLabel("Thing type");
  await expect(typeSelect).toBeEnabled();
  await typeSelect.selectOption("linux-agent");
  await expect(page).toHaveURL(/[?&]type=linux-agent/);
  await expect(thingsTable(page).getByRole("cell", { name: "windows-agent", exact: true })).toHaveCount(0);
  await expect(dataRows(page).first().getByRole("cell", { name: "linux-agent", exact: true })).toBeVisible();
  // Connectivity arrives after the rows.
  await expect(
    dataRows(page)
      .first()
      .getByText(/^(Connected|Disconnected)$/),
  ).toBeVisible();

  // Open the first thing.
  const firstLink = dataRows(page).first().getByRole("link").first();
  const thingName = (await firstLink.textContent())!.trim();
  await firstLink.click();
  await expect(page).toHaveURL(new RegExp(`/things/${thingName}$`));
  await expect(page.getByRole("heading", { name: thingName, level: 1 })).toBeVisible();

  // Its certificate: a status and a validity with days to expiry.
  const principals = page.getByRole("region", { name: "Certificates and principals" });
  const certificate = principals.getByRole("article").first();
  await expect(certificate).toBeVisible();
  await expect(certificate.getByText(/^(ACTIVE|INACTIVE|REVOKED|PENDING_TRANSFER|PENDING_ACTIVATION|REGISTER_INACTIVE)$/)).toBeVisible();
  await expect(certificate.getByText(/expires in [\d,]+ days?|expires within a day|expired/).first()).toBeVisible();
  await expect(certificate.getByText("Valid until")).toBeVisible();
  // …and its attached policy, readable when expanded.
  await certificate
    .getByText(/statements?:/)
    .first()
    .click();
  await expect(certificate.getByText(/"Statement"/)).toBeVisible();

  // Its groups, each with the path from the root; the last link is the group itself.
  const groups = page.getByRole("region", { name: "Groups" }).getByRole("list", { name: "Thing groups" });
  const firstPath = groups.getByRole("listitem").first();
  await expect(firstPath.getByRole("link").first()).toBeVisible();
  const groupLink = firstPath.getByRole("link").last();
  const groupName = (await groupLink.textContent())!.trim();
  await groupLink.click();

  // The group in the tree, selected, with the thing among its members.
  await expect(page).toHaveURL(new RegExp(`/groups\\?group=${groupName}$`));
  const tree = page.getByRole("tree", { name: "Thing groups" });
  await expect(tree.getByRole("treeitem", { name: groupName, selected: true })).toBeVisible();
  const members = page.getByRole("list", { name: `Things in ${groupName}` });
  await expect(members.getByRole("link", { name: thingName, exact: true })).toBeVisible();
  await expect(page.getByText(/end of list|more available/)).toBeVisible();
});

test("an unknown thing name shows a 404 page that says so", async ({ page }) => {
  const name = `no-such-thing-${Date.now()}`;
  const response = await page.goto(`/things/${name}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: `The thing “${name}” does not exist` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the things list" })).toBeVisible();
});

test("an attribute value AWS would reject is explained in place, without a crash", async ({ page }) => {
  await page.goto("/things");
  await expect(dataRows(page).first()).toBeVisible();
  await page.getByLabel("Attribute name").fill("customer");
  await page.getByLabel("Attribute value").fill("acme corp");
  // Scoped to <main>: Next's route announcer is an (empty) alert too.
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("These filters can’t be used");
  await expect(alert).toContainText("can't contain spaces");
  await expect(page).toHaveURL(/value=acme/);
  await expect(thingsTable(page)).toHaveCount(0);

  // The same URL opened directly (a shared link) shows the same message.
  await page.goto("/things?attr=customer&value=acme%20corp");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("can't contain spaces");

  // Fixing the value brings the list back.
  await page.getByLabel("Attribute value").fill("acme");
  await expect(dataRows(page).first()).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
});

test("a filter that matches nothing shows the empty state, and clearing it restores the list", async ({ page }) => {
  await page.goto("/things?attr=customer&value=no-such-customer");
  await expect(page.getByText("No things match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(/\/things$/);
  await expect(dataRows(page).first()).toBeVisible();
});

test("Load all pages through the whole fleet to the end of the list", async ({ page }) => {
  await page.goto("/things?size=25");
  await expect(dataRows(page)).toHaveCount(25);
  await page.getByRole("button", { name: "Load all" }).click();
  await expect(page.getByText("· end of list")).toBeVisible({ timeout: 30_000 });
  const count = await dataRows(page).count();
  expect(count).toBeGreaterThanOrEqual(200);
  await expect(page.getByText(`${count.toLocaleString("en-US")} things loaded`)).toBeVisible();
});

test("the group tree is keyboard navigable", async ({ page }) => {
  await page.goto("/groups");
  const tree = page.getByRole("tree", { name: "Thing groups" });
  const first = tree.getByRole("treeitem").first();
  await expect(first).toBeVisible();
  await first.focus();
  await page.keyboard.press("ArrowRight"); // open (or enter) the first customer
  await page.keyboard.press("ArrowDown");
  const focusedName = await page.evaluate(() => document.activeElement?.textContent ?? "");
  expect(focusedName).not.toBe("");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/groups\?group=/);
  await expect(tree.getByRole("treeitem", { selected: true })).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Members" })).toBeVisible();
});

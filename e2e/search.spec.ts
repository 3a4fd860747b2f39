import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { storageStatePath } from "./accounts";

/**
 * The search workbench against the seeded simulated fleet (~200 things of types
 * linux-agent / windows-agent / macos-agent / gateway at ten customers), through the
 * console's search API and the emulator's fleet index. Each test makes its own saved
 * queries and groups under unique names; the fleet itself is only read.
 */

const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

const editor = (page: Page) => page.getByRole("textbox", { name: "Query" });
const resultsTable = (page: Page) => page.getByRole("table", { name: "Search results" });
/** Rendered data rows (the table is virtualized: only rows near the view are in the DOM). */
const dataRows = (page: Page) => resultsTable(page).locator("tbody tr[data-index]");
const matchCount = async (page: Page) => {
  const text = (await page.getByTestId("match-count").textContent()) ?? "";
  return Number(text.replace(/,/g, ""));
};

/** Replaces the editor's text and runs it with Enter. */
async function runQuery(page: Page, query: string) {
  await editor(page).click();
  await editor(page).fill(query);
  await editor(page).press("Escape"); // close a completion list, so Enter runs instead of picking
  await editor(page).press("Enter");
}

/** Records CSP violations and page errors: the editor injects styles, which must pass the nonce-based CSP. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return problems;
}

/** Clicks an export button and returns the file; an export the page reports as failed fails the test at once, with its message. */
async function exportFile(page: Page, button: string): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent("download", { timeout: 45_000 });
  await page.getByRole("button", { name: button }).click();
  const failure = page.getByRole("alert").filter({ hasText: /export failed/ });
  const failed = failure.waitFor({ timeout: 45_000 }).then(async () => {
    throw new Error(`the page reports: ${await failure.textContent()}`);
  });
  // The loser of the race rejects later (timeout or page closed): nobody waits for it.
  download.catch(() => {});
  failed.catch(() => {});
  const file = await Promise.race([download, failed]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}

/** Records of a CSV export (every field quoted, CRLF line ends), header first. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

test("a query error is marked where it is; the fixed query runs; a column, a saved query and the URL reproduce the view", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto("/search");
  await expect(page.getByRole("heading", { name: "Search", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Search" })).toHaveAttribute("aria-current", "page");

  // 1. An error, marked at its exact place while typing, and nothing runs.
  await editor(page).click();
  await editor(page).pressSequentially("thingTypeName:linux-agent AND OR attributes.os:ubuntu*", { delay: 5 });
  const marked = page.locator(".cm-editor .cm-lintRange-error");
  await expect(marked).toHaveText("AND");
  await expect(page.getByTestId("query-error")).toContainText("'AND' needs a search term after it");
  await expect(page.getByTestId("query-error")).toContainText("at character 27");
  await expect(editor(page)).toHaveAttribute("aria-invalid", "true");
  await editor(page).press("Escape");
  await editor(page).press("Enter");
  await expect(page).not.toHaveURL(/[?&]q=/);
  await expect(resultsTable(page)).toHaveCount(0);

  // 2. Fixed: the mark goes, Enter runs it, the count and the rows arrive.
  await runQuery(page, "thingTypeName:linux-agent");
  await expect(marked).toHaveCount(0);
  await expect(editor(page)).not.toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/[?&]q=thingTypeName(:|%3A)linux-agent/);
  await expect(dataRows(page).first()).toBeVisible();
  await expect(page.getByTestId("match-count")).toHaveText(/^\d[\d,]*$/);
  const total = await matchCount(page);
  expect(total).toBeGreaterThan(0);
  // Every row is a linux agent, and links to its thing page.
  const typeColumn = await resultsTable(page).locator("thead th").allTextContents();
  const typeIndex = typeColumn.indexOf("thingTypeName");
  expect(typeIndex).toBeGreaterThan(0);
  for (const cell of await dataRows(page)
    .locator(`td:nth-child(${typeIndex + 1})`)
    .allTextContents())
    expect(cell).toBe("linux-agent");
  const firstLink = dataRows(page).first().getByRole("link");
  await expect(firstLink).toHaveAttribute("href", /^\/things\/[^/]+$/);

  // 3. A column: attributes.os, in the table and in the URL.
  await page.getByRole("button", { name: /^Columns/ }).click();
  await page.getByLabel("Add a column").fill("attributes.os");
  await page.getByRole("dialog", { name: "Columns" }).getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("list", { name: "Shown columns" }).getByText("attributes.os", { exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(resultsTable(page).locator("thead th").last()).toHaveText("attributes.os");
  await expect(page).toHaveURL(/[?&]cols=[^&]*attributes\.os/);
  const osCells = await dataRows(page).locator("td:last-child").allTextContents();
  expect(osCells.length).toBeGreaterThan(0);
  for (const os of osCells) expect(os).not.toBe("—");

  // 4. Saved under a name, shared: it is listed.
  const name = uniqueName("e2e-linux");
  await page.getByRole("button", { name: "Save query" }).click();
  const saveForm = page.getByRole("form", { name: "Save query" });
  await saveForm.getByLabel("Name").fill(name);
  await saveForm.getByLabel(/Share with the team/).check();
  await saveForm.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveForm).toHaveCount(0);
  const saved = page.getByRole("list", { name: "Saved queries" });
  await expect(saved.getByRole("button", { name, exact: true })).toBeVisible();

  // 5. The URL alone reproduces the view: query, columns, results.
  const url = page.url();
  await page.goto("/search");
  await expect(resultsTable(page)).toHaveCount(0);
  await page.goto(url);
  await expect(editor(page)).toHaveText("thingTypeName:linux-agent");
  await expect(resultsTable(page).locator("thead th").last()).toHaveText("attributes.os");
  await expect(dataRows(page).first()).toBeVisible();
  await expect(page.getByTestId("match-count")).toHaveText(total.toLocaleString("en-US"));

  // …and so does the saved query, opened from a blank workbench.
  await page.goto("/search");
  await page.getByRole("list", { name: "Saved queries" }).getByRole("button", { name, exact: true }).click();
  await expect(page).toHaveURL(/[?&]q=thingTypeName(:|%3A)linux-agent/);
  await expect(page).toHaveURL(/[?&]cols=[^&]*attributes\.os/);
  await expect(resultsTable(page).locator("thead th").last()).toHaveText("attributes.os");

  // The query is in the recent history.
  await expect(
    page.getByRole("list", { name: "Recent queries" }).getByRole("button", { name: "thingTypeName:linux-agent", exact: true }).first(),
  ).toBeVisible();
  expect(problems).toEqual([]);
});

test("the whole result pages to the end, and exports to files whose row counts equal the match count", async ({ page }) => {
  await page.goto("/search");
  await runQuery(page, "*");
  await expect(page.getByTestId("match-count")).toHaveText(/^\d[\d,]*$/);
  const total = await matchCount(page);
  expect(total).toBeGreaterThan(100); // more than one SearchIndex page

  // Load all, through nextToken, to the end marker.
  await expect(dataRows(page).first()).toBeVisible();
  await page.getByRole("button", { name: "Load all" }).click();
  await expect(page.getByText("· end of results")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(`${total.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} loaded`)).toBeVisible();
  await resultsTable(page).locator("tbody tr").first().getByRole("link").focus();
  await page.keyboard.press("End");
  await expect(resultsTable(page).getByText(`End of results · ${total.toLocaleString("en-US")} things`)).toBeVisible();

  // CSV: a header of the shown columns, then one record per match.
  const csv = await exportFile(page, "Export CSV");
  expect(csv.name).toMatch(/^fleet-search-.*\.csv$/);
  const records = csvRecords(csv.text);
  const headers = await resultsTable(page).locator("thead th").allTextContents();
  expect(records[0]).toEqual(headers);
  expect(records.length - 1).toBe(total);
  expect(new Set(records.slice(1).map((r) => r[0])).size).toBe(total);
  await expect(page.getByText(new RegExp(`Exported ${total.toLocaleString("en-US")} rows as CSV`))).toBeVisible();

  // JSON Lines: one whole row per line.
  const jsonl = await exportFile(page, "Export JSON Lines");
  expect(jsonl.name).toMatch(/^fleet-search-.*\.jsonl$/);
  const lines = jsonl.text.split("\n").filter(Boolean);
  expect(lines.length).toBe(total);
  const first = JSON.parse(lines[0]!) as { thingName?: unknown };
  expect(typeof first.thingName).toBe("string");
});

test("a viewer is not offered “Save as dynamic group”", async ({ page }) => {
  await page.goto("/search?q=thingTypeName%3Agateway");
  await expect(dataRows(page).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Save query" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Save as dynamic group" })).toHaveCount(0);
});

test.describe("as an admin", () => {
  test.use({ storageState: storageStatePath("admin") });

  test("saves the query as a dynamic group and finds it in Groups with its members", async ({ page }) => {
    const group = uniqueName("e2e-gateways");
    await page.goto("/search");
    await runQuery(page, "thingTypeName:gateway");
    await expect(dataRows(page).first()).toBeVisible();
    const member = (await dataRows(page).first().getByRole("link").textContent())!.trim();

    await page.getByRole("button", { name: "Save as dynamic group" }).click();
    const form = page.getByRole("form", { name: "Save as dynamic group" });
    await expect(form.getByText("thingTypeName:gateway", { exact: true })).toBeVisible();
    await form.getByLabel("Group name").fill(group);
    await form.getByLabel("Description (optional)").fill("Gateways, from an e2e search");
    await form.getByRole("button", { name: "Create dynamic group" }).click();
    await page.getByRole("link", { name: `Open ${group} in Groups` }).click();

    await expect(page).toHaveURL(new RegExp(`/groups\\?group=${group}$`));
    await expect(page.getByRole("heading", { name: group, level: 2 })).toContainText("dynamic");
    await expect(page.getByRole("tree", { name: "Thing groups" }).getByRole("treeitem", { name: group })).toBeVisible();
    // Membership is built from the index: the gateway seen in the results is a member.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("list", { name: `Things in ${group}` }).getByRole("link", { name: member, exact: true })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
  });
});

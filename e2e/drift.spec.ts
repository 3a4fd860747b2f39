import { expect, test, type Locator, type Page } from "@playwright/test";
import { EMULATOR_URL } from "./stack";

/**
 * The fleet drift view against the seeded simulated fleet (~200 agents, some of which lag
 * behind, fail or ignore their desired state), through the console's drift API and the
 * emulator's fleet index. The fleet is live (agents apply changes as the tests run), so
 * comparisons of two reads are retried after "Refresh now" rather than assumed equal.
 */

const num = async (l: Locator) => Number(((await l.textContent()) ?? "").replace(/[^\d]/g, ""));

async function indexCount(page: Page, q: string): Promise<number> {
  const res = await page.request.get(`/api/search/count?q=${encodeURIComponent(q)}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { count: number }).count;
}

const refresh = (page: Page) => page.getByRole("button", { name: "Refresh now" }).click();
const typeTable = (page: Page) => page.getByRole("region", { name: /^By thing type/ }).getByRole("table");
const keysTable = (page: Page) => page.getByTestId("pending-keys");
const thingsTable = (page: Page) => page.getByRole("table", { name: "Drifted things" });

async function injectFault(fault: Record<string, unknown>) {
  const res = await fetch(`${EMULATOR_URL}/_emulator/faults`, { method: "POST", body: JSON.stringify(fault) });
  expect(res.status).toBe(201);
}

test.afterEach(async () => {
  await fetch(`${EMULATOR_URL}/_emulator/faults`, { method: "DELETE" });
});

test("drifted counts match the fleet index; pending keys with ages drill down to their things and on to a thing's diff; the URL keeps the view", async ({
  page,
}) => {
  await page.goto("/drift");
  await expect(page.getByRole("heading", { name: "Drift", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Drift" })).toHaveAttribute("aria-current", "page");

  // 1. The headline counts are the fleet index's `shadow.hasDelta:true` (classic) and named-shadow counts.
  const classicCard = page.getByTestId("drift-count-classic");
  const configCard = page.getByTestId("drift-count-config");
  await expect(classicCard).toBeVisible();
  let classic = 0;
  await expect(async () => {
    classic = await indexCount(page, "shadow.hasDelta:true");
    const config = await indexCount(page, "shadow.name.config.hasDelta:true");
    const shown = [await num(classicCard), await num(configCard)];
    if (shown[0] !== classic || shown[1] !== config) await refresh(page);
    expect(shown).toEqual([classic, config]);
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000, 5_000] });
  expect(classic, "the simulated fleet has agents that lag behind").toBeGreaterThan(0);
  await expect(page.getByTestId("drift-card-classic")).toContainText(/of\s+[\d,]+\s+things/);

  // 2. A breakdown by thing type: every type's drifted count within its total, and they add up to the drifted things.
  const rows = typeTable(page).locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  await expect(async () => {
    let sum = 0;
    for (const row of await rows.all()) {
      const [drifted, of] = [await num(row.locator("td").nth(1)), await num(row.locator("td").nth(2))];
      expect(drifted).toBeGreaterThan(0);
      expect(drifted).toBeLessThanOrEqual(of);
      sum += drifted;
    }
    const any = await num(page.getByTestId("drift-count-any"));
    if (sum !== any) await refresh(page);
    expect(sum).toBe(any);
  }).toPass({ timeout: 30_000, intervals: [1_000, 3_000] });

  // 3. The pending keys, most pending first, each with how long it has waited.
  const firstKey = keysTable(page).locator("tbody tr").first();
  await expect(firstKey).toBeVisible();
  const keyPath = ((await firstKey.getByRole("button").textContent()) ?? "").trim();
  expect(keyPath).toMatch(/^[\w$:-]+(\.[\w$:-]+)*$/);
  expect(await num(firstKey.locator("td").nth(1))).toBeGreaterThan(0);
  // Key, things, online now, reporting an error, not reporting the key, oldest since, median since.
  await expect(firstKey.locator("td").nth(5)).toHaveText(/\bago$|just now/);
  await expect(firstKey.locator("td").nth(6)).toHaveText(/\bago$|just now/);
  expect(await num(firstKey.locator("td").nth(2))).toBeLessThanOrEqual(await num(firstKey.locator("td").nth(1)));
  await expect(page.getByTestId("top-pending-key")).toContainText(keyPath);
  await expect(page.getByTestId("drift-coverage").first()).toContainText(/Based on all [\d,]+ drifted things/);

  // 4. Drill down from the key to the things where it is pending: as many as the key counts.
  await firstKey.getByRole("button").click();
  await expect(page).toHaveURL(/[?&]key=/);
  await expect(page).toHaveURL(/[?&]shadow=/);
  await expect(page.getByRole("heading", { name: "Drifted things" })).toBeFocused();
  const list = thingsTable(page);
  await expect(list.locator("tbody tr").first()).toBeVisible();
  await expect(async () => {
    const keyRow = keysTable(page)
      .locator("tbody tr")
      .filter({ has: page.getByRole("button", { name: keyPath, exact: true }) });
    const [expected, listed] = [await num(keyRow.locator("td").nth(1)), await num(page.getByTestId("drifted-things-count"))];
    if (expected !== listed) await refresh(page);
    expect(listed).toBe(expected);
  }).toPass({ timeout: 30_000, intervals: [1_000, 3_000] });
  for (const cell of await list.locator("tbody tr td:nth-child(3)").all()) await expect(cell).toContainText(keyPath);
  await expect(list.locator("tbody tr").first().locator("td").nth(3)).toHaveText(/\bago$|just now/);

  // 5. The URL is the view: a reload (or the link pasted into a ticket) shows the same drill-down.
  const url = page.url();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(page.getByRole("list", { name: "Filters" })).toContainText(keyPath);
  await expect(keysTable(page).getByRole("button", { name: keyPath, exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(thingsTable(page).locator("tbody tr").first()).toBeVisible();

  // 6. From the list to the thing's desired vs reported diff.
  const thingLink = thingsTable(page).locator("tbody tr").first().getByRole("link").first();
  const thingName = ((await thingLink.textContent()) ?? "").trim();
  await thingLink.click();
  await expect(page).toHaveURL(new RegExp(`/things/${thingName}\\?tab=shadows&shadow=(classic|config)$`));
  await expect(page.getByRole("heading", { level: 1, name: thingName })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(url);
});

test("a thing type's drifted things, and the same things opened in Search", async ({ page }) => {
  await page.goto("/drift?shadow=classic");
  await expect(page.getByTestId("drift-card-classic")).toHaveAttribute("aria-pressed", "true");
  const first = typeTable(page).locator("tbody tr").first();
  await expect(first).toBeVisible();
  const type = ((await first.getByRole("button").textContent()) ?? "").trim();
  // By keyboard: the type's name is a button.
  await first.getByRole("button").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Drifted things" })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`[?&]type=${type}(&|$)`));
  await expect(page.getByRole("list", { name: "Filters" })).toContainText(type);
  const list = thingsTable(page);
  await expect(list.locator("tbody tr").first()).toBeVisible();
  for (const cell of await list.locator("tbody tr td:nth-child(2)").all()) await expect(cell).toHaveText(type);

  // The list counts what the breakdown counts (the snapshot and the aggregation agree).
  await expect(async () => {
    const row = typeTable(page)
      .locator("tbody tr")
      .filter({ has: page.getByRole("button", { name: type, exact: true }) });
    const [drifted, listed] = [await num(row.locator("td").nth(1)), await num(page.getByTestId("drifted-things-count"))];
    if (drifted !== listed) await refresh(page);
    expect(listed).toBe(drifted);
  }).toPass({ timeout: 30_000, intervals: [1_000, 3_000] });

  // "Open in Search": the search workbench runs the drill-down's query (its `q`), and the index agrees on the count.
  const open = page.getByRole("link", { name: "Open in Search ↗" });
  const href = (await open.getAttribute("href")) ?? "";
  const q = new URL(href, "http://x").searchParams.get("q") ?? "";
  expect(q).toBe(`shadow.hasDelta:true AND thingTypeName:${type}`);
  await open.click();
  await expect(page).toHaveURL(/\/search\?/);
  await expect(page.getByRole("textbox", { name: "Query" })).toContainText(q);
  await expect(page.getByTestId("match-count")).toHaveText(/^\d[\d,]*$/);
  expect(await num(page.getByTestId("match-count"))).toBe(await indexCount(page, q));
});

test("throttled fleet-index calls read as 'rate limited, retrying', and the view recovers on its own", async ({ page }) => {
  // The named-shadow scope: breakdowns no earlier test has asked for, so the console's cache cannot answer them.
  await injectFault({ service: "iot", code: "ThrottlingException", method: "POST", pathPrefix: "/indices/", remaining: 10_000 });
  await page.goto("/drift?shadow=config&group=no-such-group");
  await expect(page.getByRole("status").filter({ hasText: "Rate limited, retrying" }).first()).toBeVisible({ timeout: 30_000 });
  await fetch(`${EMULATOR_URL}/_emulator/faults`, { method: "DELETE" });
  await expect(page.getByTestId("drift-count-config")).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId("drift-card-config")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("drifted-things")).toContainText("No drifted thing matches these filters");
});

test("refreshes on its own every 30 s while the tab is visible, and not while it is hidden", async ({ page }) => {
  await page.clock.install();
  const calls: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/drift/summary") calls.push(r.url());
  });
  await page.goto("/drift");
  await expect(page.getByTestId("drift-count-classic")).toBeVisible();
  const loaded = calls.length;
  await page.clock.fastForward(31_000);
  await expect.poll(() => calls.length).toBeGreaterThan(loaded);

  const setVisibility = (state: "hidden" | "visible") =>
    page.evaluate((s) => {
      Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    }, state);
  await setVisibility("hidden");
  await page.waitForTimeout(300);
  const hidden = calls.length;
  await page.clock.fastForward(31_000);
  await page.clock.fastForward(31_000);
  await page.waitForTimeout(1_000);
  expect(calls.length, "no polling in a hidden tab").toBe(hidden);

  // Back in view, the (now stale) figures are fetched again at once.
  await setVisibility("visible");
  await expect.poll(() => calls.length).toBeGreaterThan(hidden);
});

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CreateThingCommand, IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { deltaLeafPaths } from "../lib/shadow-document";
import { formatPath } from "../lib/shadows/json";
import { storageStatePath } from "./accounts";
import { EMULATOR_URL } from "./stack";

/**
 * The Shadows tab of a thing, against the seeded simulated fleet and the emulator's
 * shadow service, signed in as a responder (and a viewer at the end): a drifting thing's
 * pending keys with their age, a desired change that the simulated agent applies (the
 * row turns "in sync" on its own), a version conflict caused from a second page and
 * resolved by re-applying, the AWS limits checked before sending, and no edit controls
 * for a viewer. Conflicts and empty states use things this spec creates (no agent), so
 * nothing else moves under them.
 *
 * SHADOW_SHOTS_DIR=<dir> also saves screenshots of the tab (light and dark).
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const aws = { endpoint: EMULATOR_URL, region: "us-east-1", credentials: { accessKeyId: "e2e", secretAccessKey: "e2e" }, maxAttempts: 2 };
const iot = new IoTClient(aws);
const data = new IoTDataPlaneClient(aws);
test.afterAll(() => {
  iot.destroy();
  data.destroy();
});

const SHOTS = process.env.SHADOW_SHOTS_DIR;
async function shot(page: Page, name: string, target?: Locator) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `shadows-${name}.png`);
  if (target) await target.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const decode = (payload: Uint8Array | undefined) =>
  JSON.parse(new TextDecoder().decode(payload)) as {
    state: { desired?: Record<string, unknown>; reported?: Record<string, unknown>; delta?: Record<string, unknown> };
    version: number;
  };

async function readShadow(thingName: string, shadowName?: string) {
  return decode((await data.send(new GetThingShadowCommand({ thingName, shadowName }))).payload);
}
async function writeShadow(thingName: string, doc: unknown, shadowName?: string) {
  await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));
}
async function search(queryString: string, max = 25): Promise<string[]> {
  const out = await iot.send(new SearchIndexCommand({ indexName: "AWS_Things", queryString, maxResults: max }));
  return (out.things ?? []).map((t) => t.thingName!).filter(Boolean);
}
/** A thing of this spec's own, with no agent behind it: only the test changes its shadow. */
async function ownThing(prefix: string, state?: { desired?: unknown; reported?: unknown }): Promise<string> {
  const name = unique(prefix);
  await iot.send(new CreateThingCommand({ thingName: name }));
  if (state) await writeShadow(name, { state });
  return name;
}

const tab = (page: Page) => page.getByTestId("shadows-tab");
const row = (page: Page, path: string) => page.getByRole("table", { name: "Desired vs reported" }).locator(`tr[data-path="${path}"]`);
const editor = (page: Page) => page.getByTestId("desired-editor").getByRole("textbox");
const AGE = /set (just now|\d+ (s|min|h|d|mo|y) ago)/;

async function openShadows(page: Page, thingName: string, shadow = "classic") {
  await page.goto(`/things/${encodeURIComponent(thingName)}?tab=shadows&shadow=${encodeURIComponent(shadow)}`);
  await expect(page.getByRole("link", { name: "Shadows" })).toHaveAttribute("aria-current", "page");
  await expect(tab(page)).toBeVisible();
}

/** Replaces the editor's text (opening the editor first when it is not open). */
async function typeDesired(page: Page, desired: unknown) {
  if (!(await editor(page).isVisible())) await page.getByRole("button", { name: "Edit desired state", exact: true }).click();
  await editor(page).fill(JSON.stringify(desired, null, 2));
}

test.describe("as a responder", () => {
  // An action that cannot happen fails in seconds, not at the test's timeout.
  test.use({ storageState: storageStatePath("responder"), actionTimeout: 15_000 });

  test("a drifting thing shows its pending keys and how long they have waited", async ({ page }) => {
    // A thing of the simulated fleet whose shadow has a delta; if the agents have applied
    // everything, one of our own with drift.
    const drifting =
      (await search("shadow.hasDelta:true AND thingTypeName:*", 10))[0] ??
      (await ownThing("e2e-drift", { desired: { policy: { mode: "prevent" } }, reported: { policy: { mode: "detect" } } }));
    await openShadows(page, drifting);
    const pending = page.locator('tr[data-status="pending"], tr[data-status="type_mismatch"]');
    await expect(pending.first()).toBeVisible();
    await expect(pending.first()).toContainText(AGE);
    await expect(page.getByTestId("shadow-counts")).toContainText(/not applied by the device yet/);
    // Every row marked pending is in AWS's delta as the emulator holds it.
    const delta = deltaLeafPaths((await readShadow(drifting)).state.delta).map(formatPath);
    const shown = await pending.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-path")));
    expect(shown.every((p) => delta.some((d) => p === d || p!.startsWith(`${d}.`) || p!.startsWith(`${d}[`)))).toBe(true);

    await shot(page, "drift-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await expect(pending.first()).toBeVisible();
    await shot(page, "drift-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // "Differences" hides what is in sync; the raw document is one click away; both in the URL.
    await page.getByRole("button", { name: /^Differences/ }).click();
    await expect(page.locator('tr[data-status="in_sync"]')).toHaveCount(0);
    await expect(page).toHaveURL(/keys=differences/);
    await page.getByRole("button", { name: "Raw JSON" }).click();
    await expect(page.getByTestId("raw-json")).toContainText('"delta"');
    await expect(page).toHaveURL(/view=raw/);
  });

  test("a desired change is applied by the simulated agent and its row turns in sync", async ({ page }) => {
    test.setTimeout(180_000);
    // Online agents with nothing pending. Most agents apply a change within seconds; a few
    // are slow or refuse on purpose, so up to three are tried.
    const candidates = (await search("connectivity.connected:true AND shadow.hasDelta:false AND thingTypeName:*", 20)).slice(0, 3);
    expect(candidates.length, "online agents without drift in the fleet").toBeGreaterThan(0);
    const marker = unique("m");
    let applied: string | null = null;
    for (const thing of candidates) {
      try {
        const before = await readShadow(thing);
        await openShadows(page, thing);
        await typeDesired(page, { ...(before.state.desired ?? {}), e2e: { marker } });
        await expect(page.getByRole("list", { name: "Changes to send" })).toContainText("e2e.marker");
        await page.getByRole("button", { name: "Send 1 change" }).click();
        await expect(page.getByTestId("update-flash")).toContainText(/Desired state updated \(version \d+\)\. Set e2e\.marker\./);
        const r = row(page, "e2e.marker");
        // Pending first (unless the agent was quicker than the refresh), then in sync.
        await expect(r).toHaveAttribute("data-status", /pending|in_sync/);
        if ((await r.getAttribute("data-status")) === "pending") await expect(r).toContainText(AGE);
        if (applied === null) await shot(page, "applied-pending");
        await expect(r).toHaveAttribute("data-status", "in_sync", { timeout: 30_000 });
        await expect(r.getByText("In sync")).toBeVisible();
        await expect(page.getByTestId("update-flash")).toContainText("The device has reported the new value: in sync");
        applied = thing;
        break;
      } catch (err) {
        const why = `${thing}: ${String(err).slice(0, 300)}`;
        test.info().annotations.push({ type: "agent did not apply", description: why });
        console.log(`[shadows.spec] trying another agent; ${why}`);
      } finally {
        await writeShadow(thing, { state: { desired: { e2e: null } } }).catch(() => undefined);
      }
    }
    expect(applied, "one of the agents applied the change and reported it").not.toBeNull();
    await shot(page, "applied-in-sync");
  });

  test("a conflict from a second page is shown and resolved by re-applying the edit", async ({ page, context }) => {
    const thing = await ownThing("e2e-conflict", {
      desired: { policy: { mode: "prevent" }, logLevel: "info" },
      reported: { policy: { mode: "prevent" }, logLevel: "info" },
    });
    await openShadows(page, thing);
    await expect(page.getByTestId("shadow-version")).toHaveText("1");
    await typeDesired(page, { policy: { mode: "prevent" }, logLevel: "debug" });
    await expect(page.getByRole("list", { name: "Changes to send" })).toContainText("logLevel");

    // Meanwhile, someone else changes policy.mode from another page.
    const other = await context.newPage();
    await openShadows(other, thing);
    await typeDesired(other, { policy: { mode: "detect" }, logLevel: "info" });
    await other.getByRole("button", { name: "Send 1 change" }).click();
    await expect(other.getByTestId("update-flash")).toContainText("version 2");
    await other.close();

    await page.getByRole("button", { name: "Send 1 change" }).click();
    const conflict = page.getByTestId("conflict");
    await expect(conflict).toBeVisible();
    await expect(conflict).toContainText("Not sent");
    await expect(conflict.getByRole("list", { name: "What changed in between" })).toContainText("policy.mode");
    await expect(conflict.getByRole("list", { name: "What changed in between" })).toContainText('"detect"');
    await expect(conflict.getByRole("list", { name: "Your changes" })).toContainText("logLevel");
    expect((await readShadow(thing)).state.desired).toEqual({ policy: { mode: "detect" }, logLevel: "info" });
    await shot(page, "conflict-light", page.getByTestId("edit-panel"));
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "conflict-dark", page.getByTestId("edit-panel"));
    await page.emulateMedia({ colorScheme: "light" });

    await conflict.getByRole("button", { name: "Re-apply my changes on version 2" }).click();
    await expect(conflict).toHaveCount(0);
    await expect(page.getByText("Your changes are re-applied on version 2")).toBeVisible();
    await expect(page.getByText("Your text as typed, before re-applying")).toBeVisible();
    await expect(page.getByRole("list", { name: "Changes to send" })).toContainText("logLevel");
    await page.getByRole("button", { name: "Send 1 change" }).click();
    await expect(page.getByTestId("update-flash")).toContainText("version 3");
    expect((await readShadow(thing)).state.desired).toEqual({ policy: { mode: "detect" }, logLevel: "debug" });
    await expect(row(page, "logLevel")).toHaveAttribute("data-status", "pending");
  });

  test("an edit that breaks AWS's limits is explained before anything is sent; Remove sends null", async ({ page }) => {
    const thing = await ownThing("e2e-limits", { desired: { policy: { mode: "prevent", scan: 60 } }, reported: { policy: { mode: "prevent" } } });
    await openShadows(page, thing);
    await typeDesired(page, { policy: { mode: "prevent", scan: 60 }, list: [1, null] });
    await expect(page.getByTestId("edit-error")).toContainText("list[1]: arrays may not contain null");
    await expect(page.getByRole("button", { name: /^Send/ })).toBeDisabled();
    await typeDesired(page, { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } });
    await expect(page.getByTestId("edit-error")).toContainText("Nested too deeply");
    await typeDesired(page, { policy: { mode: "prevent", scan: 60 }, blob: "x".repeat(8200) });
    await expect(page.getByTestId("edit-error")).toContainText("Too large");
    await expect(page.getByRole("button", { name: /^Send/ })).toBeDisabled();
    await typeDesired(page, { policy: { mode: "prevent", scan: 60 } });
    await expect(page.getByTestId("edit-error")).toHaveCount(0);

    // "Remove" on a row marks the key null in the editor; sending removes it.
    await page.getByRole("button", { name: "Remove policy.scan from desired" }).click();
    await expect(page.getByRole("list", { name: "Changes to send" })).toContainText("policy.scan");
    await page.getByRole("button", { name: "Send 1 change" }).click();
    await expect(page.getByTestId("update-flash")).toContainText("version 2");
    expect((await readShadow(thing)).state.desired).toEqual({ policy: { mode: "prevent" } });
    await expect(row(page, "policy.scan")).toHaveCount(0);
  });

  test("a thing without shadows says so, and a missing named shadow too", async ({ page }) => {
    const thing = await ownThing("e2e-empty");
    await openShadows(page, thing);
    await expect(page.getByTestId("no-shadow")).toContainText("This thing has no classic shadow yet");
    await expect(tab(page)).toContainText("no named shadows");
    await expect(page.getByRole("button", { name: "Set desired state…" })).toBeVisible();
    await shot(page, "empty");

    await openShadows(page, thing, "config");
    await expect(page.getByTestId("no-shadow")).toContainText("no shadow named “config”");
    await page.getByRole("button", { name: "Open the classic shadow" }).click();
    await expect(page.getByRole("group", { name: "Shadow" }).getByRole("button", { name: "Classic" })).toHaveAttribute("aria-pressed", "true");
  });

  test("opens a named shadow from a link (as the drift page links here)", async ({ page }) => {
    const thing = await ownThing("e2e-named");
    await writeShadow(thing, { state: { desired: { logLevel: "info" }, reported: { logLevel: "debug" } } }, "config");
    await openShadows(page, thing, "config");
    await expect(page.getByRole("group", { name: "Shadow" }).getByRole("button", { name: "config" })).toHaveAttribute("aria-pressed", "true");
    await expect(row(page, "logLevel")).toHaveAttribute("data-status", "pending");
    await expect(row(page, "logLevel")).toContainText(AGE);
  });

  test("keys named __proto__, constructor and prototype are shown like any other, also after a refresh", async ({ page }) => {
    // Parsed from text: in an object literal `__proto__` would set the prototype, not a key.
    const state = JSON.parse('{"desired":{"__proto__":{"mode":"prevent"},"constructor":1},"reported":{"__proto__":{"mode":"detect"},"prototype":{"z":0}}}');
    const thing = await ownThing("e2e-proto", state);
    // First the view the page was rendered with, alone: the tab's own reads are cut off.
    const reads = "**/api/things/*/shadows*";
    await page.route(reads, (route) => route.abort());
    await openShadows(page, thing);
    const proto = row(page, "__proto__.mode");
    await expect(proto).toHaveAttribute("data-status", "pending");
    await expect(proto).toContainText('"prevent"');
    await expect(proto).toContainText('"detect"');
    await expect(row(page, "constructor")).toHaveAttribute("data-status", "pending");
    await expect(row(page, "prototype.z")).toHaveAttribute("data-status", "reported_only");
    await page.unroute(reads);

    // A refresh that changes keys beside it, in both sections, keeps it.
    await writeShadow(thing, { state: { desired: { constructor: 2 }, reported: { constructor: 2 } } });
    await page.getByRole("button", { name: "Refresh the shadow now" }).click();
    await expect(page.getByTestId("shadow-version")).toHaveText("2");
    await expect(row(page, "constructor")).toHaveAttribute("data-status", "in_sync");
    await expect(proto).toHaveAttribute("data-status", "pending");
    await expect(proto).toContainText('"prevent"');
    await expect(proto).toContainText('"detect"');
    await expect(row(page, "prototype.z")).toHaveAttribute("data-status", "reported_only");
    await page.getByRole("button", { name: "Raw JSON" }).click();
    await expect(page.getByTestId("raw-json")).toContainText('"__proto__"');
  });
});

test.describe("when AWS IoT throttles shadow reads", () => {
  test.use({ storageState: storageStatePath("viewer") });
  const faults = (body?: unknown) =>
    fetch(`${EMULATOR_URL}/_emulator/faults`, { method: body ? "POST" : "DELETE", body: body ? JSON.stringify(body) : undefined });
  test.afterEach(async () => {
    await faults();
  });

  test("the tab says so in place, keeps what it read, and recovers", async ({ page }) => {
    const thing = await ownThing("e2e-throttled", { desired: { a: 1 }, reported: { a: 1 } });
    await openShadows(page, thing);
    await expect(row(page, "a")).toHaveAttribute("data-status", "in_sync");

    // Only this thing's shadow reads fail: the fleet's agents are not disturbed.
    const fault = await faults({ service: "iotdata", code: "ThrottlingException", method: "GET", pathPrefix: `/things/${thing}/shadow`, remaining: 1000 });
    expect(fault.status).toBe(201);
    await expect(page.getByRole("alert").filter({ hasText: "Could not refresh" })).toContainText("rate-limiting", { timeout: 20_000 });
    await expect(row(page, "a")).toBeVisible();

    // Opened afresh while throttled: an error in place, with Retry.
    const other = await page.context().newPage();
    await openShadows(other, thing);
    await expect(other.getByRole("alert").filter({ hasText: "Could not read the classic shadow" })).toContainText("rate-limiting");
    await shot(other, "throttled");
    await faults();
    await other.getByRole("button", { name: "Retry" }).click();
    await expect(row(other, "a")).toBeVisible();
    await other.close();

    await page.getByRole("button", { name: "Refresh the shadow now" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Could not refresh" })).toHaveCount(0);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStatePath("viewer") });

  test("sees the comparison but no edit controls", async ({ page }) => {
    const thing = await ownThing("e2e-viewer", { desired: { policy: { mode: "prevent" } }, reported: { policy: { mode: "detect" } } });
    await openShadows(page, thing);
    await expect(row(page, "policy.mode")).toHaveAttribute("data-status", "pending");
    await expect(tab(page)).toContainText("Read-only for your role (viewer)");
    await expect(page.getByRole("button", { name: /Edit desired state|Remove|Set desired state/ })).toHaveCount(0);
    await expect(page.getByTestId("desired-editor")).toHaveCount(0);
  });
});

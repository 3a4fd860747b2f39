import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CancelJobCommand, CreateJobCommand, DescribeJobCommand, DescribeThingCommand, IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import { expect, test, type Page } from "@playwright/test";
import { storageStatePath } from "./accounts";
import { EMULATOR_URL } from "./stack";

/**
 * The Jobs pages against the emulator's Jobs engine and the simulated agents, which run
 * jobs over MQTT (docs/agent-jobs.md). Jobs are created here with the AWS SDK: a `reboot`
 * to three online agents is watched to completion on the job page (live counts, without
 * a reload), found in the list through filters kept in the URL, and on a thing's Jobs
 * tab; a slow rollout (one thing a minute) is shown to a viewer without any control, then
 * canceled by a responder with a reason, which the job and the audit trail keep.
 *
 * JOBS_SHOTS_DIR=<dir> also saves screenshots of the list and a job (light and dark).
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const iot = new IoTClient({ endpoint: EMULATOR_URL, region: "us-east-1", credentials: { accessKeyId: "e2e", secretAccessKey: "e2e" }, maxAttempts: 2 });

const SHOTS = process.env.JOBS_SHOTS_DIR;
async function shots(page: Page, name: string, ready: () => Promise<void>) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.reload();
    await ready();
    await page.screenshot({ path: join(SHOTS, `jobs-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const run = Date.now().toString(36);
const REBOOT_JOB = `e2e-reboot-${run}`;
const SLOW_JOB = `e2e-slow-${run}`;
let rebootThings: string[] = [];

/** Online agents of the simulated fleet, from the end of the list (other specs take theirs from the start). */
async function onlineThings(count: number, skip: number): Promise<string[]> {
  const out = await iot.send(
    new SearchIndexCommand({ indexName: "AWS_Things", queryString: "connectivity.connected:true AND thingTypeName:*", maxResults: 100 }),
  );
  const names = (out.things ?? []).map((t) => t.thingName!).filter(Boolean);
  expect(names.length, "online agents in the simulated fleet").toBeGreaterThanOrEqual(skip + count);
  return names.slice(names.length - skip - count, names.length - skip);
}

async function createJob(jobId: string, things: string[], extra: { maximumPerMinute?: number } = {}) {
  const targets = await Promise.all(things.map(async (thingName) => (await iot.send(new DescribeThingCommand({ thingName }))).thingArn!));
  await iot.send(
    new CreateJobCommand({
      jobId,
      targets,
      targetSelection: "SNAPSHOT",
      document: JSON.stringify({ operation: "reboot" }),
      description: `e2e ${jobId}`,
      ...(extra.maximumPerMinute ? { jobExecutionsRolloutConfig: { maximumPerMinute: extra.maximumPerMinute } } : {}),
    }),
  );
}

const count = (page: Page, status: string) => page.locator(`[data-count="${status}"] dd`);
const jobStatus = (page: Page) => page.getByTestId("job-status");
/** The executions' status filter (its accessible name also carries the chosen option). */
const execFilter = (page: Page) => page.getByRole("region", { name: "Executions" }).getByLabel("Status");
const listFilter = (page: Page, label: string) => page.getByRole("search", { name: "Filter jobs" }).getByLabel(label);
const listRow = (page: Page, jobId: string) => page.getByRole("table", { name: "Jobs" }).locator(`tr[data-job-id="${jobId}"]`);

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  rebootThings = await onlineThings(3, 0);
  await createJob(REBOOT_JOB, rebootThings);
  // The slow one: the first thing is notified at once, the next a minute later, so it is still running when canceled.
  await createJob(SLOW_JOB, await onlineThings(4, 10), { maximumPerMinute: 1 });
});

test.afterAll(async () => {
  // Leave no rollout rebooting agents under the specs that follow.
  await iot.send(new CancelJobCommand({ jobId: SLOW_JOB, force: true })).catch(() => undefined);
  iot.destroy();
});

test.describe("as a responder", () => {
  test.use({ storageState: storageStatePath("responder"), actionTimeout: 15_000 });

  test("a reboot job's live counts reach completion; its document, executions and chart; the thing's Jobs tab", async ({ page }) => {
    test.setTimeout(150_000);
    await page.goto(`/jobs/${REBOOT_JOB}`);
    await expect(page.getByRole("heading", { name: REBOOT_JOB, level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Jobs" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("job-document")).toContainText('"operation": "reboot"');
    // The agents disconnect, come back and report SUCCEEDED: the page follows without a reload.
    await expect(count(page, "SUCCEEDED")).toHaveText("3", { timeout: 90_000 });
    await expect(jobStatus(page)).toHaveText("Completed");
    await expect(page.getByTestId("notified")).toHaveText("3");
    await expect(page.getByTestId("eta")).toContainText("the rollout has ended");

    const executions = page.getByRole("table", { name: "Executions" });
    for (const thing of rebootThings) {
      const row = executions.locator(`tr[data-thing="${thing}"]`);
      await expect(row).toContainText("Succeeded");
      await expect(row).toContainText("done"); // statusDetails {step: done}
    }
    await expect(page.getByTestId("chart-source")).toContainText("Built from all 3 executions");
    // The status filter is in the URL, and a reload keeps it.
    await execFilter(page).selectOption("FAILED");
    await expect(page).toHaveURL(/[?&]exec=FAILED/);
    await expect(page.getByText("No failed executions")).toBeVisible();
    await page.reload();
    await expect(execFilter(page)).toHaveValue("FAILED");
    await execFilter(page).selectOption("");
    await expect(executions.locator("tr[data-thing]")).toHaveCount(3);
    await shots(page, "detail", () => expect(executions.locator(`tr[data-thing="${rebootThings[0]}"]`)).toContainText("done"));

    // The thing's Jobs tab: its execution of the job, with its details, linked to the job.
    await page.goto(`/things/${rebootThings[0]}?tab=jobs`);
    await expect(page.getByRole("navigation", { name: "Thing views" }).getByRole("link", { name: "Jobs" })).toHaveAttribute("aria-current", "page");
    const line = page.getByTestId("thing-jobs-tab").locator(`tr[data-job-id="${REBOOT_JOB}"]`);
    await expect(line).toContainText("Succeeded");
    await expect(line).toContainText("done");
    await shots(page, "thing-tab", () => expect(line).toContainText("done"));
    await line.getByRole("link", { name: REBOOT_JOB }).click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${REBOOT_JOB}$`));
  });

  test("the list shows each job's progress, filtered through the URL", async ({ page }) => {
    await page.goto("/jobs");
    await expect(page.getByRole("heading", { name: "Jobs", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "New rollout" })).toBeVisible();
    const done = listRow(page, REBOOT_JOB);
    await expect(done).toContainText("Completed");
    await expect(done).toContainText("3 of 3 succeeded");
    await expect(done.getByRole("img", { name: "3 succeeded" })).toBeVisible();
    await expect(listRow(page, SLOW_JOB)).toContainText("In progress");
    // One thing a minute: most of its four targets are still to be notified.
    await expect(listRow(page, SLOW_JOB).getByRole("img", { name: /not yet notified/ })).toBeVisible();

    await listFilter(page, "Status").selectOption("COMPLETED");
    await expect(page).toHaveURL(/[?&]status=COMPLETED/);
    await expect(listRow(page, SLOW_JOB)).toHaveCount(0);
    await expect(done).toBeVisible();
    // A shared link opens the same list.
    await page.goto("/jobs?status=IN_PROGRESS&selection=SNAPSHOT");
    await expect(listFilter(page, "Status")).toHaveValue("IN_PROGRESS");
    await expect(listFilter(page, "Targets")).toHaveValue("SNAPSHOT");
    await expect(listRow(page, SLOW_JOB)).toBeVisible();
    await expect(listRow(page, REBOOT_JOB)).toHaveCount(0);
    // A value AWS would refuse is explained, and nothing is sent.
    await page.goto("/jobs?status=RUNNING");
    await expect(page.getByRole("alert").filter({ hasText: "These filters can’t be used" })).toContainText("status: One of");
    await page.goto("/jobs");
    await shots(page, "list", () => expect(listRow(page, REBOOT_JOB)).toBeVisible());
  });
});

test("a viewer sees a running job without any control", async ({ page }) => {
  await page.goto(`/jobs/${SLOW_JOB}`);
  await expect(jobStatus(page)).toHaveText("In progress");
  await expect(page.getByRole("table", { name: "Executions" }).locator("tr[data-thing]").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Cancel/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Retry the failed/ })).toHaveCount(0);
  await page.goto("/jobs");
  await expect(listRow(page, SLOW_JOB)).toBeVisible();
  await expect(page.getByRole("link", { name: "New rollout" })).toHaveCount(0);
});

test.describe("as a responder, again", () => {
  test.use({ storageState: storageStatePath("responder"), actionTimeout: 15_000 });

  test("a responder cancels a running rollout with a reason; the job and the audit trail keep it", async ({ page, browser }) => {
    await page.goto(`/jobs/${SLOW_JOB}`);
    await expect(jobStatus(page)).toHaveText("In progress");
    await page.getByRole("button", { name: "Cancel job…" }).click();
    const dialog = page.getByRole("dialog", { name: `Cancel job ${SLOW_JOB}` });
    // The reason is required.
    await dialog.getByRole("button", { name: "Cancel job", exact: true }).click();
    await expect(dialog).toContainText("Say why the job is canceled");
    await dialog.getByLabel(/^Why/).fill("e2e: stopping the rollout mid-way");
    await dialog.getByLabel(/^Reason code/).fill("e2e_stop");
    await dialog.getByRole("button", { name: "Cancel job", exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(jobStatus(page)).toHaveText("Canceled");
    await expect(page.getByRole("status").filter({ hasText: "E2E_STOP" })).toContainText("e2e: stopping the rollout mid-way");
    await expect(page.getByRole("button", { name: "Cancel job…" })).toHaveCount(0);

    // What AWS holds: canceled, with the reason, before every target was notified.
    const { job } = await iot.send(new DescribeJobCommand({ jobId: SLOW_JOB }));
    expect(job?.status).toBe("CANCELED");
    expect(job?.reasonCode).toBe("E2E_STOP");
    expect(job?.comment).toBe("e2e: stopping the rollout mid-way");
    const notified = Object.values(job?.jobProcessDetails ?? {}).reduce<number>((n, v) => n + (typeof v === "number" ? v : 0), 0);
    expect(notified, "things notified before the cancel").toBeLessThan(4);

    // The audit trail names the responder, the reason and AWS's request id.
    const admin = await browser.newContext({ storageState: storageStatePath("admin") });
    try {
      const audit = await admin.newPage();
      await audit.goto(`/admin/audit?action=jobs.cancel&target=${SLOW_JOB}`);
      const record = audit.getByRole("table", { name: "Audit records" }).locator("tbody tr").first();
      await expect(record).toContainText("e2e-responder");
      await expect(record).toContainText("success");
      await expect(record).toContainText("E2E_STOP");
      await expect(record.locator("td").last()).not.toHaveText("—");
    } finally {
      await admin.close();
    }
  });
});

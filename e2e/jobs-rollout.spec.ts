import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AddThingToThingGroupCommand, CreateThingGroupCommand, DescribeJobCommand, IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import { expect, test, type Page } from "@playwright/test";
import { storageStatePath } from "./accounts";
import { EMULATOR_URL } from "./stack";

/**
 * The new-rollout wizard against the emulator and the simulated fleet, signed in as an
 * admin: an agent update uploaded from the browser (its SHA-256 checked against one
 * computed here), rolled out to a static group of this spec's own with an exponential
 * ramp, previewed (blast radius, the exact CreateJob request), created and watched to
 * completion; then a bad build (a version ending in `-bad`: most agents fail its health
 * check, docs/agent-jobs.md) stopped by its abort criteria. Few things each, picked from
 * the online part of the fleet. A viewer is told the wizard is not for them.
 *
 * JOBS_SHOTS_DIR=<dir> also saves a screenshot of each step (light and dark).
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const iot = new IoTClient({ endpoint: EMULATOR_URL, region: "us-east-1", credentials: { accessKeyId: "e2e", secretAccessKey: "e2e" }, maxAttempts: 2 });
test.afterAll(() => iot.destroy());

const SHOTS = process.env.JOBS_SHOTS_DIR;
async function shots(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SHOTS, `wizard-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
/** Online things of the simulated fleet no other part of this spec took. */
const taken = new Set<string>();
async function onlineThings(n: number): Promise<string[]> {
  const out = await iot.send(new SearchIndexCommand({ indexName: "AWS_Things", queryString: "connectivity.connected:true", maxResults: 100 }));
  const names = (out.things ?? []).map((t) => t.thingName!).filter((t) => t && !taken.has(t));
  expect(names.length).toBeGreaterThanOrEqual(n);
  const chosen = names.slice(0, n);
  chosen.forEach((t) => taken.add(t));
  return chosen;
}
async function staticGroupOf(things: string[]): Promise<string> {
  const group = unique("e2e-rollout");
  await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
  for (const thingName of things) await iot.send(new AddThingToThingGroupCommand({ thingGroupName: group, thingName }));
  // The blast radius reads the fleet index: wait until it knows the members.
  await expect
    .poll(async () => (await iot.send(new SearchIndexCommand({ indexName: "AWS_Things", queryString: `thingGroupNames:${group}` }))).things?.length ?? 0)
    .toBe(things.length);
  return group;
}

const step = (page: Page, title: string) => expect(page.getByRole("heading", { level: 2, name: new RegExp(`Step \\d of 5: ${title}`) })).toBeVisible();
const next = (page: Page) => page.getByRole("button", { name: /^Next:/ }).click();

interface Build {
  jobId: string;
  group: string;
  version: string;
  artifact: Buffer;
  rate: (page: Page) => Promise<void>;
  abort: { failureType: string; threshold: string; min: string };
  thingCount: number;
  shots?: boolean;
}

/** Walks the wizard from an empty draft to the review step; returns the CreateJob request it shows. */
async function buildRollout(page: Page, b: Build): Promise<Record<string, unknown>> {
  await page.goto("/jobs/new");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await step(page, "Targets");

  // An invalid id is refused with its message before going on.
  await page.getByLabel("Job id").fill("bad id!");
  await next(page);
  await expect(page.getByTestId("step-errors")).toContainText("The job id is 1 to 64 letters");
  await page.getByLabel("Job id").fill(b.jobId);
  if (b.shots) {
    await page.getByLabel("Find a group").fill(b.group);
    await page.getByRole("checkbox", { name: new RegExp(b.group) }).check();
  } else {
    // A group made moments ago may not be in the (cached) list yet: it can be added by name.
    await page.getByLabel("Or add by name").fill(b.group);
    await page.getByRole("button", { name: "Add", exact: true }).click();
  }
  await expect(page.getByRole("button", { name: `Remove ${b.group}` })).toBeVisible();
  if (b.shots) {
    // What was typed survives a reload (the draft in this browser).
    await expect.poll(() => page.evaluate(() => Object.values(localStorage).join("\n"))).toContain(b.group);
    await page.reload();
    await expect(page.getByLabel("Job id")).toHaveValue(b.jobId);
    await expect(page.getByRole("button", { name: `Remove ${b.group}` })).toBeVisible();
    await shots(page, "1-targets");
  }
  await next(page);

  await step(page, "Document");
  if (b.shots) {
    // The editor checks as it is typed: broken JSON is named before anything is sent.
    await page.getByTestId("document-editor").getByRole("textbox").fill('{"operation": ');
    await expect(page.getByTestId("document-issues")).toContainText("The document is not valid JSON");
  }
  await page.getByRole("button", { name: /Agent update/ }).click();
  await page.getByLabel("Version to install").fill(b.version);
  await page
    .getByTestId("artifact-uploader")
    .locator('input[type="file"]')
    .setInputFiles({ name: "agent.pkg", mimeType: "application/octet-stream", buffer: b.artifact });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  // The digest the browser computed is the file's.
  await expect(page.getByTestId("artifact-sha256")).toHaveText(createHash("sha256").update(b.artifact).digest("hex"));
  await expect(page.getByRole("progressbar", { name: "Upload" })).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("document-issues")).toContainText("Valid JSON");
  if (b.shots) await shots(page, "2-document");
  await next(page);

  await step(page, "Rollout");
  await b.rate(page);
  await page.getByLabel("Threshold (%)").fill(b.abort.threshold);
  await page.getByLabel("After at least (things)").fill(b.abort.min);
  await page.getByLabel("When executions are").selectOption(b.abort.failureType);
  await expect(page.getByTestId("rollout-eta")).toContainText(`All ${b.thingCount} things are notified in`);
  if (b.shots) await shots(page, "3-rollout");
  await next(page);

  await step(page, "Blast radius");
  await expect(page.getByTestId("blast-total")).toHaveText(String(b.thingCount));
  await expect(page.getByTestId("blast-groups")).toContainText(b.group);
  await expect(page.getByTestId("blast-connectivity")).toContainText("Online now");
  if (b.shots) await shots(page, "4-blast");
  await next(page);

  await step(page, "Review and create");
  const pre = page.getByTestId("create-job-request");
  await expect(pre).toContainText(b.jobId);
  if (b.shots) await shots(page, "5-review");
  return JSON.parse((await pre.textContent()) ?? "{}") as Record<string, unknown>;
}

async function jobStatus(jobId: string) {
  const { job } = await iot.send(new DescribeJobCommand({ jobId }));
  return { status: job?.status, details: job?.jobProcessDetails, comment: job?.comment };
}

test.describe("new rollout wizard", () => {
  test.use({ storageState: storageStatePath("admin"), actionTimeout: 15_000 });

  test("an agent update to a static group with an exponential ramp, watched to completion", async ({ page }) => {
    test.setTimeout(240_000);
    const things = await onlineThings(4);
    const group = await staticGroupOf(things);
    const jobId = unique("e2e-update");
    const version = `7.4.${Date.now() % 1000}`;
    const artifact = randomBytes(48 * 1024);
    const request = await buildRollout(page, {
      jobId,
      group,
      version,
      artifact,
      thingCount: 4,
      shots: true,
      abort: { failureType: "FAILED", threshold: "50", min: "4" },
      rate: async (p) => {
        await p.getByRole("radio", { name: "Exponential ramp" }).check();
        await p.getByLabel("Start at (a minute)").fill("10");
        await p.getByLabel("Multiply by").fill("2");
        await p.getByLabel("Every", { exact: true }).fill("2");
        await expect(p.getByTestId("ramp-chart")).toBeVisible();
        // A retry for the fleet's small share of simulated download/install failures.
        await p.getByRole("group", { name: "Retry criteria" }).getByRole("button", { name: "Add" }).click();
      },
    });

    // The request shown is AWS's CreateJob input: the group's ARN, the ramp, the presigned placeholder and the digest.
    expect(request.jobId).toBe(jobId);
    expect(request.targets).toEqual([expect.stringMatching(new RegExp(`:thinggroup/${group}$`))]);
    expect(request.jobExecutionsRolloutConfig).toEqual({
      exponentialRate: { baseRatePerMinute: 10, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 2 } },
    });
    expect(request.abortConfig).toEqual({ criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 50, minNumberOfExecutedThings: 4 }] });
    expect(request.presignedUrlConfig).toMatchObject({ expiresInSec: 3600 });
    const doc = JSON.parse(String(request.document)) as Record<string, unknown>;
    expect(doc).toMatchObject({ operation: "agent-update", version, sha256: createHash("sha256").update(artifact).digest("hex"), size: artifact.length });
    expect(String(doc.url)).toMatch(/^\$\{aws:iot:s3-presigned-url:https:\/\/s3\.us-east-1\.amazonaws\.com\/[a-z0-9.-]+\/artifacts\/.+\}$/);

    await page.getByRole("button", { name: "Create job" }).click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
    await expect.poll(async () => (await jobStatus(jobId)).status, { timeout: 180_000, intervals: [2000] }).toBe("COMPLETED");
    expect((await jobStatus(jobId)).details?.numberOfSucceededThings).toBe(4);
    await expect(page.getByTestId("job-status")).toContainText(/complet/i, { timeout: 30_000 });

    // Audited with AWS's request id.
    const audit = await (await page.request.get(`/api/audit/export?action=jobs.create&target=${jobId}`)).text();
    expect(audit).toMatch(new RegExp(`"jobs\\.create","${jobId}","success","","[0-9a-f-]{8,}"`));

    // The draft is gone once the job exists: a new wizard starts empty.
    await page.goto("/jobs/new");
    await expect(page.getByLabel("Job id")).toHaveValue("");
  });

  test("a bad build is stopped by its abort criteria", async ({ page }) => {
    test.setTimeout(240_000);
    const things = await onlineThings(10);
    const group = await staticGroupOf(things);
    const jobId = unique("e2e-bad");
    const request = await buildRollout(page, {
      jobId,
      group,
      version: `7.5.${Date.now() % 1000}-bad`,
      artifact: randomBytes(16 * 1024),
      thingCount: 10,
      abort: { failureType: "FAILED", threshold: "50", min: "5" },
      rate: async (p) => {
        await p.getByRole("radio", { name: "Fixed rate" }).check();
        await p.getByLabel("Things notified a minute").fill("6");
      },
    });
    expect(request.abortConfig).toEqual({ criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 50, minNumberOfExecutedThings: 5 }] });
    await page.getByRole("button", { name: "Create job" }).click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
    await expect.poll(async () => (await jobStatus(jobId)).status, { timeout: 180_000, intervals: [2000] }).toBe("CANCELED");
    const final = await jobStatus(jobId);
    // Canceled by its criteria (nobody else cancels it): half or more of the first five failed, and the rollout stopped before the last things ran.
    const d = final.details!;
    expect(d.numberOfFailedThings ?? 0).toBeGreaterThanOrEqual(3);
    const ran = (d.numberOfSucceededThings ?? 0) + (d.numberOfFailedThings ?? 0) + (d.numberOfRejectedThings ?? 0) + (d.numberOfTimedOutThings ?? 0);
    expect(ran).toBeLessThan(10);
    expect(final.comment).toMatch(/abort/i);
    await expect(page.getByTestId("job-status")).toContainText(/cancel/i, { timeout: 30_000 });
  });
});

test("a viewer is told the wizard needs another role", async ({ page }) => {
  await page.goto("/jobs/new");
  await expect(page.getByTestId("rollout-not-allowed")).toContainText("Your role does not allow creating rollouts");
  await expect(page.getByRole("button", { name: /^Next:/ })).toHaveCount(0);
});

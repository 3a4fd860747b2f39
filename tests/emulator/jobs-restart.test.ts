import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateJobCommand, CreateThingCommand, DescribeJobCommand, IoTClient, ListJobExecutionsForJobCommand } from "@aws-sdk/client-iot";
import { inBatches, startHarness, type Harness } from "./harness";

/**
 * A paced rollout across an emulator restart on the same data directory: the executions
 * released before the stop are all there, none is created twice, and the rollout goes on
 * from its cursor. (The AWS CLI is driven in jobs-cli.test.ts.)
 */
const dataDir = mkdtempSync(join(tmpdir(), "emu-jobs-"));
let h: Harness<IoTClient> | undefined;
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const names = Array.from({ length: 50 }, (_, i) => `r${String(i).padStart(2, "0")}`);
const advance = (advanceSeconds: number) => fetch(`${h!.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds }) });

async function executions(): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await h!.iot.send(new ListJobExecutionsForJobCommand({ jobId: "paced", maxResults: 250, nextToken }));
    out.push(...page.executionSummaries!.map((s) => `${s.thingArn!.split("/")[1]}#${s.jobExecutionSummary!.executionNumber}`));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

describe("restart", () => {
  it("resumes a paced rollout with no duplicate and no lost execution", async () => {
    h = await startHarness(IoTClient, { dataDir });
    await inBatches(names, 10, (t) => h!.iot.send(new CreateThingCommand({ thingName: t })));
    await h.iot.send(
      new CreateJobCommand({
        jobId: "paced",
        targets: names.map((n) => `arn:aws:iot:us-east-1:000000000000:thing/${n}`),
        document: "{}",
        jobExecutionsRolloutConfig: { maximumPerMinute: 10 },
      }),
    );
    await advance(60);
    await new Promise((r) => setTimeout(r, 50));
    const before = await executions();
    // 1 at once, then one every 6 s for a minute.
    expect(before.length).toBe(11);
    await h.stop();

    h = await startHarness(IoTClient, { dataDir });
    const after = await executions();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeLessThanOrEqual(before.length + 1);
    await advance(60);
    await new Promise((r) => setTimeout(r, 50));
    const later = await executions();
    expect(new Set(later).size).toBe(later.length);
    expect(later.every((e) => e.endsWith("#1"))).toBe(true);
    expect(later.length).toBeGreaterThanOrEqual(before.length + 10);
    expect(later.length).toBeLessThanOrEqual(before.length + 11);
    const { job } = await h.iot.send(new DescribeJobCommand({ jobId: "paced" }));
    expect(job!.jobProcessDetails!.numberOfQueuedThings).toBe(later.length);
  });
});

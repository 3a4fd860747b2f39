import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import {
  CancelJobCommand,
  CreateJobCommand,
  CreateThingCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeThingCommand,
  IoTClient,
  type JobExecution,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { startHarness, type Harness } from "../tests/emulator/harness";
import { runAgents, type RunningAgents } from "./agents";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./agent-jobs-ops";
import { download } from "./agent-jobs-download";
import type { ShadowSettings } from "./agent-shadow";

/**
 * Simulated agents against the real emulator: jobs made with CreateJob (the AWS SDK),
 * the artifact in the emulator's S3 behind a presigned-URL placeholder, and the agents
 * talking the Jobs MQTT topics over a real broker connection. Results are read back
 * through DescribeJobExecution, DescribeJob and GetThingShadow.
 */

const REGION = "us-east-1";
const ROLE = "arn:aws:iam::000000000000:role/jobs-presign";
const shadows: ShadowSettings = { applyDelayMs: 0, lagDelayMs: 0, lagPercent: 0, failPercent: 0, ignorePercent: 0, healthIntervalMs: 0 };
const quiet: JobSettings = {
  ...DEFAULT_JOB_SETTINGS,
  downloadFailPercent: 0,
  installFailPercent: 0,
  hangPercent: 0,
  installMs: 50,
  restartMs: 300,
  rebootMs: 300,
};
const ARTIFACT = randomBytes(3 * 1024 * 1024 + 17);
const ARTIFACT_SHA = createHash("sha256").update(ARTIFACT).digest("hex");

let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
let s3: S3Client;
const running: RunningAgents[] = [];
let nextIndex = 0;

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  s3 = new S3Client({ ...h.clientConfig, forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
  await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0.pkg", Body: ARTIFACT }));
}, 30_000);
afterAll(async () => {
  for (const a of running) await a.stop();
  data?.destroy();
  s3?.destroy();
  await h?.stop();
});

/** Registers things with an agent installed at 7.2.0 (registry attribute and shadow). */
async function things(prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (const name of names) {
    await h.iot.send(new CreateThingCommand({ thingName: name, attributePayload: { attributes: { agentVersion: "7.2.0" } } }));
    const state = { reported: { agent: { version: "7.2.0" }, blocklist: { version: 5, entries: 10 } } };
    await data.send(new UpdateThingShadowCommand({ thingName: name, payload: Buffer.from(JSON.stringify({ state })) }));
  }
  return names;
}

function agentsFor(names: string[], settings: JobSettings = quiet): RunningAgents {
  const a = runAgents({
    mqttUrl: h.emulator.mqttUrl,
    seed: 1,
    fleetSize: names.length,
    things: names.map((name) => ({ name, index: nextIndex++, connects: true })),
    churnPercent: 0,
    shadows,
    jobs: settings,
    statusEveryMs: 0,
    log: () => undefined,
  });
  running.push(a);
  return a;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const thingArn = (n: string) => `arn:aws:iot:${REGION}:000000000000:thing/${n}`;

async function execution(thingName: string, jobId: string): Promise<JobExecution> {
  const out = await h.iot.send(new DescribeJobExecutionCommand({ thingName, jobId }));
  return out.execution!;
}

/** Waits for a terminal status of the thing's execution. */
async function finished(thingName: string, jobId: string): Promise<JobExecution> {
  return until(`${thingName} finishes ${jobId}`, async () => {
    const e = await execution(thingName, jobId);
    return e.status && !["QUEUED", "IN_PROGRESS"].includes(e.status) ? e : undefined;
  });
}

async function reported(thingName: string): Promise<Record<string, unknown>> {
  const out = await data.send(new GetThingShadowCommand({ thingName }));
  return (JSON.parse(new TextDecoder().decode(out.payload)) as { state: { reported: Record<string, unknown> } }).state.reported;
}

async function createJob(jobId: string, targets: string[], document: unknown, extra: Record<string, unknown> = {}): Promise<void> {
  await h.iot.send(new CreateJobCommand({ jobId, targets: targets.map(thingArn), document: JSON.stringify(document), ...extra }));
}

const updateDoc = (version: string) => ({
  operation: "agent-update",
  version,
  url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/artifacts/agent/7.3.0.pkg}",
  sha256: ARTIFACT_SHA,
  size: ARTIFACT.length,
});

describe("simulated agents running jobs on the emulator", () => {
  it("roll out an agent update from S3: download by presigned URL, restart, new version in the shadow, SUCCEEDED", async () => {
    const names = await things("upd", 3);
    const agents = agentsFor(names);
    expect(await agents.allUp(20_000)).toBe(true);
    await createJob("update-7-3-0", names, updateDoc("7.3.0"), { presignedUrlConfig: { roleArn: ROLE, expiresInSec: 600 } });
    for (const name of names) {
      const e = await finished(name, "update-7-3-0");
      expect(e.status).toBe("SUCCEEDED");
      expect(e.statusDetails?.detailsMap).toEqual({ step: "done", version: "7.3.0" });
    }
    for (const name of names) {
      await until(`${name} reports 7.3.0`, async () => ((await reported(name)).agent as { version?: string })?.version === "7.3.0" || undefined);
      // The registry attribute is the operator's record; agents never write it (docs/agent-jobs.md).
      expect((await h.iot.send(new DescribeThingCommand({ thingName: name }))).attributes?.agentVersion).toBe("7.2.0");
    }
    expect(agents.status().jobs).toMatchObject({ succeeded: 3, failed: 0, rejected: 0 });
    const job = await until("the job completes", async () => {
      const j = (await h.iot.send(new DescribeJobCommand({ jobId: "update-7-3-0" }))).job!;
      return j.status === "COMPLETED" ? j : undefined;
    });
    expect(job.jobProcessDetails?.numberOfSucceededThings).toBe(3);
  });

  it("an agent offline when the job was made takes it when it connects", async () => {
    const [name] = await things("late", 1);
    await createJob("reboot-late", [name], { operation: "reboot" });
    expect((await execution(name, "reboot-late")).status).toBe("QUEUED");
    const agents = agentsFor([name]);
    const e = await finished(name, "reboot-late");
    expect(e.status).toBe("SUCCEEDED");
    expect(e.statusDetails?.detailsMap).toEqual({ step: "done" });
    expect(agents.status().jobs?.succeeded).toBe(1);
  });

  it("rejects an operation it does not know, and a blocklist with one bad entry, applying nothing; applies a good one", async () => {
    const [name] = await things("bl", 1);
    agentsFor([name]);
    await createJob("wipe", [name], { operation: "wipe-disk" });
    expect(await finished(name, "wipe")).toMatchObject({
      status: "REJECTED",
      statusDetails: { detailsMap: { reason: "UNKNOWN_OPERATION", message: 'the agent does not know the operation "wipe-disk"' } },
    });
    await createJob("bl-bad", [name], { operation: "blocklist-update", version: 6, entries: { domains: ["ok.example.com", "not a domain"] } });
    expect(await finished(name, "bl-bad")).toMatchObject({ status: "REJECTED", statusDetails: { detailsMap: { reason: "INVALID_ENTRY" } } });
    expect((await reported(name)).blocklist).toEqual({ version: 5, entries: 10 });

    // An entry with an invisible character: the rejection quotes it in a form the service takes (no \p{C}).
    await createJob("bl-invisible", [name], { operation: "blocklist-update", version: 6, entries: { domains: ["exa\u200bmple.com"] } });
    const invisible = await finished(name, "bl-invisible");
    expect(invisible).toMatchObject({ status: "REJECTED", statusDetails: { detailsMap: { reason: "INVALID_ENTRY" } } });
    expect(invisible.statusDetails?.detailsMap?.message).toContain('"exa\\u200bmple.com" is not a host name');

    await createJob("bl-good", [name], { operation: "blocklist-update", version: 6, entries: { domains: ["ok.example.com"], ips: ["192.0.2.0/24"] } });
    expect(await finished(name, "bl-good")).toMatchObject({ status: "SUCCEEDED", statusDetails: { detailsMap: { step: "done", version: "6", entries: "2" } } });
    await until("the shadow has blocklist 6", async () => {
      const b = (await reported(name)).blocklist as { version?: number; entries?: number };
      return b?.version === 6 && b.entries === 2 ? true : undefined;
    });

    // Desired state still names the older list: the agent does not go back to it. Once it
    // has applied a later desired change (the same delta carries both), the old version is
    // known to have been left pending.
    const desired = { desired: { blocklist: { version: 5 }, policy: { mode: "detect" } } };
    await data.send(new UpdateThingShadowCommand({ thingName: name, payload: Buffer.from(JSON.stringify({ state: desired })) }));
    await until("the agent applies the policy change", async () => ((await reported(name)).policy as { mode?: string })?.mode === "detect" || undefined);
    expect((await reported(name)).blocklist).toEqual({ version: 6, entries: 2 });
  });

  it("a bad build fails on the agents after the restart and they stay on the old version; abort criteria stop the job", async () => {
    const names = await things("bad", 4);
    agentsFor(names, { ...quiet, badBuildFailPercent: 100 });
    await createJob("update-bad", names, updateDoc("7.3.0-bad"), {
      presignedUrlConfig: { roleArn: ROLE, expiresInSec: 600 },
      abortConfig: { criteriaList: [{ failureType: "FAILED", action: "CANCEL", thresholdPercentage: 50, minNumberOfExecutedThings: 2 }] },
    });
    const job = await until("the job is canceled by its abort criteria", async () => {
      const j = (await h.iot.send(new DescribeJobCommand({ jobId: "update-bad" }))).job!;
      return j.status === "CANCELED" ? j : undefined;
    });
    expect(job.jobProcessDetails?.numberOfFailedThings).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      const e = await finished(name, "update-bad");
      expect(["FAILED", "CANCELED"]).toContain(e.status);
      if (e.status === "FAILED") {
        expect(e.statusDetails?.detailsMap).toMatchObject({ step: "starting", reason: "HEALTH_CHECK_FAILED", version: "7.2.0" });
      }
      expect(((await reported(name)).agent as { version?: string }).version).toBe("7.2.0");
    }
  });

  it("a hanging execution times out (in-progress timeout) and the agent moves on to the next job", async () => {
    const [name] = await things("tmo", 1);
    agentsFor([name], { ...quiet, hangPercent: 100 });
    await createJob("tmo-1", [name], { operation: "reboot" }, { timeoutConfig: { inProgressTimeoutInMinutes: 1 } });
    await until("the agent started it", async () => ((await execution(name, "tmo-1")).status === "IN_PROGRESS" ? true : undefined));
    await createJob("tmo-2", [name], { operation: "reboot" });
    const res = await fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: 180 }) });
    expect(res.status).toBe(200);
    expect((await finished(name, "tmo-1")).status).toBe("TIMED_OUT");
    await until("the agent took the next job", async () => {
      const e = await execution(name, "tmo-2");
      return e.status === "IN_PROGRESS" && e.statusDetails?.detailsMap?.step === "preparing" ? true : undefined;
    });
  });

  it("a hanging execution that times out and is retried: the agent lets go of the first and takes the retry", async () => {
    const [name] = await things("rty", 1);
    agentsFor([name], { ...quiet, hangPercent: 100 });
    await createJob(
      "rty-1",
      [name],
      { operation: "reboot" },
      {
        timeoutConfig: { inProgressTimeoutInMinutes: 1 },
        jobExecutionsRetryConfig: { criteriaList: [{ failureType: "TIMED_OUT", numberOfRetries: 1 }] },
      },
    );
    await until("the agent started it", async () => ((await execution(name, "rty-1")).status === "IN_PROGRESS" ? true : undefined));
    const res = await fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: 180 }) });
    expect(res.status).toBe(200);
    const first = await h.iot.send(new DescribeJobExecutionCommand({ thingName: name, jobId: "rty-1", executionNumber: 1 }));
    expect(first.execution?.status).toBe("TIMED_OUT");
    await until("the agent took the retry", async () => {
      const e = (await h.iot.send(new DescribeJobExecutionCommand({ thingName: name, jobId: "rty-1", executionNumber: 2 }))).execution;
      return e?.status === "IN_PROGRESS" && e.statusDetails?.detailsMap?.step === "preparing" ? true : undefined;
    });
  });

  it("lets go of a hanging execution force-canceled under it and takes the next job", async () => {
    const [name] = await things("hang", 1);
    agentsFor([name], { ...quiet, hangPercent: 100 });
    await createJob("hang-1", [name], { operation: "reboot" });
    await until("the agent reports it is preparing", async () => {
      const e = await execution(name, "hang-1");
      return e.status === "IN_PROGRESS" && e.statusDetails?.detailsMap?.step === "preparing" ? true : undefined;
    });
    await createJob("hang-2", [name], { operation: "reboot" });
    await h.iot.send(new CancelJobCommand({ jobId: "hang-1", force: true, comment: "stuck" }));
    expect((await finished(name, "hang-1")).status).toBe("CANCELED");
    await until("the agent took the next job", async () => {
      const e = await execution(name, "hang-2");
      return e.status === "IN_PROGRESS" && e.statusDetails?.detailsMap?.step === "preparing" ? true : undefined;
    });
  });
});

describe("the agent's download from the emulator's S3", () => {
  it("resumes a presigned GET with Range after the connection is cut, and gets the exact bytes", async () => {
    // A TCP relay in front of the emulator that cuts its first connection after 1 MB of answer.
    const emulatorPort = Number(new URL(h.emulator.endpoint).port);
    let connections = 0;
    const requests: string[] = [];
    const open = new Set<Socket>();
    const relay = createServer((client: Socket) => {
      const n = ++connections;
      open.add(client);
      client.on("close", () => open.delete(client));
      const upstream = connect(emulatorPort, "127.0.0.1");
      let sent = 0;
      client.on("data", (d: Buffer) => {
        const head = d.toString("latin1");
        if (head.startsWith("GET ")) requests.push(/^range: *(.*)$/im.exec(head)?.[1]?.trim() ?? "");
        upstream.write(d);
      });
      upstream.on("data", (d: Buffer) => {
        sent += d.length;
        client.write(d);
        if (n === 1 && sent > 1024 * 1024) {
          upstream.destroy();
          client.destroy();
        }
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      upstream.on("close", () => client.end());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    try {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0.pkg" }), { expiresIn: 600 });
      const via = new URL(url);
      via.port = String((relay.address() as AddressInfo).port);
      const chunks: Buffer[] = [];
      const got = await download({
        url: via.toString(),
        sha256: ARTIFACT_SHA,
        size: ARTIFACT.length,
        maxBytes: 10_000_000,
        retryDelayMs: 5,
        sink: (c) => chunks.push(c),
      });
      expect(got).toMatchObject({ ok: true, bytes: ARTIFACT.length, requests: 2 });
      expect(Buffer.concat(chunks).equals(ARTIFACT)).toBe(true);
      expect(requests[0]).toBe("");
      expect(requests[1]).toMatch(/^bytes=\d+-$/);
      expect(Number(/\d+/.exec(requests[1])![0])).toBeGreaterThan(0);
    } finally {
      for (const c of open) c.destroy();
      await new Promise((r) => relay.close(r));
    }
  });
});

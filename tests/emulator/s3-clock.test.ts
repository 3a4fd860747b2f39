import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateJobCommand, CreateThingCommand, DescribeEndpointCommand, IoTClient } from "@aws-sdk/client-iot";
import { IoTJobsDataPlaneClient, StartNextPendingJobExecutionCommand } from "@aws-sdk/client-iot-jobs-data-plane";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { EmulatorClock } from "../../emulator/clock";
import { startHarness, type Harness } from "./harness";
import { startS3Alone, type S3Alone } from "./s3-harness";

/**
 * S3 keeps the emulator's time (emulator/clock.ts), as the Jobs engine does: the URLs the
 * emulator presigns are dated by it and expire by it, so advancing the clock
 * (`POST /_emulator/clock`) expires the presigned URLs handed out in job documents.
 */

const codeAndMessage = async (res: Response) => {
  const text = await res.text();
  return [res.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1], /<Message>([^<]+)<\/Message>/.exec(text)?.[1]];
};

describe("S3 on the emulator clock", () => {
  /** The wall clock stands still here: only advances move emulator time. */
  const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
  let emu: S3Alone;
  let s3: S3Client;
  beforeAll(async () => {
    emu = await startS3Alone({ clock: new EmulatorClock(undefined, () => T0) });
    s3 = new S3Client({
      endpoint: emu.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
    await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "a.bin", Body: "bytes" }));
  });
  afterAll(async () => {
    s3?.destroy();
    await emu?.stop();
  });

  it("dates what it signs and stores by that clock", async () => {
    const url = new URL(emu.region.objects.presignGet("artifacts", "a.bin", 60));
    expect(url.searchParams.get("X-Amz-Date")).toBe("20260105T120000Z");
    const head = await s3.send(new HeadObjectCommand({ Bucket: "artifacts", Key: "a.bin" }));
    expect(head.LastModified?.getTime()).toBe(T0);
  });

  it("expires its own URLs when the clock is advanced past them, and dates the refusal by it", async () => {
    const url = emu.region.objects.presignGet("artifacts", "a.bin", 60);
    expect((await fetch(url)).status).toBe(200);
    emu.clock.advance(59);
    expect((await fetch(url)).status).toBe(200);
    emu.clock.advance(2);
    const res = await fetch(url);
    const text = await res.clone().text();
    expect(await codeAndMessage(res)).toEqual([403, "AccessDenied", "Request has expired"]);
    expect(text).toContain(`<ServerTime>${new Date(T0 + 61_000).toISOString()}</ServerTime>`);
  });

  it("expires a URL another client signed at the same instant (its own X-Amz-Date, unverified)", async () => {
    const now = new Date(emu.clock.now());
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "artifacts", Key: "a.bin" }), { expiresIn: 300, signingDate: now });
    expect((await fetch(url)).status).toBe(200);
    emu.clock.advance(301);
    expect(await codeAndMessage(await fetch(url))).toEqual([403, "AccessDenied", "Request has expired"]);
  });
});

describe("presigned URLs in job documents", () => {
  let h: Harness<IoTClient>;
  let s3: S3Client;
  let jobs: IoTJobsDataPlaneClient;
  beforeAll(async () => {
    h = await startHarness(IoTClient);
    s3 = new S3Client({ ...h.clientConfig, forcePathStyle: true, maxAttempts: 1 });
    const { endpointAddress } = await h.iot.send(new DescribeEndpointCommand({ endpointType: "iot:Jobs" }));
    jobs = new IoTJobsDataPlaneClient({ ...h.clientConfig, endpoint: `http://${endpointAddress}`, maxAttempts: 1 });
  }, 30_000);
  afterAll(async () => {
    s3?.destroy();
    jobs?.destroy();
    await h?.stop();
  });

  it("stop working once POST /_emulator/clock passes their expiry", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "ota" }));
    await s3.send(new PutObjectCommand({ Bucket: "ota", Key: "agent/7.3.0.pkg", Body: "artifact" }));
    const { thingArn } = await h.iot.send(new CreateThingCommand({ thingName: "clock-thing" }));
    const document = JSON.stringify({ operation: "agent-update", url: "${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/ota/agent/7.3.0.pkg}" });
    await h.iot.send(
      new CreateJobCommand({
        jobId: "clock-job",
        targets: [thingArn!],
        document,
        presignedUrlConfig: { roleArn: "arn:aws:iam::000000000000:role/presign", expiresInSec: 120 },
      }),
    );
    const started = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: "clock-thing" }));
    const { url } = JSON.parse(started.execution!.jobDocument!) as { url: string };
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("120");
    const ok = await fetch(url);
    expect([ok.status, await ok.text()]).toEqual([200, "artifact"]);

    const advanced = await fetch(`${h.emulator.endpoint}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: 121 }) });
    expect(advanced.status).toBe(200);
    expect(await codeAndMessage(await fetch(url))).toEqual([403, "AccessDenied", "Request has expired"]);
  });
});

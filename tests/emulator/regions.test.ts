import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateThingCommand,
  DescribeIndexCommand,
  DescribeThingCommand,
  IoTClient,
  ListThingsCommand,
  ResourceNotFoundException as IotNotFound,
  SearchIndexCommand,
  UpdateIndexingConfigurationCommand,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient, ResourceNotFoundException as DataNotFound, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { Store } from "../../emulator/store/store";
import { expectAwsError, startHarness, type Harness } from "./harness";

/** State per (account, region), the region taken from the SigV4 credential scope. */
const dataDir = mkdtempSync(join(tmpdir(), "emu-regions-"));
let h: Harness<IoTClient>;
const clients: Array<{ destroy(): void }> = [];
const iotIn = (region: string) => remember(new IoTClient({ ...h.clientConfig, region, maxAttempts: 1 }));
const dataIn = (region: string) => remember(new IoTDataPlaneClient({ ...h.clientConfig, region, maxAttempts: 1 }));
function remember<C extends { destroy(): void }>(c: C): C {
  clients.push(c);
  return c;
}
const thingNames = async (c: IoTClient) => ((await c.send(new ListThingsCommand({}))).things ?? []).map((t) => t.thingName).sort();

beforeAll(async () => {
  h = await startHarness(IoTClient, { dataDir });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await h.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("per-region registry", () => {
  it("keeps a thing in the region it was created in, with that region in its ARN", async () => {
    const us = iotIn("us-east-1");
    const eu = iotIn("eu-west-1");
    const made = await us.send(new CreateThingCommand({ thingName: "only-in-us" }));
    expect(made.thingArn).toBe("arn:aws:iot:us-east-1:000000000000:thing/only-in-us");
    await expectAwsError(eu.send(new DescribeThingCommand({ thingName: "only-in-us" })), IotNotFound, 404);
    expect(await thingNames(eu)).not.toContain("only-in-us");

    const usTwin = await us.send(new CreateThingCommand({ thingName: "twin" }));
    const euTwin = await eu.send(new CreateThingCommand({ thingName: "twin", attributePayload: { attributes: { where: "eu" } } }));
    expect(euTwin.thingArn).toBe("arn:aws:iot:eu-west-1:000000000000:thing/twin");
    expect(euTwin.thingId).not.toBe(usTwin.thingId);
    expect((await us.send(new DescribeThingCommand({ thingName: "twin" }))).attributes).toEqual({});
    expect((await eu.send(new DescribeThingCommand({ thingName: "twin" }))).attributes).toEqual({ where: "eu" });
  });

  it("gives each region its own fleet index", async () => {
    const us = iotIn("us-east-1");
    const eu = iotIn("eu-west-1");
    await us.send(new CreateThingCommand({ thingName: "indexed-us" }));
    await eu.send(new CreateThingCommand({ thingName: "indexed-eu" }));
    // Indexing is turned on in one region only: the other has no index.
    await us.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: "REGISTRY" } }));
    await expectAwsError(eu.send(new DescribeIndexCommand({ indexName: "AWS_Things" })), IotNotFound, 404);
    await eu.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: "REGISTRY" } }));
    for (const c of [us, eu]) {
      for (let i = 0; i < 100 && (await c.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus !== "ACTIVE"; i++)
        await new Promise((r) => setTimeout(r, 50));
    }
    const search = async (c: IoTClient) =>
      ((await c.send(new SearchIndexCommand({ queryString: "thingName:indexed-*" }))).things ?? []).map((t) => t.thingName);
    expect(await search(us)).toEqual(["indexed-us"]);
    expect(await search(eu)).toEqual(["indexed-eu"]);
  });

  it("keeps shadows per region", async () => {
    const us = dataIn("us-east-1");
    const eu = dataIn("eu-west-1");
    await us.send(new UpdateThingShadowCommand({ thingName: "twin", payload: new TextEncoder().encode('{"state":{"desired":{"color":"red"}}}') }));
    await expectAwsError(eu.send(new GetThingShadowCommand({ thingName: "twin" })), DataNotFound, 404);
    await eu.send(new UpdateThingShadowCommand({ thingName: "twin", payload: new TextEncoder().encode('{"state":{"desired":{"color":"blue"}}}') }));
    const doc = async (c: IoTDataPlaneClient) =>
      JSON.parse(new TextDecoder().decode((await c.send(new GetThingShadowCommand({ thingName: "twin" }))).payload)).state.desired;
    expect(await doc(us)).toEqual({ color: "red" });
    expect(await doc(eu)).toEqual({ color: "blue" });
  });

  it("refuses a region that is not an AWS region name", async () => {
    const moon = iotIn("xx-moon-1");
    const err = (await moon.send(new ListThingsCommand({})).catch((e: unknown) => e)) as { name?: string; $metadata?: { httpStatusCode?: number } };
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });

  it("finds every region's state again after a restart", async () => {
    await h.emulator.close();
    h = await startHarness(IoTClient, { dataDir });
    expect(await thingNames(iotIn("us-east-1"))).toEqual(["indexed-us", "only-in-us", "twin"]);
    expect(await thingNames(iotIn("eu-west-1"))).toEqual(["indexed-eu", "twin"]);
    expect((await iotIn("eu-west-1").send(new DescribeThingCommand({ thingName: "twin" }))).attributes).toEqual({ where: "eu" });
    const regions = ((await (await fetch(`${h.emulator.endpoint}/_emulator/regions`)).json()) as { regions: string[] }).regions;
    expect(regions.sort()).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("serves a bounded number of regions", async () => {
    const more = [
      "us-west-1",
      "us-west-2",
      "us-east-2",
      "eu-central-1",
      "eu-north-1",
      "eu-west-2",
      "eu-west-3",
      "ap-southeast-4",
      "ap-northeast-1",
      "ap-south-1",
      "sa-east-1",
      "ca-central-1",
      "cn-north-1",
      "us-gov-west-1",
    ];
    for (const region of more) expect(await thingNames(iotIn(region))).toEqual([]);
    const made = await iotIn("cn-north-1").send(new CreateThingCommand({ thingName: "china" }));
    expect(made.thingArn).toBe("arn:aws-cn:iot:cn-north-1:000000000000:thing/china");
    // Sixteen regions now hold state; a seventeenth is refused.
    const err = (await iotIn("me-south-1")
      .send(new ListThingsCommand({}))
      .catch((e: unknown) => e)) as { name?: string; $metadata?: { httpStatusCode?: number } };
    expect(err.name).toBe("InvalidSignatureException");
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });
});

describe("state written before regions existed", () => {
  it("is moved into the configured region at start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-legacy-"));
    const store = new Store(join(dir, "emulator.sqlite"));
    store.put("iot.thing", "old-thing", {
      name: "old-thing",
      id: "11111111-2222-3333-4444-555555555555",
      attributes: { from: "before" },
      version: 1,
      createdMs: 1_700_000_000_000,
    });
    store.put("iotdata.shadow", "old-thing", {
      thingName: "old-thing",
      shadowName: null,
      state: { reported: { on: true } },
      metadata: { reported: { on: { timestamp: 1_700_000_000 } } },
      version: 3,
      timestamp: 1_700_000_000,
    });
    await store.committed();
    store.close();
    const legacy = await startHarness(IoTClient, { dataDir: dir, region: "eu-west-1" });
    const eu = new IoTClient({ ...legacy.clientConfig, maxAttempts: 1 });
    const us = new IoTClient({ ...legacy.clientConfig, region: "us-east-1", maxAttempts: 1 });
    const euData = new IoTDataPlaneClient({ ...legacy.clientConfig, maxAttempts: 1 });
    try {
      const t = await eu.send(new DescribeThingCommand({ thingName: "old-thing" }));
      expect(t.attributes).toEqual({ from: "before" });
      expect(t.thingArn).toBe("arn:aws:iot:eu-west-1:000000000000:thing/old-thing");
      const shadow = await euData.send(new GetThingShadowCommand({ thingName: "old-thing" }));
      expect(JSON.parse(new TextDecoder().decode(shadow.payload)).version).toBe(3);
      await expectAwsError(us.send(new DescribeThingCommand({ thingName: "old-thing" })), IotNotFound, 404);
    } finally {
      for (const c of [eu, us, euData]) c.destroy();
      await legacy.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("requests that name no operation", () => {
  const signedFor = (region: string) => ({
    Authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${region}/iot/aws4_request, SignedHeaders=host, Signature=00`,
  });

  it("build no region: unknown paths for 20 regions leave every slot free", async () => {
    const fresh = await startHarness(IoTClient);
    try {
      for (let i = 1; i <= 20; i++) {
        const r = await fetch(`${fresh.emulator.endpoint}/no-such-operation`, { headers: signedFor(`eu-stray-${i}`) });
        expect(r.status).toBe(404);
        expect(r.headers.get("x-amzn-errortype") ?? ((await r.json()) as { __type?: string }).__type).toMatch(/UnknownOperationException/);
      }
      const regions = ((await (await fetch(`${fresh.emulator.endpoint}/_emulator/regions`)).json()) as { regions: string[] }).regions;
      expect(regions).toEqual(["us-east-1"]);
      // The slots are all there for real requests.
      for (let i = 1; i <= 15; i++) {
        const c = new IoTClient({ ...fresh.clientConfig, region: `eu-real-${i}`, maxAttempts: 1 });
        try {
          expect(await thingNames(c)).toEqual([]);
        } finally {
          c.destroy();
        }
      }
    } finally {
      await fresh.stop();
    }
  });

  it("does not echo an overlong region in full", async () => {
    const long = `xx-${"a".repeat(4000)}-1`;
    const r = await fetch(`${h.emulator.endpoint}/things`, { headers: signedFor(long) });
    expect(r.status).toBe(403);
    const text = await r.text();
    expect(text).toContain(`'xx-${"a".repeat(61)}…'`); // 64 characters of it
    expect(text.length).toBeLessThan(400);
  });
});

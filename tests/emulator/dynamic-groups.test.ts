import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import {
  IoTClient,
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  CreateDynamicThingGroupCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteDynamicThingGroupCommand,
  DeleteThingCommand,
  DeleteThingGroupCommand,
  DescribeIndexCommand,
  DescribeThingGroupCommand,
  InvalidQueryException,
  InvalidRequestException,
  LimitExceededException,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingsInThingGroupCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateDynamicThingGroupCommand,
  UpdateIndexingConfigurationCommand,
  UpdateThingCommand,
  UpdateThingGroupCommand,
  VersionConflictException,
} from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";

/** Dynamic thing groups through the real @aws-sdk/client-iot: lifecycle, rules, and membership following the fleet. */

process.env.EMULATOR_INDEX_SETTLE_MS = "200";

let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
const clients: MqttClient[] = [];

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
  await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "sensor" }));
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  data.destroy();
  await h.stop();
});

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const createDynamic = (thingGroupName: string, queryString: string) => h.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName, queryString }));
const thing = (thingName: string, attributes: Record<string, string> = {}) =>
  h.iot.send(new CreateThingCommand({ thingName, thingTypeName: "sensor", attributePayload: { attributes } }));
const setAttr = (thingName: string, attributes: Record<string, string>) =>
  h.iot.send(new UpdateThingCommand({ thingName, attributePayload: { attributes, merge: true } }));

async function members(thingGroupName: string): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await h.iot.send(new ListThingsInThingGroupCommand({ thingGroupName, nextToken, maxResults: 2 }));
    out.push(...page.things!);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

const groupsOf = async (thingName: string) => (await h.iot.send(new ListThingGroupsForThingCommand({ thingName }))).thingGroups!.map((g) => g.groupName!);

describe("before fleet indexing is on", () => {
  it("refuses to create a dynamic group", async () => {
    await expectAwsError(createDynamic("early", "thingName:*"), ResourceNotFoundException, 404);
  });
});

describe("dynamic thing groups", () => {
  beforeAll(async () => {
    await h.iot.send(
      new UpdateIndexingConfigurationCommand({
        thingIndexingConfiguration: { thingIndexingMode: "REGISTRY_AND_SHADOW", thingConnectivityIndexingMode: "STATUS" },
      }),
    );
    await waitFor(async () => (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus === "ACTIVE", "index ACTIVE");
    await thing("room-1", { temperature: "55" });
    await thing("room-2", { temperature: "61" });
    await thing("room-3", { temperature: "70" });
  });

  it("creates a group whose members are the query's matches, BUILDING then ACTIVE", async () => {
    const out = await createDynamic("RoomTooWarm", "attributes.temperature>60");
    expect(out).toMatchObject({
      thingGroupName: "RoomTooWarm",
      thingGroupArn: "arn:aws:iot:us-east-1:000000000000:thinggroup/RoomTooWarm",
      indexName: "AWS_Things",
      queryString: "attributes.temperature>60",
      queryVersion: "2017-09-30",
    });
    expect(out.thingGroupId).toEqual(expect.any(String));
    const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "RoomTooWarm" }));
    expect(d).toMatchObject({ status: "BUILDING", queryString: "attributes.temperature>60", indexName: "AWS_Things", queryVersion: "2017-09-30", version: 1 });
    expect(await members("RoomTooWarm")).toEqual(["room-2", "room-3"]);
    await waitFor(async () => (await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "RoomTooWarm" }))).status === "ACTIVE", "group ACTIVE");
    // Listed with the other thing groups, and in the groups of its members.
    expect((await h.iot.send(new ListThingGroupsCommand({}))).thingGroups!.map((g) => g.groupName)).toContain("RoomTooWarm");
    expect(await groupsOf("room-3")).toEqual(["RoomTooWarm"]);
    expect(await groupsOf("room-1")).toEqual([]);
  });

  it("follows registry changes", async () => {
    await setAttr("room-1", { temperature: "65" });
    expect(await members("RoomTooWarm")).toEqual(["room-1", "room-2", "room-3"]);
    await setAttr("room-3", { temperature: "20" });
    expect(await members("RoomTooWarm")).toEqual(["room-1", "room-2"]);
    expect(await groupsOf("room-3")).toEqual([]);
    await thing("room-4", { temperature: "99" });
    expect(await members("RoomTooWarm")).toEqual(["room-1", "room-2", "room-4"]);
    await h.iot.send(new DeleteThingCommand({ thingName: "room-4" }));
    expect(await members("RoomTooWarm")).toEqual(["room-1", "room-2"]);
  });

  it("follows connectivity and shadow changes", async () => {
    await createDynamic("online", "connectivity.connected:true");
    await createDynamic("low-battery", "shadow.reported.battery<20");
    expect(await members("online")).toEqual([]);
    const c = mqtt.connect(h.emulator.mqttUrl, { clientId: "room-2", reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once("connect", () => resolve());
      c.once("error", reject);
    });
    await waitFor(async () => (await members("online")).includes("room-2"), "room-2 online");
    await c.endAsync();
    await waitFor(async () => (await members("online")).length === 0, "room-2 offline");

    const shadow = (thingName: string, battery: number | null) =>
      data.send(new UpdateThingShadowCommand({ thingName, payload: new TextEncoder().encode(JSON.stringify({ state: { reported: { battery } } })) }));
    await shadow("room-1", 10);
    expect(await members("low-battery")).toEqual(["room-1"]);
    await shadow("room-1", 80);
    expect(await members("low-battery")).toEqual([]);
  });

  it("updates the query (REBUILDING, then ACTIVE) and the properties, with version checks", async () => {
    const v = await h.iot.send(
      new UpdateDynamicThingGroupCommand({
        thingGroupName: "RoomTooWarm",
        queryString: "attributes.temperature>62",
        thingGroupProperties: { thingGroupDescription: "warmer than 62", attributePayload: { attributes: { owner: "ops" } } },
        expectedVersion: 1,
      }),
    );
    expect(v.version).toBe(2);
    const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "RoomTooWarm" }));
    expect(d).toMatchObject({ status: "REBUILDING", queryString: "attributes.temperature>62", version: 2 });
    expect(d.thingGroupProperties).toEqual({ thingGroupDescription: "warmer than 62", attributePayload: { attributes: { owner: "ops" } } });
    expect(await members("RoomTooWarm")).toEqual(["room-1"]);
    await waitFor(async () => (await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "RoomTooWarm" }))).status === "ACTIVE", "group ACTIVE");
    await expectAwsError(
      h.iot.send(new UpdateDynamicThingGroupCommand({ thingGroupName: "RoomTooWarm", thingGroupProperties: {}, expectedVersion: 1 })),
      VersionConflictException,
      409,
    );
  });

  it("validates the query, the index and the query version", async () => {
    const err = await expectAwsError(createDynamic("broken", "attributes.temperature>"), InvalidQueryException, 400);
    expect(err.message.length).toBeGreaterThan(10);
    await expectAwsError(createDynamic("broken", "shadow.version:1"), InvalidQueryException, 400);
    await expectAwsError(
      h.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName: "x", queryString: "*", indexName: "AWS_ThingGroups" })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      h.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName: "x", queryString: "*", queryVersion: "2020-01-01" })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      h.iot.send(new UpdateDynamicThingGroupCommand({ thingGroupName: "RoomTooWarm", thingGroupProperties: {}, queryString: "((" })),
      InvalidQueryException,
      400,
    );
    await expectAwsError(createDynamic("RoomTooWarm", "thingName:other"), ResourceAlreadyExistsException, 409);
  });

  it("is not a static group: no manual members, parent, policies or static operations", async () => {
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "static-one" }));
    const arn = "arn:aws:iot:us-east-1:000000000000:thinggroup/RoomTooWarm";
    const refused = async (call: Promise<unknown>) => {
      const e = await expectAwsError(call, InvalidRequestException, 400);
      expect(e.message).toBe(`This operation does not support dynamic thing groups. Thing group arn: ${arn}`);
    };
    await refused(h.iot.send(new AddThingToThingGroupCommand({ thingName: "room-3", thingGroupName: "RoomTooWarm" })));
    await refused(h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "RoomTooWarm" })));
    await refused(h.iot.send(new UpdateThingGroupCommand({ thingGroupName: "RoomTooWarm", thingGroupProperties: {} })));
    await h.iot.send(
      new CreatePolicyCommand({
        policyName: "p",
        policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "*" }] }),
      }),
    );
    await refused(h.iot.send(new AttachPolicyCommand({ policyName: "p", target: arn })));
    await expectAwsError(h.iot.send(new CreateThingGroupCommand({ thingGroupName: "child", parentGroupName: "RoomTooWarm" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: "static-one" })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new UpdateDynamicThingGroupCommand({ thingGroupName: "static-one", thingGroupProperties: {} })),
      InvalidRequestException,
      400,
    );
  });

  it("counts toward the 10 groups of a thing: older dynamic groups first, overrideDynamicGroups evicts the newest", async () => {
    await thing("busy", { zone: "z" });
    for (let i = 0; i < 9; i++) {
      await h.iot.send(new CreateThingGroupCommand({ thingGroupName: `s${i}` }));
      await h.iot.send(new AddThingToThingGroupCommand({ thingName: "busy", thingGroupName: `s${i}` }));
    }
    await createDynamic("zone-a", "attributes.zone:z");
    await createDynamic("zone-b", "attributes.zone:z*");
    expect(await members("zone-a")).toEqual(["busy"]);
    expect(await members("zone-b")).toEqual([]);
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "s9" }));
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingName: "busy", thingGroupName: "s9" })), InvalidRequestException, 400);
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: "busy", thingGroupName: "s9", overrideDynamicGroups: true }));
    expect(await members("zone-a")).toEqual([]);
    expect((await groupsOf("busy")).length).toBe(10);
    await h.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: "zone-a" }));
    await h.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: "zone-b" }));
  });

  it("keeps fleet indexing on while dynamic groups exist", async () => {
    const e = await expectAwsError(
      h.iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: "OFF" } })),
      InvalidRequestException,
      400,
    );
    expect(e.message).toMatch(/dynamic thing group/);
  });

  it("persists the groups and recomputes their members at start", async () => {
    const { dataDir } = h;
    for (const c of clients) c.end(true);
    await h.emulator.close();
    const again = await startHarness(IoTClient, { dataDir });
    try {
      const d = await again.iot.send(new DescribeThingGroupCommand({ thingGroupName: "RoomTooWarm" }));
      expect(d).toMatchObject({ status: "ACTIVE", queryString: "attributes.temperature>62" });
      const out = await again.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "RoomTooWarm" }));
      expect(out.things).toEqual(["room-1"]);
    } finally {
      await again.stop();
      h.iot.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      h = await startHarness(IoTClient);
      data.destroy();
      data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
      await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "sensor" }));
    }
  });
});

describe("limits", () => {
  it("allows at most 100 dynamic groups per account, and deletes cleanly", async () => {
    await h.iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: "REGISTRY" } }));
    await waitFor(async () => (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus === "ACTIVE", "index ACTIVE");
    await thing("limit-thing", { n: "1" });
    for (let i = 0; i < 100; i++) await createDynamic(`dg-${i}`, `attributes.n:${i}`);
    await expectAwsError(createDynamic("dg-100", "attributes.n:100"), LimitExceededException, 410);
    expect(await groupsOf("limit-thing")).toEqual(["dg-1"]);
    await h.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: "dg-1" }));
    expect(await groupsOf("limit-thing")).toEqual([]);
    await expectAwsError(h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "dg-1" })), ResourceNotFoundException, 404);
    // Deleting a group that does not exist succeeds, as DeleteThingGroup does.
    await h.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: "dg-1" }));
    await createDynamic("dg-100", "attributes.n:1");
    expect(await members("dg-100")).toEqual(["limit-thing"]);
  }, 30_000);
});

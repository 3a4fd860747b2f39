import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteThingCommand,
  DeleteThingGroupCommand,
  DescribeThingGroupCommand,
  InvalidRequestException,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingsInThingGroupCommand,
  RemoveThingFromThingGroupCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateThingGroupCommand,
  UpdateThingGroupsForThingCommand,
  VersionConflictException,
  type ListThingGroupsCommandInput,
  type ListThingsInThingGroupCommandInput,
} from "@aws-sdk/client-iot";
import { expectAwsError, inBatches, startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(() => h.stop());

const arnOf = (g: string) => `arn:aws:iot:us-east-1:000000000000:thinggroup/${g}`;
const group = (thingGroupName: string, parentGroupName?: string) => h.iot.send(new CreateThingGroupCommand({ thingGroupName, parentGroupName }));

async function listGroups(input: ListThingGroupsCommandInput): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await h.iot.send(new ListThingGroupsCommand({ ...input, nextToken }));
    for (const g of out.thingGroups!) {
      expect(g.groupArn).toBe(arnOf(g.groupName!));
      names.push(g.groupName!);
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return names;
}

async function listMembers(input: ListThingsInThingGroupCommandInput): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await h.iot.send(new ListThingsInThingGroupCommand({ ...input, nextToken }));
    names.push(...out.things!);
    nextToken = out.nextToken;
  } while (nextToken);
  return names;
}

describe("thing group lifecycle", () => {
  it("creates a hierarchy and describes it", async () => {
    const root = await h.iot.send(
      new CreateThingGroupCommand({
        thingGroupName: "eu",
        thingGroupProperties: { thingGroupDescription: "Europe", attributePayload: { attributes: { region: "eu" } } },
      }),
    );
    expect(root).toMatchObject({ thingGroupName: "eu", thingGroupArn: arnOf("eu") });
    expect(root.thingGroupId).toBeTruthy();
    await group("eu-west", "eu");
    await group("paris", "eu-west");

    const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "paris" }));
    expect(d.version).toBe(1);
    expect(d.thingGroupMetadata?.parentGroupName).toBe("eu-west");
    expect(d.thingGroupMetadata?.rootToParentThingGroups).toEqual([
      { groupName: "eu", groupArn: arnOf("eu") },
      { groupName: "eu-west", groupArn: arnOf("eu-west") },
    ]);
    expect(d.thingGroupMetadata?.creationDate).toBeInstanceOf(Date);
    const r = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "eu" }));
    expect(r.thingGroupProperties).toEqual({ thingGroupDescription: "Europe", attributePayload: { attributes: { region: "eu" } } });
    expect(r.thingGroupMetadata?.parentGroupName).toBeUndefined();
    expect(r.thingGroupMetadata?.rootToParentThingGroups).toEqual([]);
  });

  it("is idempotent for identical input, conflicts otherwise, and validates the parent", async () => {
    const again = await group("eu-west", "eu");
    expect(again.thingGroupName).toBe("eu-west");
    await expectAwsError(group("eu-west"), ResourceAlreadyExistsException, 409);
    await expectAwsError(group("orphan", "no-such-parent"), InvalidRequestException, 400);
    await expectAwsError(group("bad name"), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "nope" })), ResourceNotFoundException, 404);
  });

  it("limits the hierarchy to 7 levels and 100 direct children", async () => {
    await group("d1");
    for (let i = 2; i <= 7; i++) await group(`d${i}`, `d${i - 1}`);
    await expectAwsError(group("d8", "d7"), InvalidRequestException, 400);
    await group("wide");
    await inBatches(
      Array.from({ length: 100 }, (_, i) => i),
      25,
      (i) => group(`wide-${String(i).padStart(3, "0")}`, "wide"),
    );
    await expectAwsError(group("wide-100", "wide"), InvalidRequestException, 400);
  });

  it("updates properties with expectedVersion", async () => {
    const out = await h.iot.send(
      new UpdateThingGroupCommand({
        thingGroupName: "eu",
        expectedVersion: 1,
        thingGroupProperties: { attributePayload: { attributes: { tier: "1" }, merge: true } },
      }),
    );
    expect(out.version).toBe(2);
    await expectAwsError(
      h.iot.send(new UpdateThingGroupCommand({ thingGroupName: "eu", expectedVersion: 1, thingGroupProperties: { thingGroupDescription: "x" } })),
      VersionConflictException,
      409,
    );
    await h.iot.send(new UpdateThingGroupCommand({ thingGroupName: "eu", thingGroupProperties: { thingGroupDescription: "Europe!" } }));
    const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "eu" }));
    expect(d.version).toBe(3);
    expect(d.thingGroupProperties).toEqual({ thingGroupDescription: "Europe!", attributePayload: { attributes: { region: "eu", tier: "1" } } });
    await expectAwsError(h.iot.send(new UpdateThingGroupCommand({ thingGroupName: "nope", thingGroupProperties: {} })), ResourceNotFoundException, 404);
  });

  it("lists groups: all, by parent (direct or recursive), by name prefix, paged", async () => {
    const all = await listGroups({ maxResults: 17 });
    expect(all.length).toBe(3 + 7 + 101);
    expect([...all].sort()).toEqual(all);
    // With a parent, recursive unset or true lists every descendant; false only direct children.
    expect(await listGroups({ parentGroup: "eu" })).toEqual(["eu-west", "paris"]);
    expect(await listGroups({ parentGroup: "eu", recursive: false })).toEqual(["eu-west"]);
    expect(await listGroups({ parentGroup: "eu", recursive: true })).toEqual(["eu-west", "paris"]);
    expect(await listGroups({ parentGroup: "d1", recursive: true, namePrefixFilter: "d" })).toEqual(["d2", "d3", "d4", "d5", "d6", "d7"]);
    expect((await listGroups({ namePrefixFilter: "wide-", maxResults: 30 })).length).toBe(100);
    await expectAwsError(h.iot.send(new ListThingGroupsCommand({ parentGroup: "nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListThingGroupsCommand({ nextToken: "%%%" })), InvalidRequestException, 400);
  });

  it("filters as AWS does on moto's test tree (parentGroup, namePrefixFilter, recursive)", async () => {
    // mt-1a > (mt-2a > mt-3a, mt-3b), (mt-2b > mt-3c, mt-3d); mt-1b alone.
    await group("mt-1a");
    await group("mt-1b");
    for (const [child, parent] of [
      ["mt-2a", "mt-1a"],
      ["mt-2b", "mt-1a"],
      ["mt-3a", "mt-2a"],
      ["mt-3b", "mt-2a"],
      ["mt-3c", "mt-2b"],
      ["mt-3d", "mt-2b"],
    ])
      await group(child, parent);
    expect(await listGroups({ namePrefixFilter: "mt-" })).toHaveLength(8);
    // recursive=false without a parent: root groups only.
    expect(await listGroups({ namePrefixFilter: "mt-", recursive: false })).toEqual(["mt-1a", "mt-1b"]);
    const roots = await listGroups({ recursive: false });
    expect(roots).toEqual(expect.arrayContaining(["eu", "d1", "wide", "mt-1a", "mt-1b"]));
    expect(roots).not.toContain("eu-west");
    expect(roots).not.toContain("mt-2a");
    expect(await listGroups({ namePrefixFilter: "mt-3" })).toHaveLength(4);
    expect(await listGroups({ namePrefixFilter: "mt-3", recursive: false })).toEqual([]);
    expect(await listGroups({ parentGroup: "mt-1a" })).toHaveLength(6);
    expect(await listGroups({ parentGroup: "mt-2a" })).toEqual(["mt-3a", "mt-3b"]);
    expect(await listGroups({ parentGroup: "mt-1b" })).toEqual([]);
    expect(await listGroups({ parentGroup: "mt-1a", recursive: false })).toEqual(["mt-2a", "mt-2b"]);
    expect(await listGroups({ parentGroup: "mt-2a", recursive: false })).toEqual(["mt-3a", "mt-3b"]);
    expect(await listGroups({ parentGroup: "mt-1a", namePrefixFilter: "mt-2" })).toEqual(["mt-2a", "mt-2b"]);
    expect(await listGroups({ parentGroup: "mt-1a", namePrefixFilter: "mt-3" })).toEqual(["mt-3a", "mt-3b", "mt-3c", "mt-3d"]);
    expect(await listGroups({ parentGroup: "mt-1a", namePrefixFilter: "nomatch" })).toEqual([]);
    // Paging still works when recursive=false skips children.
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await h.iot.send(new ListThingGroupsCommand({ namePrefixFilter: "mt-", recursive: false, maxResults: 1, nextToken }));
      paged.push(...out.thingGroups!.map((g) => g.groupName!));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(paged).toEqual(["mt-1a", "mt-1b"]);
  });

  it("describes a group without description and attributes with an empty thingGroupProperties", async () => {
    const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "mt-1b" }));
    expect(d.thingGroupProperties).toEqual({});
  });

  it("refuses to delete a group with children, checks expectedVersion, and succeeds for a missing group", async () => {
    await expectAwsError(h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "d6" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "d7", expectedVersion: 9 })), VersionConflictException, 409);
    await h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "d7", expectedVersion: 1 }));
    await h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "d6" }));
    await h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "d6" }));
    expect(await listGroups({ parentGroup: "d5" })).toEqual([]);
  });
});

describe("membership", () => {
  beforeAll(async () => {
    await group("us");
    await group("us-east", "us");
    await group("us-west", "us");
    await group("fleet-a");
    await group("fleet-b");
    for (const t of ["m1", "m2", "m3"]) await h.iot.send(new CreateThingCommand({ thingName: t }));
  });

  it("adds by name or ARN, lists both ways, removes", async () => {
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "us-east", thingName: "m1" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupArn: arnOf("us-west"), thingArn: "arn:aws:iot:us-east-1:000000000000:thing/m2" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "us", thingName: "m3" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet-a", thingName: "m1" }));
    // Adding again is a no-op.
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet-a", thingName: "m1" }));

    expect(await listMembers({ thingGroupName: "us" })).toEqual(["m3"]);
    expect(await listMembers({ thingGroupName: "us", recursive: true, maxResults: 1 })).toEqual(["m1", "m2", "m3"]);
    const groups = await h.iot.send(new ListThingGroupsForThingCommand({ thingName: "m1" }));
    expect(groups.thingGroups).toEqual([
      { groupName: "fleet-a", groupArn: arnOf("fleet-a") },
      { groupName: "us-east", groupArn: arnOf("us-east") },
    ]);

    await h.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "fleet-a", thingName: "m1" }));
    await h.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "fleet-a", thingName: "m1" }));
    expect(await listMembers({ thingGroupName: "fleet-a" })).toEqual([]);
  });

  it("reports unknown things and groups", async () => {
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "nope", thingName: "m1" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet-a", thingName: "ghost" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet-a" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListThingGroupsForThingCommand({ thingName: "ghost" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new UpdateThingGroupsForThingCommand({ thingName: "m1", thingGroupsToAdd: ["nope"] })), ResourceNotFoundException, 404);
  });

  it("never puts a thing in two groups of one hierarchy", async () => {
    // m1 is in us-east; us-west and us share the root "us".
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "us-west", thingName: "m1" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "us", thingName: "m1" })), InvalidRequestException, 400);
    // Moving within the hierarchy in one call works.
    await h.iot.send(new UpdateThingGroupsForThingCommand({ thingName: "m1", thingGroupsToAdd: ["us-west", "fleet-b"], thingGroupsToRemove: ["us-east"] }));
    const groups = await h.iot.send(new ListThingGroupsForThingCommand({ thingName: "m1" }));
    expect(groups.thingGroups!.map((g) => g.groupName)).toEqual(["fleet-b", "us-west"]);
    expect(await listMembers({ thingGroupName: "us-east" })).toEqual([]);
    expect(await listMembers({ thingGroupName: "us-west" })).toEqual(["m1", "m2"]);
  });

  it("limits a thing to 10 groups", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "busy" }));
    const names = Array.from({ length: 11 }, (_, i) => `solo-${i}`);
    for (const n of names) await group(n);
    await h.iot.send(new UpdateThingGroupsForThingCommand({ thingName: "busy", thingGroupsToAdd: names.slice(0, 10) }));
    await expectAwsError(h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: names[10], thingName: "busy" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new UpdateThingGroupsForThingCommand({ thingName: "busy", thingGroupsToAdd: [names[10]] })), InvalidRequestException, 400);
    // A failed update changes nothing.
    expect((await h.iot.send(new ListThingGroupsForThingCommand({ thingName: "busy", maxResults: 250 }))).thingGroups!.length).toBe(10);
  });

  it("drops memberships when the thing or the group is deleted", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "gone" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet-b", thingName: "gone" }));
    await h.iot.send(new DeleteThingCommand({ thingName: "gone" }));
    expect(await listMembers({ thingGroupName: "fleet-b" })).toEqual(["m1"]);
    // Recreating the thing does not bring the membership back.
    await h.iot.send(new CreateThingCommand({ thingName: "gone" }));
    expect(await listMembers({ thingGroupName: "fleet-b" })).toEqual(["m1"]);

    await h.iot.send(new DeleteThingGroupCommand({ thingGroupName: "fleet-b" }));
    const groups = await h.iot.send(new ListThingGroupsForThingCommand({ thingName: "m1" }));
    expect(groups.thingGroups!.map((g) => g.groupName)).toEqual(["us-west"]);
  });

  it("pages members of a subtree without duplicates", async () => {
    await group("big");
    await group("big-1", "big");
    await group("big-2", "big");
    const things = Array.from({ length: 300 }, (_, i) => `big-thing-${String(i).padStart(3, "0")}`);
    await inBatches(things, 50, (t) => h.iot.send(new CreateThingCommand({ thingName: t })));
    await inBatches(things, 50, (t) => {
      const i = Number(t.slice(-3));
      const g = i % 3 === 0 ? "big" : i % 3 === 1 ? "big-1" : "big-2";
      return h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: g, thingName: t }));
    });
    expect(await listMembers({ thingGroupName: "big", recursive: true, maxResults: 100 })).toEqual(things);
    expect(await listMembers({ thingGroupName: "big-1", maxResults: 33 })).toEqual(things.filter((_, i) => i % 3 === 1));
    await expectAwsError(h.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "big", maxResults: 251 })), InvalidRequestException, 400);
  });
});

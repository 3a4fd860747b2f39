import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  CreateThingCommand,
  DeleteBillingGroupCommand,
  DeleteThingCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  InvalidRequestException,
  ListBillingGroupsCommand,
  ListThingsInBillingGroupCommand,
  RemoveThingFromBillingGroupCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateBillingGroupCommand,
  VersionConflictException,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(() => h.stop());

const bgArn = (n: string) => `arn:aws:iot:us-east-1:000000000000:billinggroup/${n}`;
const thingArn = (n: string) => `arn:aws:iot:us-east-1:000000000000:thing/${n}`;
const members = async (billingGroupName: string) => {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await h.iot.send(new ListThingsInBillingGroupCommand({ billingGroupName, nextToken, maxResults: 2 }));
    names.push(...out.things!);
    nextToken = out.nextToken;
  } while (nextToken);
  return names;
};

describe("billing group lifecycle", () => {
  it("creates (idempotently), describes, updates with versions and deletes", async () => {
    const c = await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "gold", billingGroupProperties: { billingGroupDescription: "Gold tier" } }));
    expect(c).toMatchObject({ billingGroupName: "gold", billingGroupArn: bgArn("gold") });
    expect(c.billingGroupId).toMatch(/^[0-9a-f-]{36}$/);
    // Same name and configuration: success with the same id; another configuration: conflict.
    const again = await h.iot.send(
      new CreateBillingGroupCommand({ billingGroupName: "gold", billingGroupProperties: { billingGroupDescription: "Gold tier" } }),
    );
    expect(again.billingGroupId).toBe(c.billingGroupId);
    const conflict = await expectAwsError(h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "gold" })), ResourceAlreadyExistsException, 409);
    expect(conflict.message).toBe("Billing Group gold already exists in current account with different properties");

    const d = await h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "gold" }));
    expect(d).toMatchObject({
      billingGroupName: "gold",
      billingGroupId: c.billingGroupId,
      billingGroupArn: bgArn("gold"),
      version: 1,
      billingGroupProperties: { billingGroupDescription: "Gold tier" },
    });
    expect(d.billingGroupMetadata?.creationDate).toBeInstanceOf(Date);

    const u = await h.iot.send(
      new UpdateBillingGroupCommand({ billingGroupName: "gold", billingGroupProperties: { billingGroupDescription: "Gold" }, expectedVersion: 1 }),
    );
    expect(u.version).toBe(2);
    await expectAwsError(
      h.iot.send(new UpdateBillingGroupCommand({ billingGroupName: "gold", billingGroupProperties: {}, expectedVersion: 1 })),
      VersionConflictException,
      409,
    );
    expect((await h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "gold" }))).billingGroupProperties).toEqual({
      billingGroupDescription: "Gold",
    });
    // An update without a description removes it: AWS then answers `billingGroupProperties: {}`.
    expect((await h.iot.send(new UpdateBillingGroupCommand({ billingGroupName: "gold", billingGroupProperties: {} }))).version).toBe(3);
    expect((await h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "gold" }))).billingGroupProperties).toEqual({});

    await expectAwsError(h.iot.send(new DeleteBillingGroupCommand({ billingGroupName: "gold", expectedVersion: 1 })), VersionConflictException, 409);
    await h.iot.send(new DeleteBillingGroupCommand({ billingGroupName: "gold", expectedVersion: 3 }));
    await expectAwsError(h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "gold" })), ResourceNotFoundException, 404);
    // DeleteBillingGroup models no ResourceNotFoundException: a missing group is a success.
    await h.iot.send(new DeleteBillingGroupCommand({ billingGroupName: "gold" }));
  });

  it("answers an empty billingGroupProperties for a group without description", async () => {
    await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "plain" }));
    const d = await h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "plain" }));
    expect(d.billingGroupProperties).toEqual({});
  });

  it("reports unknown groups with ResourceNotFoundException", async () => {
    const e = await expectAwsError(h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "nope" })), ResourceNotFoundException, 404);
    expect(e.message).toBe("Billing Group nope does not exist");
    await expectAwsError(h.iot.send(new UpdateBillingGroupCommand({ billingGroupName: "nope", billingGroupProperties: {} })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: "nope" })), ResourceNotFoundException, 404);
  });
});

describe("ListBillingGroups", () => {
  it("pages in name order and filters on a name prefix", async () => {
    for (const n of ["lb-c", "lb-a", "lb-b", "other-lb"]) await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: n }));
    const first = await h.iot.send(new ListBillingGroupsCommand({ namePrefixFilter: "lb-", maxResults: 2 }));
    expect(first.billingGroups).toEqual([
      { groupName: "lb-a", groupArn: bgArn("lb-a") },
      { groupName: "lb-b", groupArn: bgArn("lb-b") },
    ]);
    expect(first.nextToken).toBeTruthy();
    const second = await h.iot.send(new ListBillingGroupsCommand({ namePrefixFilter: "lb-", maxResults: 2, nextToken: first.nextToken }));
    expect(second.billingGroups!.map((g) => g.groupName)).toEqual(["lb-c"]);
    expect(second.nextToken).toBeUndefined();
    const all = (await h.iot.send(new ListBillingGroupsCommand({}))).billingGroups!.map((g) => g.groupName);
    expect(all).toEqual(expect.arrayContaining(["lb-a", "lb-b", "lb-c", "other-lb"]));
    expect(all).toEqual([...all].sort());
  });
});

describe("membership", () => {
  beforeAll(async () => {
    for (const n of ["silver", "bronze"]) await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: n }));
  });

  it("puts a thing in at CreateThing, and refuses a billing group that does not exist", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "m-1", billingGroupName: "silver" }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-1" }))).billingGroupName).toBe("silver");
    expect(await members("silver")).toEqual(["m-1"]);
    const e = await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "m-x", billingGroupName: "no-such-group" })), ResourceNotFoundException, 404);
    expect(e.message).toBe("Billing Group no-such-group does not exist");
    await expectAwsError(h.iot.send(new DescribeThingCommand({ thingName: "m-x" })), ResourceNotFoundException, 404);
  });

  it("adds and removes by name or ARN; a thing is in at most one billing group (adding moves it)", async () => {
    for (const n of ["m-2", "m-3", "m-4"]) await h.iot.send(new CreateThingCommand({ thingName: n }));
    await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "silver", thingName: "m-2" }));
    await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupArn: bgArn("silver"), thingArn: thingArn("m-3") }));
    await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "silver", thingArn: thingArn("m-4") }));
    expect(await members("silver")).toEqual(["m-1", "m-2", "m-3", "m-4"]);

    await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "bronze", thingName: "m-2" }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-2" }))).billingGroupName).toBe("bronze");
    expect(await members("silver")).toEqual(["m-1", "m-3", "m-4"]);
    expect(await members("bronze")).toEqual(["m-2"]);

    await h.iot.send(new RemoveThingFromBillingGroupCommand({ billingGroupArn: bgArn("silver"), thingArn: thingArn("m-3") }));
    await h.iot.send(new RemoveThingFromBillingGroupCommand({ billingGroupName: "silver", thingName: "m-4" }));
    // Not a member of that group: nothing changes.
    await h.iot.send(new RemoveThingFromBillingGroupCommand({ billingGroupName: "silver", thingName: "m-2" }));
    expect(await members("silver")).toEqual(["m-1"]);
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-3" }))).billingGroupName).toBeUndefined();
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-2" }))).billingGroupName).toBe("bronze");
  });

  it("refuses unknown things and groups, and calls that name neither", async () => {
    await expectAwsError(h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "silver", thingName: "ghost" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "ghost", thingName: "m-1" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AddThingToBillingGroupCommand({ billingGroupArn: bgArn("ghost"), thingName: "m-1" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new RemoveThingFromBillingGroupCommand({ thingName: "m-1" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "silver" })), InvalidRequestException, 400);
  });

  it("DeleteThing removes the membership", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "m-5", billingGroupName: "bronze" }));
    expect(await members("bronze")).toEqual(["m-2", "m-5"]);
    await h.iot.send(new DeleteThingCommand({ thingName: "m-5" }));
    expect(await members("bronze")).toEqual(["m-2"]);
    // Re-created without a billing group, it is in none.
    await h.iot.send(new CreateThingCommand({ thingName: "m-5" }));
    expect(await members("bronze")).toEqual(["m-2"]);
  });

  it("deleting a billing group with members leaves them in no billing group", async () => {
    await h.iot.send(new DeleteBillingGroupCommand({ billingGroupName: "bronze" }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-2" }))).billingGroupName).toBeUndefined();
    // A new group of the same name starts empty.
    await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "bronze" }));
    expect(await members("bronze")).toEqual([]);
  });
});

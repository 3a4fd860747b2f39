import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DeprecateThingTypeCommand,
  DescribeThingCommand,
  GetThingConnectivityDataCommand,
  InvalidRequestException,
  ListThingsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateThingCommand,
  VersionConflictException,
  paginateListThings,
  type ListThingsCommandInput,
} from "@aws-sdk/client-iot";
import { expectAwsError, inBatches, startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Sensor" }));
  await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Old" }));
  await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Old" }));
});
afterAll(() => h.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("CreateThing / DescribeThing", () => {
  it("creates a thing and describes it with AWS's fields", async () => {
    const out = await h.iot.send(new CreateThingCommand({ thingName: "alpha", attributePayload: { attributes: { color: "red", "site/zone": "a:1" } } }));
    expect(out.thingName).toBe("alpha");
    expect(out.thingArn).toBe("arn:aws:iot:us-east-1:000000000000:thing/alpha");
    expect(out.thingId).toMatch(UUID);
    const d = await h.iot.send(new DescribeThingCommand({ thingName: "alpha" }));
    expect(d).toMatchObject({
      defaultClientId: "alpha",
      thingName: "alpha",
      thingId: out.thingId,
      thingArn: out.thingArn,
      version: 1,
      attributes: { color: "red", "site/zone": "a:1" },
    });
    expect(d.thingTypeName).toBeUndefined();
    expect(d.$metadata.httpStatusCode).toBe(200);
  });

  it("is idempotent for identical input and conflicts (409) for different input", async () => {
    const a = await h.iot.send(new CreateThingCommand({ thingName: "idem", thingTypeName: "Sensor", attributePayload: { attributes: { k: "v" } } }));
    const b = await h.iot.send(new CreateThingCommand({ thingName: "idem", thingTypeName: "Sensor", attributePayload: { attributes: { k: "v" } } }));
    expect(b.thingId).toBe(a.thingId);
    const err = await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: "idem", attributePayload: { attributes: { k: "other" } } })),
      ResourceAlreadyExistsException,
      409,
    );
    expect(err.resourceId).toBe(a.thingId);
    expect(err.resourceArn).toBe(a.thingArn);
  });

  it("validates names and attributes against the model", async () => {
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "has space" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "x".repeat(129) })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: "v1", attributePayload: { attributes: { k: "no spaces allowed" } } })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: "v2", attributePayload: { attributes: { "bad key!": "v" } } })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: "v3", attributePayload: { attributes: { k: "x".repeat(801) } } })),
      InvalidRequestException,
      400,
    );
    await h.iot.send(new CreateThingCommand({ thingName: "v4", attributePayload: { attributes: { k: "x".repeat(800), "a_b.c,d@e/f:g#h-i": "=[]" } } }));
  });

  it("allows 3 attributes without a thing type and 50 with one", async () => {
    const attrs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, `v${i}`]));
    await h.iot.send(new CreateThingCommand({ thingName: "three", attributePayload: { attributes: attrs(3) } }));
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "four", attributePayload: { attributes: attrs(4) } })), InvalidRequestException, 400);
    await h.iot.send(new CreateThingCommand({ thingName: "fifty", thingTypeName: "Sensor", attributePayload: { attributes: attrs(50) } }));
    await expectAwsError(
      h.iot.send(new CreateThingCommand({ thingName: "fifty1", thingTypeName: "Sensor", attributePayload: { attributes: attrs(51) } })),
      InvalidRequestException,
      400,
    );
    // Removing the type from a thing with 50 attributes would break the untyped limit.
    await expectAwsError(h.iot.send(new UpdateThingCommand({ thingName: "fifty", removeThingType: true })), InvalidRequestException, 400);
  });

  it("requires an existing, non-deprecated thing type", async () => {
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "t-missing", thingTypeName: "Nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "t-old", thingTypeName: "Old" })), InvalidRequestException, 400);
  });

  it("describes an unknown thing as ResourceNotFoundException", async () => {
    await expectAwsError(h.iot.send(new DescribeThingCommand({ thingName: "ghost" })), ResourceNotFoundException, 404);
  });
});

describe("UpdateThing", () => {
  it("merges attributes, removes one with an empty value, replaces all without merge", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "upd", attributePayload: { attributes: { a: "1", b: "2" } } }));
    await h.iot.send(new UpdateThingCommand({ thingName: "upd", attributePayload: { attributes: { b: "", c: "3" }, merge: true } }));
    let d = await h.iot.send(new DescribeThingCommand({ thingName: "upd" }));
    expect(d.attributes).toEqual({ a: "1", c: "3" });
    expect(d.version).toBe(2);
    await h.iot.send(new UpdateThingCommand({ thingName: "upd", attributePayload: { attributes: { z: "9" } } }));
    d = await h.iot.send(new DescribeThingCommand({ thingName: "upd" }));
    expect(d.attributes).toEqual({ z: "9" });
    expect(d.version).toBe(3);
  });

  it("checks expectedVersion (VersionConflictException 409)", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "ver" }));
    await expectAwsError(
      h.iot.send(new UpdateThingCommand({ thingName: "ver", expectedVersion: 7, attributePayload: { attributes: { a: "1" } } })),
      VersionConflictException,
      409,
    );
    await h.iot.send(new UpdateThingCommand({ thingName: "ver", expectedVersion: 1, attributePayload: { attributes: { a: "1" } } }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "ver" }))).version).toBe(2);
  });

  it("sets and removes the thing type", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "typed" }));
    await h.iot.send(new UpdateThingCommand({ thingName: "typed", thingTypeName: "Sensor" }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "typed" }))).thingTypeName).toBe("Sensor");
    await expectAwsError(h.iot.send(new UpdateThingCommand({ thingName: "typed", thingTypeName: "Old" })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new UpdateThingCommand({ thingName: "typed", thingTypeName: "Sensor", removeThingType: true })),
      InvalidRequestException,
      400,
    );
    await h.iot.send(new UpdateThingCommand({ thingName: "typed", removeThingType: true }));
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "typed" }))).thingTypeName).toBeUndefined();
  });

  it("fails for an unknown thing", async () => {
    await expectAwsError(
      h.iot.send(new UpdateThingCommand({ thingName: "ghost", attributePayload: { attributes: { a: "1" } } })),
      ResourceNotFoundException,
      404,
    );
  });
});

describe("DeleteThing", () => {
  it("deletes, succeeds for a thing that does not exist, and checks expectedVersion", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "del" }));
    await expectAwsError(h.iot.send(new DeleteThingCommand({ thingName: "del", expectedVersion: 5 })), VersionConflictException, 409);
    const out = await h.iot.send(new DeleteThingCommand({ thingName: "del", expectedVersion: 1 }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expectAwsError(h.iot.send(new DescribeThingCommand({ thingName: "del" })), ResourceNotFoundException, 404);
    await h.iot.send(new DeleteThingCommand({ thingName: "del" }));
    await h.iot.send(new DeleteThingCommand({ thingName: "never-existed" }));
  });

  it("GetThingConnectivityData: ResourceNotFoundException for an unknown thing, disconnected for a known one", async () => {
    await expectAwsError(h.iot.send(new GetThingConnectivityDataCommand({ thingName: "ghost" })), ResourceNotFoundException, 404);
    const out = await h.iot.send(new GetThingConnectivityDataCommand({ thingName: "alpha" }));
    expect(out).toMatchObject({ thingName: "alpha", connected: false });
  });
});

describe("ListThings paging and filters", () => {
  const N = 600;
  const name = (i: number) => `dev-${String(i).padStart(4, "0")}`;
  beforeAll(async () => {
    await inBatches(
      Array.from({ length: N }, (_, i) => i),
      50,
      (i) =>
        h.iot.send(
          new CreateThingCommand({
            thingName: name(i),
            ...(i % 3 === 0 ? { thingTypeName: "Sensor" } : {}),
            attributePayload: { attributes: { batch: `b${i % 4}`, fw: i % 2 ? `v2.${i % 5}` : `v1.${i % 5}` } },
          }),
        ),
    );
  });

  async function all(input: ListThingsCommandInput): Promise<string[]> {
    const names: string[] = [];
    let nextToken = input.nextToken;
    let pages = 0;
    do {
      const out = await h.iot.send(new ListThingsCommand({ ...input, nextToken }));
      expect(out.things!.length).toBeLessThanOrEqual(input.maxResults ?? 250);
      for (const t of out.things!) {
        expect(t).not.toHaveProperty("thingId");
        expect(t.thingArn).toBe(`arn:aws:iot:us-east-1:000000000000:thing/${t.thingName}`);
        names.push(t.thingName!);
      }
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(0);
    return names;
  }

  const devs = (pred: (i: number) => boolean) =>
    Array.from({ length: N }, (_, i) => i)
      .filter(pred)
      .map(name);
  const only = (names: string[]) => names.filter((n) => n.startsWith("dev-"));

  it("pages through everything with maxResults 250: sorted, no duplicates, nothing missing", async () => {
    const names = await all({ maxResults: 250 });
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(names);
    expect(only(names)).toEqual(devs(() => true));
  });

  it("pages with the SDK paginator", async () => {
    const names: string[] = [];
    for await (const page of paginateListThings({ client: h.iot, pageSize: 100 }, { thingTypeName: "Sensor" })) {
      names.push(...page.things!.map((t) => t.thingName!));
    }
    expect(only(names)).toEqual(devs((i) => i % 3 === 0));
  });

  it("filters by thing type", async () => {
    const things = (await h.iot.send(new ListThingsCommand({ thingTypeName: "Sensor", maxResults: 5 }))).things!;
    expect(things.every((t) => t.thingTypeName === "Sensor")).toBe(true);
    expect(only(await all({ thingTypeName: "Sensor", maxResults: 250 }))).toEqual(devs((i) => i % 3 === 0));
    expect(await all({ thingTypeName: "NoSuchType" })).toEqual([]);
  });

  it("filters by attribute value, exact and by prefix, and by attribute name alone", async () => {
    expect(await all({ attributeName: "batch", attributeValue: "b1", maxResults: 37 })).toEqual(devs((i) => i % 4 === 1));
    expect(await all({ attributeName: "fw", attributeValue: "v2.", usePrefixAttributeValue: true, maxResults: 250 })).toEqual(devs((i) => i % 2 === 1));
    expect(await all({ attributeName: "fw", attributeValue: "v2.", maxResults: 250 })).toEqual([]);
    expect(await all({ attributeName: "batch", maxResults: 250 })).toEqual(devs(() => true));
  });

  it("sees later changes without repeating or skipping (token = last name)", async () => {
    const first = await h.iot.send(new ListThingsCommand({ maxResults: 10, attributeName: "batch", attributeValue: "b2" }));
    await h.iot.send(new DeleteThingCommand({ thingName: first.things![9].thingName! }));
    await h.iot.send(new CreateThingCommand({ thingName: "dev-9999", attributePayload: { attributes: { batch: "b2" } } }));
    const rest = await all({ maxResults: 250, attributeName: "batch", attributeValue: "b2", nextToken: first.nextToken });
    const expected = [...devs((i) => i % 4 === 2), "dev-9999"].sort().filter((n) => n > first.things![9].thingName!);
    expect(rest).toEqual(expected);
  });

  it("validates maxResults, nextToken and filter combinations", async () => {
    await expectAwsError(h.iot.send(new ListThingsCommand({ maxResults: 0 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListThingsCommand({ maxResults: 251 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListThingsCommand({ nextToken: "garbage!" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListThingsCommand({ nextToken: Buffer.from("{}").toString("base64") })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new ListThingsCommand({ thingTypeName: "Sensor", attributeName: "batch", attributeValue: "b1" })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(h.iot.send(new ListThingsCommand({ attributeValue: "b1" })), InvalidRequestException, 400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  CreateThingCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DeleteThingTypeCommand,
  DeprecateThingTypeCommand,
  DescribeThingTypeCommand,
  InvalidRequestException,
  ListThingTypesCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateThingCommand,
  UpdateThingTypeCommand,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
const savedWait = process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(async () => {
  if (savedWait === undefined) delete process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS;
  else process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS = savedWait;
  await h.stop();
});

describe("thing types", () => {
  it("creates (idempotently) and describes a thing type", async () => {
    const props = { thingTypeDescription: "Temperature sensors", searchableAttributes: ["model", "site"] };
    const out = await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Thermo", thingTypeProperties: props }));
    expect(out.thingTypeName).toBe("Thermo");
    expect(out.thingTypeArn).toBe("arn:aws:iot:us-east-1:000000000000:thingtype/Thermo");
    expect(out.thingTypeId).toBeTruthy();
    const again = await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Thermo", thingTypeProperties: props }));
    expect(again.thingTypeId).toBe(out.thingTypeId);
    await expectAwsError(
      h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Thermo", thingTypeProperties: { thingTypeDescription: "other" } })),
      ResourceAlreadyExistsException,
      409,
    );

    const d = await h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Thermo" }));
    expect(d).toMatchObject({ thingTypeName: "Thermo", thingTypeId: out.thingTypeId, thingTypeArn: out.thingTypeArn, thingTypeProperties: props });
    expect(d.thingTypeMetadata?.deprecated).toBe(false);
    expect(d.thingTypeMetadata?.deprecationDate).toBeUndefined();
    expect(d.thingTypeMetadata?.creationDate).toBeInstanceOf(Date);
    expect(Math.abs(d.thingTypeMetadata!.creationDate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("validates input and reports unknown types", async () => {
    await expectAwsError(h.iot.send(new CreateThingTypeCommand({ thingTypeName: "bad name" })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new CreateThingTypeCommand({ thingTypeName: "TooMany", thingTypeProperties: { searchableAttributes: ["a", "b", "c", "d"] } })),
      InvalidRequestException,
      400,
    );
    await expectAwsError(h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Nope" })), ResourceNotFoundException, 404);
  });

  it("updates thing type properties", async () => {
    await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Upd", thingTypeProperties: { thingTypeDescription: "one" } }));
    await h.iot.send(new UpdateThingTypeCommand({ thingTypeName: "Upd", thingTypeProperties: { searchableAttributes: ["x"] } }));
    const d = await h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Upd" }));
    expect(d.thingTypeProperties).toEqual({ thingTypeDescription: "one", searchableAttributes: ["x"] });
  });

  it("lists thing types in name order with paging and the name filter", async () => {
    for (const n of ["T-c", "T-a", "T-b"]) await h.iot.send(new CreateThingTypeCommand({ thingTypeName: n }));
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await h.iot.send(new ListThingTypesCommand({ maxResults: 2, nextToken }));
      names.push(...out.thingTypes!.map((t) => t.thingTypeName!));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(names).toEqual(["T-a", "T-b", "T-c", "Thermo", "Upd"]);
    const one = await h.iot.send(new ListThingTypesCommand({ thingTypeName: "T-b" }));
    expect(one.thingTypes!.map((t) => t.thingTypeName)).toEqual(["T-b"]);
    expect(one.thingTypes![0].thingTypeMetadata?.deprecated).toBe(false);
    await expectAwsError(h.iot.send(new ListThingTypesCommand({ maxResults: 251 })), InvalidRequestException, 400);
  });

  it("deprecates (no new things), undoes it, and deletes only deprecated unused types after the wait", async () => {
    process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS = "300";
    await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Lamp" }));
    await h.iot.send(new CreateThingCommand({ thingName: "lamp-1", thingTypeName: "Lamp" }));
    await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Lamp" })), InvalidRequestException, 400);

    await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Lamp" }));
    const d = await h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Lamp" }));
    expect(d.thingTypeMetadata?.deprecated).toBe(true);
    expect(d.thingTypeMetadata?.deprecationDate).toBeInstanceOf(Date);
    await expectAwsError(h.iot.send(new CreateThingCommand({ thingName: "lamp-2", thingTypeName: "Lamp" })), InvalidRequestException, 400);
    // Existing things keep a deprecated type and can still be updated.
    await h.iot.send(new UpdateThingCommand({ thingName: "lamp-1", attributePayload: { attributes: { a: "1" } } }));

    // Within the 5-minute wait: refused.
    await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Lamp" })), InvalidRequestException, 400);
    process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS = "0";
    // Still used by lamp-1: refused.
    await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Lamp" })), InvalidRequestException, 400);

    await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Lamp", undoDeprecate: true }));
    const undone = await h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Lamp" }));
    expect(undone.thingTypeMetadata?.deprecated).toBe(false);
    await h.iot.send(new CreateThingCommand({ thingName: "lamp-2", thingTypeName: "Lamp" }));
    // Not deprecated any more: refused.
    await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Lamp" })), InvalidRequestException, 400);

    await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Lamp" }));
    await h.iot.send(new DeleteThingCommand({ thingName: "lamp-1" }));
    await h.iot.send(new UpdateThingCommand({ thingName: "lamp-2", removeThingType: true }));
    const out = await h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Lamp" }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expectAwsError(h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Lamp" })), ResourceNotFoundException, 404);
  });

  it("keeps the five-minute wait when the wait variable is not a number of seconds", async () => {
    await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Bulb" }));
    await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Bulb" }));
    for (const bad of ["soon", "-1"]) {
      process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS = bad;
      // Refused as too early (400), not an internal failure from reading the variable.
      await expectAwsError(h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Bulb" })), InvalidRequestException, 400);
    }
    process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS = "0";
    await h.iot.send(new DeleteThingTypeCommand({ thingTypeName: "Bulb" }));
  });
});

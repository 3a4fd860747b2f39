import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  IoTClient,
  AddThingToBillingGroupCommand,
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateBillingGroupCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DeprecateThingTypeCommand,
  DescribeBillingGroupCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListBillingGroupsCommand,
  ListCertificatesCommand,
  ListPrincipalThingsCommand,
  ListThingsCommand,
  ListThingsInBillingGroupCommand,
  ListThingsInThingGroupCommand,
  ResourceNotFoundException,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

/** Everything the registry holds survives a restart on the same data directory. */
const dataDir = mkdtempSync(join(tmpdir(), "emu-persist-"));
let h: Harness<IoTClient>;
let cert: { certificateArn?: string; certificateId?: string; certificatePem?: string };
let thingId: string;
let billingGroupId: string;

beforeAll(async () => {
  h = await startHarness(IoTClient, { dataDir });
  await h.iot.send(
    new CreateThingTypeCommand({ thingTypeName: "Meter", thingTypeProperties: { thingTypeDescription: "power", searchableAttributes: ["site"] } }),
  );
  await h.iot.send(new DeprecateThingTypeCommand({ thingTypeName: "Meter" }));
  await h.iot.send(new CreateThingTypeCommand({ thingTypeName: "Gauge" }));
  thingId = (await h.iot.send(new CreateThingCommand({ thingName: "m-1", thingTypeName: "Gauge", attributePayload: { attributes: { site: "lyon" } } })))
    .thingId!;
  await h.iot.send(new UpdateThingCommand({ thingName: "m-1", attributePayload: { attributes: { floor: "2" }, merge: true } }));
  await h.iot.send(new CreateThingCommand({ thingName: "m-2" }));
  await h.iot.send(new CreateThingCommand({ thingName: "m-3" }));
  await h.iot.send(new DeleteThingCommand({ thingName: "m-3" }));
  await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "france" }));
  await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "lyon", parentGroupName: "france" }));
  await h.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "lyon", thingName: "m-1" }));
  billingGroupId = (
    await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "premium", billingGroupProperties: { billingGroupDescription: "paid" } }))
  ).billingGroupId!;
  await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "basic" }));
  await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "premium", thingName: "m-2" }));
  cert = await h.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  await h.iot.send(new AttachThingPrincipalCommand({ thingName: "m-1", principal: cert.certificateArn }));
  await h.iot.send(
    new CreatePolicyCommand({
      policyName: "pol",
      policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "*" }] }),
    }),
  );
  await h.iot.send(new AttachPolicyCommand({ policyName: "pol", target: cert.certificateArn }));
  await h.stop();
  h = await startHarness(IoTClient, { dataDir });
});

afterAll(async () => {
  await h.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("after a restart on the same data directory", () => {
  it("has the things, with their indexes", async () => {
    const d = await h.iot.send(new DescribeThingCommand({ thingName: "m-1" }));
    expect(d).toMatchObject({ thingId, thingTypeName: "Gauge", attributes: { site: "lyon", floor: "2" }, version: 2 });
    const names = (await h.iot.send(new ListThingsCommand({}))).things!.map((t) => t.thingName);
    expect(names).toEqual(["m-1", "m-2"]);
    expect((await h.iot.send(new ListThingsCommand({ thingTypeName: "Gauge" }))).things!.map((t) => t.thingName)).toEqual(["m-1"]);
    expect((await h.iot.send(new ListThingsCommand({ attributeName: "site", attributeValue: "lyon" }))).things!.map((t) => t.thingName)).toEqual(["m-1"]);
    await expectAwsError(h.iot.send(new DescribeThingCommand({ thingName: "m-3" })), ResourceNotFoundException, 404);
    // New things still sort into the restored order.
    await h.iot.send(new CreateThingCommand({ thingName: "m-0" }));
    expect((await h.iot.send(new ListThingsCommand({}))).things!.map((t) => t.thingName)).toEqual(["m-0", "m-1", "m-2"]);
  });

  it("has the thing types, with deprecation", async () => {
    const d = await h.iot.send(new DescribeThingTypeCommand({ thingTypeName: "Meter" }));
    expect(d.thingTypeProperties).toEqual({ thingTypeDescription: "power", searchableAttributes: ["site"] });
    expect(d.thingTypeMetadata?.deprecated).toBe(true);
  });

  it("has the groups and memberships", async () => {
    const g = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: "lyon" }));
    expect(g.thingGroupMetadata?.parentGroupName).toBe("france");
    expect((await h.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "france", recursive: true }))).things).toEqual(["m-1"]);
  });

  it("has the billing groups and their members", async () => {
    const d = await h.iot.send(new DescribeBillingGroupCommand({ billingGroupName: "premium" }));
    expect(d).toMatchObject({ billingGroupId, version: 1, billingGroupProperties: { billingGroupDescription: "paid" } });
    expect((await h.iot.send(new ListBillingGroupsCommand({}))).billingGroups!.map((g) => g.groupName)).toEqual(["basic", "premium"]);
    expect((await h.iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: "premium" }))).things).toEqual(["m-2"]);
    expect((await h.iot.send(new DescribeThingCommand({ thingName: "m-2" }))).billingGroupName).toBe("premium");
    // The restored membership index follows later moves.
    await h.iot.send(new AddThingToBillingGroupCommand({ billingGroupName: "basic", thingName: "m-2" }));
    expect((await h.iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: "premium" }))).things).toEqual([]);
    expect((await h.iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: "basic" }))).things).toEqual(["m-2"]);
  });

  it("has the certificates, principals, policies and attachments", async () => {
    const d = await h.iot.send(new DescribeCertificateCommand({ certificateId: cert.certificateId }));
    expect(d.certificateDescription).toMatchObject({ status: "ACTIVE", certificatePem: cert.certificatePem });
    expect((await h.iot.send(new ListCertificatesCommand({}))).certificates!.map((c) => c.certificateId)).toEqual([cert.certificateId]);
    expect((await h.iot.send(new ListPrincipalThingsCommand({ principal: cert.certificateArn }))).things).toEqual(["m-1"]);
    expect((await h.iot.send(new GetPolicyCommand({ policyName: "pol" }))).defaultVersionId).toBe("1");
    expect((await h.iot.send(new ListAttachedPoliciesCommand({ target: cert.certificateArn }))).policies!.map((p) => p.policyName)).toEqual(["pol"]);
  });

  it("signs new certificates with the same CA", async () => {
    const again = await h.iot.send(new CreateKeysAndCertificateCommand({}));
    const a = new X509Certificate(cert.certificatePem!);
    const b = new X509Certificate(again.certificatePem!);
    expect(b.issuer).toBe(a.issuer);
    const ca = new X509Certificate(readFileSync(join(dataDir, "emulator-ca.pem")));
    expect(a.verify(ca.publicKey)).toBe(true);
    expect(b.verify(ca.publicKey)).toBe(true);
  });
});

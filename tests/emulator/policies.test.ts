import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  AttachPolicyCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingGroupCommand,
  DeleteConflictException,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  InvalidRequestException,
  LimitExceededException,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListTargetsForPolicyCommand,
  MalformedPolicyException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  SetDefaultPolicyVersionCommand,
  VersionsLimitExceededException,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

let h: Harness<IoTClient>;
let certArn: string;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  certArn = (await h.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }))).certificateArn!;
});
afterAll(() => h.stop());

const doc = (action = "iot:Connect") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [action], Resource: ["*"] }] });
const create = (policyName: string, policyDocument = doc()) => h.iot.send(new CreatePolicyCommand({ policyName, policyDocument }));

describe("CreatePolicy / GetPolicy / ListPolicies", () => {
  it("creates version 1 and returns the document as a string", async () => {
    const out = await create("connect");
    expect(out).toMatchObject({
      policyName: "connect",
      policyArn: "arn:aws:iot:us-east-1:000000000000:policy/connect",
      policyDocument: doc(),
      policyVersionId: "1",
    });
    const g = await h.iot.send(new GetPolicyCommand({ policyName: "connect" }));
    expect(g).toMatchObject({ policyName: "connect", policyArn: out.policyArn, policyDocument: doc(), defaultVersionId: "1" });
    expect(typeof g.policyDocument).toBe("string");
    expect(g.creationDate).toBeInstanceOf(Date);
    expect(g.lastModifiedDate).toBeInstanceOf(Date);
    expect(g.generationId).toBeTruthy();
  });

  it("rejects duplicates, malformed documents and bad names", async () => {
    const dup = await expectAwsError(create("connect"), ResourceAlreadyExistsException, 409);
    expect(dup.resourceArn).toBe("arn:aws:iot:us-east-1:000000000000:policy/connect");
    await expectAwsError(create("bad-json", "{not json"), MalformedPolicyException, 400);
    await expectAwsError(create("no-statement", JSON.stringify({ Version: "2012-10-17" })), MalformedPolicyException, 400);
    await expectAwsError(
      create("no-version", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "*" }] })),
      MalformedPolicyException,
      400,
    );
    await expectAwsError(create("too-big", doc("iot:" + "x".repeat(2100))), MalformedPolicyException, 400);
    await expectAwsError(create("bad name!"), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new GetPolicyCommand({ policyName: "nope" })), ResourceNotFoundException, 404);
  });

  it("pages policies with pageSize/marker in creation order", async () => {
    for (let i = 0; i < 6; i++) await create(`list-${i}`);
    const all = async (ascendingOrder?: boolean) => {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const out = await h.iot.send(new ListPoliciesCommand({ pageSize: 2, marker, ascendingOrder }));
        names.push(...out.policies!.map((p) => p.policyName!));
        marker = out.nextMarker;
      } while (marker);
      return names;
    };
    const asc = await all(true);
    expect(asc).toEqual(["connect", ...Array.from({ length: 6 }, (_, i) => `list-${i}`)]);
    expect(await all()).toEqual([...asc].reverse());
    await expectAwsError(h.iot.send(new ListPoliciesCommand({ pageSize: 300 })), InvalidRequestException, 400);
  });
});

describe("attachments", () => {
  it("attaches to a certificate, lists both ways (POST, ARN in the path), blocks DeletePolicy", async () => {
    await h.iot.send(new AttachPolicyCommand({ policyName: "connect", target: certArn }));
    await h.iot.send(new AttachPolicyCommand({ policyName: "connect", target: certArn }));
    await h.iot.send(new AttachPolicyCommand({ policyName: "list-0", target: certArn }));
    const attached = await h.iot.send(new ListAttachedPoliciesCommand({ target: certArn }));
    expect(attached.policies).toEqual([
      { policyName: "connect", policyArn: "arn:aws:iot:us-east-1:000000000000:policy/connect" },
      { policyName: "list-0", policyArn: "arn:aws:iot:us-east-1:000000000000:policy/list-0" },
    ]);
    const paged = await h.iot.send(new ListAttachedPoliciesCommand({ target: certArn, pageSize: 1 }));
    expect(paged.policies!.map((p) => p.policyName)).toEqual(["connect"]);
    const rest = await h.iot.send(new ListAttachedPoliciesCommand({ target: certArn, pageSize: 1, marker: paged.nextMarker }));
    expect(rest.policies!.map((p) => p.policyName)).toEqual(["list-0"]);
    expect(rest.nextMarker).toBeUndefined();
    expect((await h.iot.send(new ListTargetsForPolicyCommand({ policyName: "connect" }))).targets).toEqual([certArn]);

    await expectAwsError(h.iot.send(new DeletePolicyCommand({ policyName: "connect" })), DeleteConflictException, 409);
    await h.iot.send(new DetachPolicyCommand({ policyName: "connect", target: certArn }));
    await h.iot.send(new DetachPolicyCommand({ policyName: "connect", target: certArn }));
    expect((await h.iot.send(new ListTargetsForPolicyCommand({ policyName: "connect" }))).targets).toEqual([]);
  });

  it("checks policy, target and the per-target limit of 10", async () => {
    await expectAwsError(h.iot.send(new AttachPolicyCommand({ policyName: "nope", target: certArn })), ResourceNotFoundException, 404);
    await expectAwsError(
      h.iot.send(new AttachPolicyCommand({ policyName: "connect", target: `arn:aws:iot:us-east-1:000000000000:cert/${"0".repeat(64)}` })),
      ResourceNotFoundException,
      404,
    );
    await expectAwsError(h.iot.send(new AttachPolicyCommand({ policyName: "connect", target: "whatever" })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new ListAttachedPoliciesCommand({ target: `arn:aws:iot:us-east-1:000000000000:cert/${"0".repeat(64)}` })),
      ResourceNotFoundException,
      404,
    );

    const other = (await h.iot.send(new CreateKeysAndCertificateCommand({}))).certificateArn!;
    for (let i = 0; i < 10; i++) {
      await create(`many-${i}`);
      await h.iot.send(new AttachPolicyCommand({ policyName: `many-${i}`, target: other }));
    }
    await create("many-10");
    await expectAwsError(h.iot.send(new AttachPolicyCommand({ policyName: "many-10", target: other })), LimitExceededException, 410);
  });

  it("attaches to thing groups; recursive listing includes the ancestors' policies", async () => {
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "root" }));
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "leaf", parentGroupName: "root" }));
    const arn = (g: string) => `arn:aws:iot:us-east-1:000000000000:thinggroup/${g}`;
    await h.iot.send(new AttachPolicyCommand({ policyName: "list-1", target: arn("root") }));
    await h.iot.send(new AttachPolicyCommand({ policyName: "list-2", target: arn("leaf") }));
    expect((await h.iot.send(new ListAttachedPoliciesCommand({ target: arn("leaf") }))).policies!.map((p) => p.policyName)).toEqual(["list-2"]);
    expect((await h.iot.send(new ListAttachedPoliciesCommand({ target: arn("leaf"), recursive: true }))).policies!.map((p) => p.policyName)).toEqual([
      "list-1",
      "list-2",
    ]);
  });
});

describe("policy versions", () => {
  it("creates, lists, switches and deletes versions within the limit of 5", async () => {
    await create("versioned", doc("iot:Connect"));
    const v2 = await h.iot.send(new CreatePolicyVersionCommand({ policyName: "versioned", policyDocument: doc("iot:Publish"), setAsDefault: true }));
    expect(v2).toMatchObject({ policyVersionId: "2", isDefaultVersion: true, policyDocument: doc("iot:Publish") });
    let g = await h.iot.send(new GetPolicyCommand({ policyName: "versioned" }));
    expect(g).toMatchObject({ defaultVersionId: "2", policyDocument: doc("iot:Publish") });
    for (const n of [3, 4, 5]) await h.iot.send(new CreatePolicyVersionCommand({ policyName: "versioned", policyDocument: doc(`iot:A${n}`) }));
    await expectAwsError(h.iot.send(new CreatePolicyVersionCommand({ policyName: "versioned", policyDocument: doc() })), VersionsLimitExceededException, 409);

    const versions = await h.iot.send(new ListPolicyVersionsCommand({ policyName: "versioned" }));
    expect(versions.policyVersions!.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ["5", false],
      ["4", false],
      ["3", false],
      ["2", true],
      ["1", false],
    ]);
    const v1 = await h.iot.send(new GetPolicyVersionCommand({ policyName: "versioned", policyVersionId: "1" }));
    expect(v1).toMatchObject({ policyVersionId: "1", isDefaultVersion: false, policyDocument: doc("iot:Connect") });

    await h.iot.send(new SetDefaultPolicyVersionCommand({ policyName: "versioned", policyVersionId: "1" }));
    g = await h.iot.send(new GetPolicyCommand({ policyName: "versioned" }));
    expect(g.defaultVersionId).toBe("1");
    await expectAwsError(h.iot.send(new DeletePolicyVersionCommand({ policyName: "versioned", policyVersionId: "1" })), DeleteConflictException, 409);
    await expectAwsError(h.iot.send(new DeletePolicyCommand({ policyName: "versioned" })), DeleteConflictException, 409);
    for (const v of ["2", "3", "4", "5"]) await h.iot.send(new DeletePolicyVersionCommand({ policyName: "versioned", policyVersionId: v }));
    await expectAwsError(h.iot.send(new GetPolicyVersionCommand({ policyName: "versioned", policyVersionId: "2" })), ResourceNotFoundException, 404);
    await h.iot.send(new DeletePolicyCommand({ policyName: "versioned" }));
    await expectAwsError(h.iot.send(new GetPolicyCommand({ policyName: "versioned" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DeletePolicyCommand({ policyName: "versioned" })), ResourceNotFoundException, 404);
  });
});

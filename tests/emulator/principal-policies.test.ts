import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IoTClient,
  AttachPolicyCommand,
  AttachPrincipalPolicyCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingGroupCommand,
  DeleteConflictException,
  DeletePolicyCommand,
  DetachPolicyCommand,
  DetachPrincipalPolicyCommand,
  InvalidRequestException,
  LimitExceededException,
  ListAttachedPoliciesCommand,
  ListPolicyPrincipalsCommand,
  ListPrincipalPoliciesCommand,
  ListTargetsForPolicyCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

/** The legacy principal-policy operations (deprecated, still called by AWS scripts). */

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(() => h.stop());

const ARN = "arn:aws:iot:us-east-1:000000000000";
const unknownCert = `${ARN}:cert/${"0".repeat(64)}`;
const cognito = "us-east-1:12345678-1234-1234-1234-123456789012";
const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iot:Connect"], Resource: ["*"] }] });
const create = (policyName: string) => h.iot.send(new CreatePolicyCommand({ policyName, policyDocument: doc }));
const newCert = async () => (await h.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }))).certificateArn!;
const policiesOf = async (principal: string) => (await h.iot.send(new ListPrincipalPoliciesCommand({ principal }))).policies!.map((p) => p.policyName);
const principalsOf = async (policyName: string) => (await h.iot.send(new ListPolicyPrincipalsCommand({ policyName }))).principals;

describe("Attach/DetachPrincipalPolicy, ListPrincipalPolicies, ListPolicyPrincipals", () => {
  it("attaches, lists both ways and detaches (principal and policy in headers)", async () => {
    const cert = await newCert();
    await create("pp-a");
    const out = await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-a", principal: cert }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-a", principal: cert }));
    await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-a", principal: cognito }));

    const listed = await h.iot.send(new ListPrincipalPoliciesCommand({ principal: cert }));
    expect(listed.policies).toEqual([{ policyName: "pp-a", policyArn: `${ARN}:policy/pp-a` }]);
    expect(listed.nextMarker).toBeUndefined();
    expect(await principalsOf("pp-a")).toEqual([cognito, cert]);
    await expectAwsError(h.iot.send(new DeletePolicyCommand({ policyName: "pp-a" })), DeleteConflictException, 409);

    await h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "pp-a", principal: cert }));
    // Detaching what is no longer attached changes nothing and succeeds.
    await h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "pp-a", principal: cert }));
    expect(await policiesOf(cert)).toEqual([]);
    expect(await principalsOf("pp-a")).toEqual([cognito]);
    await h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "pp-a", principal: cognito }));
    await h.iot.send(new DeletePolicyCommand({ policyName: "pp-a" }));
  });

  it("shares attachments with AttachPolicy/DetachPolicy and their listings", async () => {
    const cert = await newCert();
    await create("pp-old");
    await create("pp-new");
    await h.iot.send(new AttachPolicyCommand({ policyName: "pp-old", target: cert }));
    await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-new", principal: cert }));

    expect(await policiesOf(cert)).toEqual(["pp-new", "pp-old"]);
    expect(await principalsOf("pp-old")).toEqual([cert]);
    const attached = await h.iot.send(new ListAttachedPoliciesCommand({ target: cert }));
    expect(attached.policies!.map((p) => p.policyName)).toEqual(["pp-new", "pp-old"]);
    expect((await h.iot.send(new ListTargetsForPolicyCommand({ policyName: "pp-new" }))).targets).toEqual([cert]);

    await h.iot.send(new DetachPolicyCommand({ policyName: "pp-new", target: cert }));
    await h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "pp-old", principal: cert }));
    expect(await policiesOf(cert)).toEqual([]);
    expect((await h.iot.send(new ListAttachedPoliciesCommand({ target: cert }))).policies).toEqual([]);
  });

  it("leaves thing groups out of ListPolicyPrincipals (they are targets, not principals)", async () => {
    const cert = await newCert();
    await create("pp-group");
    await h.iot.send(new CreateThingGroupCommand({ thingGroupName: "pp-g" }));
    await h.iot.send(new AttachPolicyCommand({ policyName: "pp-group", target: `${ARN}:thinggroup/pp-g` }));
    await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-group", principal: cert }));
    expect(await principalsOf("pp-group")).toEqual([cert]);
    expect((await h.iot.send(new ListTargetsForPolicyCommand({ policyName: "pp-group" }))).targets).toHaveLength(2);
  });

  it("pages with marker/pageSize: policies by creation, principals by attachment, newest first unless ascending", async () => {
    const cert = await newCert();
    // Created in one order, attached in another, so the two orders can be told apart.
    for (const n of ["pg-3", "pg-1", "pg-2"]) await create(n);
    for (const n of ["pg-2", "pg-3", "pg-1"]) await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: n, principal: cert }));
    const pagePolicies = async (ascendingOrder?: boolean) => {
      const names: string[] = [];
      let marker: string | undefined;
      let calls = 0;
      do {
        const out = await h.iot.send(new ListPrincipalPoliciesCommand({ principal: cert, pageSize: 2, marker, ascendingOrder }));
        expect(out.policies!.length).toBeLessThanOrEqual(2);
        names.push(...out.policies!.map((p) => p.policyName!));
        marker = out.nextMarker;
        calls++;
      } while (marker);
      expect(calls).toBe(2);
      return names;
    };
    expect(await pagePolicies(true)).toEqual(["pg-3", "pg-1", "pg-2"]);
    expect(await pagePolicies()).toEqual(["pg-2", "pg-1", "pg-3"]);

    const certs = [await newCert(), await newCert(), await newCert()];
    await create("pg-many");
    for (const c of certs) await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pg-many", principal: c }));
    const pagePrincipals = async (ascendingOrder?: boolean) => {
      const out: string[] = [];
      let marker: string | undefined;
      do {
        const page = await h.iot.send(new ListPolicyPrincipalsCommand({ policyName: "pg-many", pageSize: 2, marker, ascendingOrder }));
        expect(page.principals!.length).toBeLessThanOrEqual(2);
        out.push(...page.principals!);
        marker = page.nextMarker;
      } while (marker);
      return out;
    };
    expect(await pagePrincipals(true)).toEqual(certs);
    expect(await pagePrincipals(false)).toEqual([...certs].reverse());

    await expectAwsError(h.iot.send(new ListPrincipalPoliciesCommand({ principal: cert, pageSize: 251 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListPolicyPrincipalsCommand({ policyName: "pg-many", pageSize: 0 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListPolicyPrincipalsCommand({ policyName: "pg-many", marker: "not a marker!" })), InvalidRequestException, 400);
  });

  it("reports unknown policies and certificates, and malformed or missing principals", async () => {
    const cert = await newCert();
    await create("pp-err");
    await expectAwsError(h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "nope", principal: cert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "nope", principal: cert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListPolicyPrincipalsCommand({ policyName: "nope" })), ResourceNotFoundException, 404);
    // As AttachPolicy and ListAttachedPolicies treat a certificate ARN that names no certificate.
    await expectAwsError(h.iot.send(new AttachPolicyCommand({ policyName: "pp-err", target: unknownCert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-err", principal: unknownCert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListPrincipalPoliciesCommand({ principal: unknownCert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-err", principal: "whatever" })), InvalidRequestException, 400);
    await expectAwsError(
      h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-err", principal: `${ARN}:thinggroup/pp-g` })),
      InvalidRequestException,
      400,
    );

    // The SDK does not check required header members; the emulator must.
    const missing = undefined as unknown as string;
    await expectAwsError(h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "pp-err", principal: missing })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new DetachPrincipalPolicyCommand({ policyName: "pp-err", principal: missing })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListPrincipalPoliciesCommand({ principal: missing })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListPolicyPrincipalsCommand({ policyName: missing })), InvalidRequestException, 400);
  });

  it("counts both kinds of attachment against the limit of 10 policies per target", async () => {
    const cert = await newCert();
    for (let i = 0; i < 10; i++) {
      await create(`lim-${i}`);
      if (i % 2) await h.iot.send(new AttachPolicyCommand({ policyName: `lim-${i}`, target: cert }));
      else await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: `lim-${i}`, principal: cert }));
    }
    await create("lim-10");
    await expectAwsError(h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "lim-10", principal: cert })), LimitExceededException, 410);
    await expectAwsError(h.iot.send(new AttachPolicyCommand({ policyName: "lim-10", target: cert })), LimitExceededException, 410);
    // Re-attaching one already attached is not a new attachment.
    await h.iot.send(new AttachPrincipalPolicyCommand({ policyName: "lim-0", principal: cert }));
    expect(await policiesOf(cert)).toHaveLength(10);
  });
});

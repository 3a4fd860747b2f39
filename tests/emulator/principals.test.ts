import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import {
  IoTClient,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DetachThingPrincipalCommand,
  InvalidRequestException,
  ListPrincipalThingsCommand,
  ListPrincipalThingsV2Command,
  ListThingPrincipalsCommand,
  ListThingPrincipalsV2Command,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
  for (const t of ["p1", "p2", "p3"]) await h.iot.send(new CreateThingCommand({ thingName: t }));
});
afterAll(() => h.stop());

async function newCertArn(): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=p", keys, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } });
  return (await h.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: csr.toString("pem"), setAsActive: true }))).certificateArn!;
}

describe("thing principals", () => {
  it("attaches (x-amzn-principal header), lists both ways, detaches", async () => {
    const cert = await newCertArn();
    const out = await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p1", principal: cert }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p1", principal: cert }));
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p2", principal: cert }));
    expect((await h.iot.send(new ListThingPrincipalsCommand({ thingName: "p1" }))).principals).toEqual([cert]);
    expect((await h.iot.send(new ListPrincipalThingsCommand({ principal: cert }))).things).toEqual(["p1", "p2"]);

    await h.iot.send(new DetachThingPrincipalCommand({ thingName: "p2", principal: cert }));
    expect((await h.iot.send(new ListPrincipalThingsCommand({ principal: cert }))).things).toEqual(["p1"]);
    expect((await h.iot.send(new ListThingPrincipalsCommand({ thingName: "p2" }))).principals).toEqual([]);
  });

  it("refuses to delete a thing with attached principals until they are detached", async () => {
    const cert = await newCertArn();
    await h.iot.send(new CreateThingCommand({ thingName: "holder" }));
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "holder", principal: cert }));
    await expectAwsError(h.iot.send(new DeleteThingCommand({ thingName: "holder" })), InvalidRequestException, 400);
    await h.iot.send(new DetachThingPrincipalCommand({ thingName: "holder", principal: cert }));
    await h.iot.send(new DeleteThingCommand({ thingName: "holder" }));
    expect((await h.iot.send(new ListPrincipalThingsCommand({ principal: cert }))).things).toEqual([]);
  });

  it("reports unknown things, unknown certificates and malformed principals", async () => {
    const cert = await newCertArn();
    const missingCert = `arn:aws:iot:us-east-1:000000000000:cert/${"f".repeat(64)}`;
    await expectAwsError(h.iot.send(new AttachThingPrincipalCommand({ thingName: "ghost", principal: cert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AttachThingPrincipalCommand({ thingName: "p3", principal: missingCert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new AttachThingPrincipalCommand({ thingName: "p3", principal: "not-a-principal" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new DetachThingPrincipalCommand({ thingName: "ghost", principal: cert })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListThingPrincipalsCommand({ thingName: "ghost" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new ListPrincipalThingsCommand({ principal: missingCert })), ResourceNotFoundException, 404);
  });

  it("pages principals of a thing and things of a principal", async () => {
    const certs: string[] = [];
    for (let i = 0; i < 5; i++) certs.push(await newCertArn());
    for (const c of certs) await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p3", principal: c }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await h.iot.send(new ListThingPrincipalsCommand({ thingName: "p3", maxResults: 2, nextToken }));
      expect(out.principals!.length).toBeLessThanOrEqual(2);
      seen.push(...out.principals!);
      nextToken = out.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...certs].sort());

    const shared = certs[0];
    for (const t of ["p1", "p2"]) await h.iot.send(new AttachThingPrincipalCommand({ thingName: t, principal: shared }));
    const page1 = await h.iot.send(new ListPrincipalThingsCommand({ principal: shared, maxResults: 2 }));
    expect(page1.things).toEqual(["p1", "p2"]);
    const page2 = await h.iot.send(new ListPrincipalThingsCommand({ principal: shared, maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.things).toEqual(["p3"]);
    expect(page2.nextToken).toBeUndefined();
  });

  it("keeps an EXCLUSIVE_THING principal on one thing only", async () => {
    const cert = await newCertArn();
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p1", principal: cert, thingPrincipalType: "EXCLUSIVE_THING" }));
    await expectAwsError(h.iot.send(new AttachThingPrincipalCommand({ thingName: "p2", principal: cert })), InvalidRequestException, 400);
    const v2 = await h.iot.send(new ListThingPrincipalsV2Command({ thingName: "p1", thingPrincipalType: "EXCLUSIVE_THING" }));
    expect(v2.thingPrincipalObjects).toEqual([{ principal: cert, thingPrincipalType: "EXCLUSIVE_THING" }]);
    const things = await h.iot.send(new ListPrincipalThingsV2Command({ principal: cert }));
    expect(things.principalThingObjects).toEqual([{ thingName: "p1", thingPrincipalType: "EXCLUSIVE_THING" }]);

    const shared = await newCertArn();
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "p1", principal: shared }));
    await expectAwsError(
      h.iot.send(new AttachThingPrincipalCommand({ thingName: "p2", principal: shared, thingPrincipalType: "EXCLUSIVE_THING" })),
      InvalidRequestException,
      400,
    );
  });
});

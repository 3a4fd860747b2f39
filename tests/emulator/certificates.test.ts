import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { X509Certificate, createHash, createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import {
  IoTClient,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CertificateStateException,
  CertificateValidationException,
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteConflictException,
  DescribeCertificateCommand,
  DetachThingPrincipalCommand,
  InvalidRequestException,
  ListCertificatesCommand,
  ListTargetsForPolicyCommand,
  RegisterCertificateWithoutCACommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
} from "@aws-sdk/client-iot";
import { expectAwsError, startHarness, type Harness } from "./harness";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

let h: Harness<IoTClient>;
beforeAll(async () => {
  h = await startHarness(IoTClient);
});
afterAll(() => h.stop());

const AWS_NOT_AFTER = new Date("2049-12-31T23:59:59Z");
const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function ecCsr(cn: string): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys, signingAlgorithm: EC });
  return csr.toString("pem");
}

const fromCsr = async (cn: string, setAsActive?: boolean) =>
  h.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: await ecCsr(cn), setAsActive }));

function caCertificate(): X509Certificate {
  return new X509Certificate(readFileSync(join(h.dataDir, "emulator-ca.pem")));
}

describe("CreateKeysAndCertificate", () => {
  it("issues a real X.509 certificate signed by the emulator CA, valid until 2049-12-31", async () => {
    const before = Date.now();
    const out = await h.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    expect(out.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(out.certificateArn).toBe(`arn:aws:iot:us-east-1:000000000000:cert/${out.certificateId}`);
    expect(out.keyPair?.PrivateKey).toContain("-----BEGIN RSA PRIVATE KEY-----");
    expect(out.keyPair?.PublicKey).toContain("-----BEGIN PUBLIC KEY-----");

    const cert = new X509Certificate(out.certificatePem!);
    expect(createHash("sha256").update(cert.raw).digest("hex")).toBe(out.certificateId);
    expect(new Date(cert.validTo).getTime()).toBe(AWS_NOT_AFTER.getTime());
    expect(Math.abs(new Date(cert.validFrom).getTime() - before)).toBeLessThan(10_000);
    const ca = caCertificate();
    expect(ca.subject).toContain("CN=Fleet Console Emulator CA");
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The key pair belongs to the certificate.
    const pub = createPublicKey(createPrivateKey(out.keyPair!.PrivateKey!));
    expect(pub.export({ type: "spki", format: "pem" })).toBe(cert.publicKey.export({ type: "spki", format: "pem" }));

    const d = (await h.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId }))).certificateDescription!;
    expect(d).toMatchObject({
      certificateArn: out.certificateArn,
      certificateId: out.certificateId,
      status: "ACTIVE",
      certificatePem: out.certificatePem,
      ownedBy: "000000000000",
      customerVersion: 1,
      certificateMode: "DEFAULT",
    });
    expect(d.generationId).toBeTruthy();
    expect(d.creationDate).toBeInstanceOf(Date);
    expect(d.lastModifiedDate).toBeInstanceOf(Date);
    expect(d.validity?.notAfter?.getTime()).toBe(AWS_NOT_AFTER.getTime());
    expect(d.validity?.notBefore?.getTime()).toBe(new Date(cert.validFrom).getTime());
    expect(d.caCertificateId).toBeUndefined();
  });

  it("is INACTIVE unless setAsActive", async () => {
    const out = await h.iot.send(new CreateKeysAndCertificateCommand({}));
    const d = await h.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId }));
    expect(d.certificateDescription?.status).toBe("INACTIVE");
  });
});

describe("CreateCertificateFromCsr and RegisterCertificateWithoutCA", () => {
  it("signs an EC P-256 CSR, keeping its subject and key", async () => {
    const out = await fromCsr("device-7", true);
    const cert = new X509Certificate(out.certificatePem!);
    expect(cert.subject).toBe("CN=device-7");
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.verify(caCertificate().publicKey)).toBe(true);
    expect(new Date(cert.validTo).getTime()).toBe(AWS_NOT_AFTER.getTime());
    expect(createHash("sha256").update(cert.raw).digest("hex")).toBe(out.certificateId);
    const d = await h.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId }));
    expect(d.certificateDescription?.status).toBe("ACTIVE");
  });

  it("rejects a CSR that is not one", async () => {
    await expectAwsError(h.iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: "not a csr" })), InvalidRequestException, 400);
  });

  it("registers someone else's certificate (SNI_ONLY, validity from the certificate)", async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const notBefore = new Date("2024-01-01T00:00:00Z");
    const notAfter = new Date("2030-06-30T12:00:00Z");
    const own = await x509.X509CertificateGenerator.createSelfSigned({ name: "CN=third-party", keys, notBefore, notAfter, signingAlgorithm: EC });
    const pem = own.toString("pem");
    const out = await h.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem, status: "ACTIVE" }));
    expect(out.certificateId).toBe(createHash("sha256").update(new Uint8Array(own.rawData)).digest("hex"));
    const d = (await h.iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId }))).certificateDescription!;
    expect(d).toMatchObject({ status: "ACTIVE", certificateMode: "SNI_ONLY" });
    expect(d.validity?.notBefore?.getTime()).toBe(notBefore.getTime());
    expect(d.validity?.notAfter?.getTime()).toBe(notAfter.getTime());

    const dup = await expectAwsError(h.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: pem })), ResourceAlreadyExistsException, 409);
    expect(dup.resourceId).toBe(out.certificateId);
    await expectAwsError(
      h.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" })),
      CertificateValidationException,
      400,
    );
  });
});

describe("UpdateCertificate", () => {
  it("changes status, bumps customerVersion, refuses AWS-internal statuses", async () => {
    const { certificateId } = await fromCsr("upd", true);
    await h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" }));
    const d = (await h.iot.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription!;
    expect(d.status).toBe("INACTIVE");
    expect(d.customerVersion).toBe(2);
    // Idempotent.
    await h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" }));
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "PENDING_TRANSFER" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "PENDING_ACTIVATION" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "BOGUS" as never })), InvalidRequestException, 400);
  });

  it("never brings a REVOKED certificate back (CertificateStateException 406)", async () => {
    const { certificateId } = await fromCsr("rev", true);
    await h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "REVOKED" }));
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "ACTIVE" })), CertificateStateException, 406);
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" })), CertificateStateException, 406);
  });

  it("reports unknown and malformed ids", async () => {
    await expectAwsError(h.iot.send(new UpdateCertificateCommand({ certificateId: "a".repeat(64), newStatus: "ACTIVE" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DescribeCertificateCommand({ certificateId: "a".repeat(64) })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DescribeCertificateCommand({ certificateId: "xyz" })), InvalidRequestException, 400);
  });
});

describe("DeleteCertificate", () => {
  it("refuses ACTIVE (406), thing-attached and policy-attached (409) certificates; forceDelete skips policies", async () => {
    const cert = await fromCsr("del", true);
    const id = cert.certificateId!;
    await expectAwsError(h.iot.send(new DeleteCertificateCommand({ certificateId: id })), CertificateStateException, 406);
    await h.iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: "INACTIVE" }));

    await h.iot.send(new CreateThingCommand({ thingName: "holder" }));
    await h.iot.send(new AttachThingPrincipalCommand({ thingName: "holder", principal: cert.certificateArn }));
    await expectAwsError(h.iot.send(new DeleteCertificateCommand({ certificateId: id })), DeleteConflictException, 409);
    await expectAwsError(h.iot.send(new DeleteCertificateCommand({ certificateId: id, forceDelete: true })), DeleteConflictException, 409);
    await h.iot.send(new DetachThingPrincipalCommand({ thingName: "holder", principal: cert.certificateArn }));

    await h.iot.send(
      new CreatePolicyCommand({
        policyName: "p",
        policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "*" }] }),
      }),
    );
    await h.iot.send(new AttachPolicyCommand({ policyName: "p", target: cert.certificateArn }));
    await expectAwsError(h.iot.send(new DeleteCertificateCommand({ certificateId: id })), DeleteConflictException, 409);
    const out = await h.iot.send(new DeleteCertificateCommand({ certificateId: id, forceDelete: true }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect((await h.iot.send(new ListTargetsForPolicyCommand({ policyName: "p" }))).targets).toEqual([]);
    await expectAwsError(h.iot.send(new DescribeCertificateCommand({ certificateId: id })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new DeleteCertificateCommand({ certificateId: id })), ResourceNotFoundException, 404);
  });
});

describe("ListCertificates", () => {
  it("pages with pageSize/marker, newest first by default, oldest first with ascendingOrder", async () => {
    for (let i = 0; i < 12; i++) await fromCsr(`list-${i}`);
    const all = async (ascendingOrder?: boolean) => {
      const ids: string[] = [];
      let marker: string | undefined;
      do {
        const out = await h.iot.send(new ListCertificatesCommand({ pageSize: 5, marker, ascendingOrder }));
        expect(out.certificates!.length).toBeLessThanOrEqual(5);
        for (const c of out.certificates!) {
          expect(Object.keys(c).sort()).toEqual(["certificateArn", "certificateId", "certificateMode", "creationDate", "status"]);
          ids.push(c.certificateId!);
        }
        marker = out.nextMarker;
      } while (marker);
      return ids;
    };
    const desc = await all();
    const asc = await all(true);
    expect(new Set(desc).size).toBe(desc.length);
    expect(desc.length).toBeGreaterThanOrEqual(12);
    expect(asc).toEqual([...desc].reverse());
    const first = await h.iot.send(new ListCertificatesCommand({ pageSize: 1 }));
    const newest = (await h.iot.send(new DescribeCertificateCommand({ certificateId: first.certificates![0].certificateId }))).certificateDescription!;
    expect(new X509Certificate(newest.certificatePem!).subject).toBe("CN=list-11");
  });

  it("validates pageSize and marker", async () => {
    await expectAwsError(h.iot.send(new ListCertificatesCommand({ pageSize: 0 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListCertificatesCommand({ pageSize: 251 })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new ListCertificatesCommand({ marker: "not*base64" })), InvalidRequestException, 400);
  });
});

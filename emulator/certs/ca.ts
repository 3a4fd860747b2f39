import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, generateKeyPair, randomBytes, webcrypto } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Store } from "../store/store";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const generateKeyPairAsync = promisify(generateKeyPair);

const CA_SUBJECT = "CN=Fleet Console Emulator CA, O=Fleet Console, OU=AWS IoT Emulator";
/** AWS-issued device certificates say this; tools that show the subject look the same. */
const DEVICE_SUBJECT = "CN=AWS IoT Certificate";
/** AWS IoT certificates from CreateKeysAndCertificate / CreateCertificateFromCsr expire here. */
export const AWS_CERT_NOT_AFTER = new Date("2049-12-31T23:59:59Z");
const RSA_SIGN: RsaHashedImportParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const META_KEY = "iot.ca.privateKeyPem";
const META_CERT = "iot.ca.certificatePem";
/** Written next to the database so devices and tools can trust the emulator's certificates. */
export const CA_FILE_NAME = "emulator-ca.pem";

export interface IssuedCertificate {
  certificatePem: string;
  /** Lowercase hex SHA-256 of the DER: AWS uses this as the certificate id. */
  certificateId: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * The emulator's certificate authority: an RSA 2048 key and a self-signed certificate,
 * created on first use and kept in the store's metadata (so a restart on the same data
 * directory signs with the same CA), and mirrored to `<dataDir>/emulator-ca.pem`.
 */
export class EmulatorCa {
  private constructor(
    readonly certificatePem: string,
    private readonly signingKey: CryptoKey,
    private readonly caCert: x509.X509Certificate,
  ) {}

  static async loadOrCreate(store: Store, dataDir?: string): Promise<EmulatorCa> {
    let keyPem = store.getMeta(META_KEY);
    let certPem = store.getMeta(META_CERT);
    let signingKey: CryptoKey;
    if (keyPem && certPem) {
      signingKey = await subtle.importKey("pkcs8", pemToDer(keyPem), RSA_SIGN, false, ["sign"]);
    } else {
      const keys = (await subtle.generateKey({ ...RSA_SIGN, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, [
        "sign",
        "verify",
      ])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialNumber(),
        name: CA_SUBJECT,
        notBefore: new Date(Date.now() - 24 * 3600 * 1000),
        // Outlives every certificate it signs (those end in 2049).
        notAfter: new Date("2099-12-31T23:59:59Z"),
        keys,
        signingAlgorithm: RSA_SIGN,
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      certPem = cert.toString("pem");
      keyPem = derToPem(new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey)), "PRIVATE KEY");
      signingKey = keys.privateKey;
      store.setMeta(META_KEY, keyPem);
      store.setMeta(META_CERT, certPem);
    }
    if (dataDir && dataDir !== ":memory:") {
      try {
        writeFileSync(join(dataDir, CA_FILE_NAME), certPem, { mode: 0o600 });
      } catch {
        // The copy on disk is a convenience; the store holds the CA.
      }
    }
    return new EmulatorCa(certPem, signingKey, new x509.X509Certificate(certPem));
  }

  /** Signs a certificate for `publicKey` (an SPKI or a parsed key of any algorithm). */
  async issue(publicKey: x509.PublicKeyType, subject: string = DEVICE_SUBJECT, notAfter: Date = AWS_CERT_NOT_AFTER): Promise<IssuedCertificate> {
    // Whole seconds: X.509 times carry no fractions, and DescribeCertificate must match the PEM.
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject,
      issuer: this.caCert.subjectName,
      notBefore,
      notAfter,
      publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: RSA_SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.caCert),
      ],
    });
    const der = new Uint8Array(cert.rawData);
    return { certificatePem: cert.toString("pem") + "\n", certificateId: certificateIdOf(der), notBefore, notAfter };
  }

  /** CreateKeysAndCertificate: a fresh RSA 2048 key pair and a certificate for it. */
  async createKeysAndCertificate(): Promise<IssuedCertificate & { publicKeyPem: string; privateKeyPem: string }> {
    const { publicKey, privateKey } = await generateKeyPairAsync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      // AWS hands out the private key as PKCS#1 ("BEGIN RSA PRIVATE KEY").
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    const issued = await this.issue(pemToDer(publicKey));
    return { ...issued, publicKeyPem: publicKey, privateKeyPem: privateKey };
  }

  /**
   * CreateCertificateFromCsr: verifies the CSR's own signature, then certifies its public
   * key (RSA or EC) under the CSR's subject. Throws on anything that is not a valid CSR.
   */
  async signCsr(csrPem: string): Promise<IssuedCertificate> {
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    if (!(await csr.verify())) throw new Error("The CSR signature does not verify");
    const subject = csr.subject.trim() ? csr.subjectName : DEVICE_SUBJECT;
    return this.issue(csr.publicKey, subject as never);
  }
}

/** Reads a PEM certificate issued by anyone (RegisterCertificateWithoutCA). */
export function parseCertificatePem(pem: string): { certificateId: string; notBefore: Date; notAfter: Date; issuer: string; subject: string } {
  const cert = new x509.X509Certificate(pem);
  return {
    certificateId: certificateIdOf(new Uint8Array(cert.rawData)),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    issuer: cert.issuer,
    subject: cert.subject,
  };
}

export function certificateIdOf(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

function serialNumber(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive INTEGER
  b[0] |= 0x01; // and no leading zero byte
  return b.toString("hex");
}

function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

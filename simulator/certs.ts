import "reflect-metadata";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../lib/fs/private-files";
import { join } from "node:path";
import { webcrypto, randomBytes } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { VENDOR } from "./catalog";
import type { CertPlan } from "./plan";

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 86_400_000;

/** An EC P-256 key pair; the private key is never exported, the agents do not need it. */
function newDeviceKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC, false, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** A PEM CSR for CreateCertificateFromCsr (subject CN = thing name). */
export async function deviceCsr(thingName: string): Promise<string> {
  const keys = await newDeviceKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${thingName}, O=${VENDOR.organization}, OU=${VENDOR.unit}`,
    keys,
    signingAlgorithm: SIGN,
  });
  return csr.toString("pem");
}

export interface DeviceCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: string;
}

/**
 * The vendor's own device CA, created once and kept in DATA_DIR so that certificates
 * added when the fleet grows come from the same issuer.
 */
export async function loadOrCreateDeviceCa(dataDir: string): Promise<DeviceCa> {
  const certFile = join(dataDir, "simulator-device-ca.pem");
  const keyFile = join(dataDir, "simulator-device-ca.key");
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = new x509.X509Certificate(readFileSync(certFile, "utf8"));
    const der = x509.PemConverter.decodeFirst(readFileSync(keyFile, "utf8"));
    const key = await crypto.subtle.importKey("pkcs8", der, EC, false, ["sign"]);
    return { cert, key, pem: cert.toString("pem") };
  }
  const keys = (await crypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${VENDOR.caName}, O=${VENDOR.organization}`,
    // Covers vendor certificates issued up to three years ago.
    notBefore: new Date(now - 4 * 365 * DAY),
    notAfter: new Date(now + 16 * 365 * DAY),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  ensurePrivateDir(dataDir);
  writeFileSync(keyFile, x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), { mode: PRIVATE_FILE_MODE });
  writeFileSync(certFile, cert.toString("pem"), { mode: PRIVATE_FILE_MODE });
  return { cert, key: keys.privateKey, pem: cert.toString("pem") };
}

/** A device certificate signed by the device CA, with the validity the plan asks for. */
export async function vendorCertificate(ca: DeviceCa, thingName: string, plan: CertPlan, now = Date.now()): Promise<string> {
  const { notBefore, notAfter } = vendorValidity(plan, now);
  const keys = await newDeviceKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${thingName}, O=${VENDOR.organization}, OU=${VENDOR.unit}`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return cert.toString("pem");
}

export function vendorValidity(plan: CertPlan, now: number): { notBefore: Date; notAfter: Date } {
  const years = plan.years ?? 1;
  const lifetime = years * 365 * DAY;
  const elapsed = plan.elapsed ?? 0.5;
  let notAfter: number;
  if (plan.validity === "expired") notAfter = now - (1 + Math.floor(elapsed * 90)) * DAY;
  else if (plan.validity === "expiring-soon") notAfter = now + (1 + Math.floor(elapsed * 29)) * DAY;
  // Normal: issued some time ago, more than 30 days left.
  else notAfter = now + 31 * DAY + (1 - elapsed) * Math.max(lifetime - 31 * DAY, 0);
  return { notBefore: new Date(notAfter - lifetime), notAfter: new Date(notAfter) };
}

/** 16 random bytes with the top bit clear: a positive serial, as RFC 5280 wants. */
function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

import { randomUUID } from "node:crypto";
import type { Router } from "../../server/router";
import { AwsError, invalid } from "../../server/errors";
import { parseCertificatePem, type IssuedCertificate } from "../../certs/ca";
import type { CertificateRecord, CertificateStatus, IotState } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageBySeq, pageLimit } from "./pagination";
import { bodyOf, checkCertificateId, queryBoolean } from "./validation";

const STATUSES = new Set<CertificateStatus>(["ACTIVE", "INACTIVE", "REVOKED", "PENDING_TRANSFER", "REGISTER_INACTIVE", "PENDING_ACTIVATION"]);
/** Statuses AWS reserves for itself: UpdateCertificate refuses them. */
const INTERNAL_STATUSES = new Set<CertificateStatus>(["PENDING_TRANSFER", "PENDING_ACTIVATION"]);
const MAX_PEM = 65536;

/**
 * Certificates: CreateKeysAndCertificate, CreateCertificateFromCsr (both signed by the
 * emulator CA), RegisterCertificateWithoutCA (someone else's certificate, SNI_ONLY mode),
 * DescribeCertificate, UpdateCertificate, DeleteCertificate and ListCertificates (marker
 * paging, newest first unless isAscendingOrder=true).
 */
export function registerCertificateRoutes(router: Router, state: IotState): void {
  router.add("CreateKeysAndCertificate", "POST", "/keys-and-certificate", async (ctx) => {
    const active = queryBoolean(ctx, "setAsActive") ?? false;
    const ca = await state.certificateAuthority();
    const issued = await ca.createKeysAndCertificate();
    const cert = addCertificate(state, issued, active ? "ACTIVE" : "INACTIVE", "DEFAULT");
    return {
      body: {
        certificateArn: state.certArn(cert.id),
        certificateId: cert.id,
        certificatePem: cert.pem,
        keyPair: { PublicKey: issued.publicKeyPem, PrivateKey: issued.privateKeyPem },
      },
    };
  });

  router.add("CreateCertificateFromCsr", "POST", "/certificates", async (ctx) => {
    const active = queryBoolean(ctx, "setAsActive") ?? false;
    const csr = bodyOf(ctx).certificateSigningRequest;
    if (typeof csr !== "string" || csr.length < 1 || csr.length > 4096)
      throw invalid("certificateSigningRequest is required and must be a PEM CSR of at most 4096 characters");
    const ca = await state.certificateAuthority();
    let issued: IssuedCertificate;
    try {
      issued = await ca.signCsr(csr);
    } catch {
      throw invalid("The certificate signing request is not valid");
    }
    const cert = addCertificate(state, issued, active ? "ACTIVE" : "INACTIVE", "DEFAULT");
    return { body: { certificateArn: state.certArn(cert.id), certificateId: cert.id, certificatePem: cert.pem } };
  });

  router.add("RegisterCertificateWithoutCA", "POST", "/certificate/register-no-ca", (ctx) => {
    const body = bodyOf(ctx);
    const pem = body.certificatePem;
    if (typeof pem !== "string" || pem.length < 1 || pem.length > MAX_PEM) throw invalid("certificatePem is required");
    const status = (body.status ?? "INACTIVE") as CertificateStatus;
    if (status !== "ACTIVE" && status !== "INACTIVE") throw invalid(`Invalid status for certificate registration: ${String(status)}`);
    let parsed: ReturnType<typeof parseCertificatePem>;
    try {
      parsed = parseCertificatePem(pem);
    } catch {
      throw new AwsError("CertificateValidationException", "The certificate is not a valid PEM-encoded X.509 certificate");
    }
    const existing = state.certs.get(parsed.certificateId);
    if (existing) {
      throw new AwsError("ResourceAlreadyExistsException", "The certificate is already provisioned or registered", undefined, {
        resourceId: existing.id,
        resourceArn: state.certArn(existing.id),
      });
    }
    const cert = addCertificate(state, { certificatePem: pem, ...parsed }, status, "SNI_ONLY");
    return { body: { certificateArn: state.certArn(cert.id), certificateId: cert.id } };
  });

  router.add("DescribeCertificate", "GET", "/certificates/{certificateId}", (ctx) => {
    const c = state.requireCert(checkCertificateId(ctx.params.certificateId));
    return {
      body: {
        certificateDescription: {
          certificateArn: state.certArn(c.id),
          certificateId: c.id,
          ...(c.caCertificateId ? { caCertificateId: c.caCertificateId } : {}),
          status: c.status,
          certificatePem: c.pem,
          ownedBy: state.deps.config.accountId,
          creationDate: epochSeconds(c.createdMs),
          lastModifiedDate: epochSeconds(c.modifiedMs),
          customerVersion: c.customerVersion,
          transferData: {},
          generationId: c.generationId,
          validity: { notBefore: epochSeconds(c.notBeforeMs), notAfter: epochSeconds(c.notAfterMs) },
          certificateMode: c.mode,
        },
      },
    };
  });

  router.add("UpdateCertificate", "PUT", "/certificates/{certificateId}", (ctx) => {
    const id = checkCertificateId(ctx.params.certificateId);
    const newStatus = ctx.query.get("newStatus") as CertificateStatus | null;
    if (!newStatus || !STATUSES.has(newStatus)) throw invalid(`Invalid value for newStatus: ${newStatus ?? "(missing)"}`);
    if (INTERNAL_STATUSES.has(newStatus)) throw invalid(`The status ${newStatus} is used internally by AWS IoT and cannot be set`);
    const c = state.requireCert(id);
    if (c.status === newStatus) return { body: {} }; // idempotent
    if (c.status === "REVOKED")
      throw new AwsError("CertificateStateException", `Certificate ${id} is revoked and its status cannot be changed to ${newStatus}`);
    if (INTERNAL_STATUSES.has(c.status)) throw new AwsError("CertificateStateException", `Certificate ${id} is in status ${c.status} and cannot be updated`);
    // In place: the creation-order index holds this very record.
    Object.assign(c, { status: newStatus, modifiedMs: Date.now(), customerVersion: c.customerVersion + 1, generationId: randomUUID() });
    state.putCert(c);
    return { body: {} };
  });

  router.add("DeleteCertificate", "DELETE", "/certificates/{certificateId}", (ctx) => {
    const id = checkCertificateId(ctx.params.certificateId);
    const force = queryBoolean(ctx, "forceDelete") ?? false;
    const c = state.requireCert(id);
    const certArn = state.certArn(id);
    if (c.status === "ACTIVE") throw new AwsError("CertificateStateException", `Certificate must be deactivated (not ACTIVE) before deletion. Id: ${id}`);
    if (state.principalThings.get(certArn)?.size) throw new AwsError("DeleteConflictException", `Things must be detached before deletion (arn: ${certArn})`);
    if (state.policiesByTarget.get(certArn)?.size) {
      // forceDelete skips only this check (it still refuses ACTIVE or thing-attached certificates).
      if (!force) throw new AwsError("DeleteConflictException", `Certificate policies must be detached before deletion (arn: ${certArn})`);
      state.detachAllPolicies(certArn);
    }
    state.removeCert(c);
    return { body: {} };
  });

  router.add("ListCertificates", "GET", "/certificates", (ctx) => {
    const limit = pageLimit(ctx, "pageSize", 250, 25);
    const after = decodeToken<number>(ctx.query.get("marker"), "number", "marker");
    const ascending = queryBoolean(ctx, "isAscendingOrder") ?? false;
    const page = pageBySeq(state.certOrder.view(), (c) => c.seq, after, limit, ascending);
    return {
      body: {
        certificates: page.items.map((c) => ({
          certificateArn: state.certArn(c.id),
          certificateId: c.id,
          status: c.status,
          certificateMode: c.mode,
          creationDate: epochSeconds(c.createdMs),
        })),
        ...(page.nextSeq !== undefined ? { nextMarker: encodeToken(page.nextSeq) } : {}),
      },
    };
  });
}

function addCertificate(state: IotState, issued: IssuedCertificate, status: CertificateStatus, mode: CertificateRecord["mode"]): CertificateRecord {
  const now = Date.now();
  const cert: CertificateRecord = {
    id: issued.certificateId,
    pem: issued.certificatePem,
    status,
    mode,
    createdMs: now,
    modifiedMs: now,
    customerVersion: 1,
    generationId: randomUUID(),
    notBeforeMs: issued.notBefore.getTime(),
    notAfterMs: issued.notAfter.getTime(),
    seq: state.nextSeq(),
  };
  state.putCert(cert);
  return cert;
}

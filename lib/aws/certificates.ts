import "server-only";
import { DescribeCertificateCommand } from "@aws-sdk/client-iot";
import type { CertificateInfo } from "@/lib/certificates/types";
import { isoOrNull, readIot } from "./client";

export async function describeCertificate(certificateId: string): Promise<CertificateInfo> {
  const out = await readIot({ operation: "DescribeCertificate", budget: "registry", key: { certificateId } }, (c) =>
    c.send(new DescribeCertificateCommand({ certificateId })),
  );
  const d = out.certificateDescription ?? {};
  return {
    id: d.certificateId ?? certificateId,
    arn: d.certificateArn ?? "",
    status: d.status ?? "UNKNOWN",
    notBefore: isoOrNull(d.validity?.notBefore),
    notAfter: isoOrNull(d.validity?.notAfter),
    createdAt: isoOrNull(d.creationDate),
    caCertificateId: d.caCertificateId ?? null,
  };
}

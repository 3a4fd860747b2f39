/** Certificate and policy facts the console shows, in its own shape. */
export interface CertificateInfo {
  id: string;
  arn: string;
  /** ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION */
  status: string;
  notBefore: string | null;
  notAfter: string | null;
  createdAt: string | null;
  caCertificateId: string | null;
}

export interface PolicyInfo {
  name: string;
  arn: string | null;
  defaultVersionId: string | null;
  /** The raw policy document as AWS stores it (a JSON string). */
  document: string;
}

export type Principal = { kind: "certificate"; arn: string; certificateId: string } | { kind: "other"; value: string };

import type { Principal } from "./types";

// arn:aws:iot:<region>:<account>:cert/<64 hex>; the partition may be aws-cn or aws-us-gov.
const CERT_ARN = /^arn:aws[a-z-]*:iot:[^:]*:[^:]*:cert\/([0-9a-fA-F]{64})$/;

/** ListThingPrincipals returns certificate ARNs, Cognito identity ids and other principals mixed. */
export function classifyPrincipal(value: string): Principal {
  const m = CERT_ARN.exec(value);
  if (m) return { kind: "certificate", arn: value, certificateId: m[1].toLowerCase() };
  return { kind: "other", value };
}

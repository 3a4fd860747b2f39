import { createHash, createHmac } from "node:crypto";

/**
 * Reads the SigV4 credential scope of a request. The emulator routes on the scope's
 * service name, never on the path: identical method+path pairs exist in several AWS
 * services (for example `GET /things/{thing}/jobs` in `iot` and `iot-jobs-data`).
 * Signatures are not verified: the emulator accepts any (dummy) credentials. The one
 * exception is S3's presigned URLs made with the emulator's own key (services/s3/presign.ts),
 * checked with `sigv4Signature` below.
 */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

export function parseCredentialScope(authorization: string | undefined, query: URLSearchParams): CredentialScope | undefined {
  let credential: string | undefined;
  if (authorization?.startsWith("AWS4-HMAC-SHA256")) {
    const m = /Credential=([^,\s]+)/.exec(authorization);
    credential = m?.[1];
  } else {
    credential = query.get("X-Amz-Credential") ?? undefined;
  }
  if (!credential) return undefined;
  const m = SCOPE.exec(credential);
  if (!m) return undefined;
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4] };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function sigv4Encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface QuerySigningInput {
  method: string;
  /** The path exactly as sent (already URI-encoded once; S3 does not encode it again). */
  path: string;
  /** Every query parameter but X-Amz-Signature. */
  query: Array<[string, string]>;
  /** Lower-case names → values of the signed headers. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the payload, or UNSIGNED-PAYLOAD (what presigned S3 URLs use). */
  payloadHash: string;
  amzDate: string;
  /** `<date>/<region>/<service>/aws4_request`. */
  scope: string;
  secret: string;
}

/**
 * The SigV4 signature of a request (the same algorithm for header and query
 * authentication): for URLs the emulator presigns itself, and for checking them.
 */
export function sigv4Signature(input: QuerySigningInput): string {
  const query = input.query
    .map(([k, v]) => [sigv4Encode(k), sigv4Encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const names = Object.keys(input.headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${input.headers[n].trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [input.method, input.path, query, canonicalHeaders, names.join(";"), input.payloadHash].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", input.amzDate, input.scope, sha256Hex(canonical)].join("\n");
  const [date, region, service] = input.scope.split("/");
  let key: Buffer = hmac(`AWS4${input.secret}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, "aws4_request");
  return createHmac("sha256", key).update(toSign).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

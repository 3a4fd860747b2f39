import { randomBytes, timingSafeEqual } from "node:crypto";
import { AwsError } from "../../server/errors";
import type { RequestContext } from "../../server/router";
import { sigv4Encode, sigv4Signature } from "../../server/sigv4";
import type { RecordStore } from "../../store/store";

/**
 * Presigned URLs (SigV4 query authentication). The emulator signs the URLs it hands out
 * (`S3Objects.presignGet`, for job documents) with its own key, kept in the region's store
 * metadata, and verifies the signature of any URL made with that key. URLs signed with
 * another key are accepted unverified, as every other request is (the emulator takes any
 * credentials). Expiry is checked for all, against the emulator clock (emulator/clock.ts),
 * which also dates the URLs the emulator signs: advancing it expires them. For another
 * key's URL the expiry rests on the X-Amz-Date the client wrote, unverified.
 */
export const MAX_EXPIRES = 604800;
/** How far in the future X-Amz-Date may be (clock skew), as S3 allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const META_KEY = "s3.presign-key";

export interface PresignKey {
  accessKeyId: string;
  secret: string;
}

export function presignKey(store: RecordStore): PresignKey {
  const known = store.getMeta(META_KEY);
  if (known) return JSON.parse(known) as PresignKey;
  const key = { accessKeyId: `EMU${randomBytes(8).toString("hex").toUpperCase()}`, secret: randomBytes(30).toString("base64") };
  store.setMeta(META_KEY, JSON.stringify(key));
  return key;
}

/** `20240101T000000Z` */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

/** The path of an object as S3 signs it: each segment encoded once. */
export function objectPath(bucket: string, key: string): string {
  return `/${sigv4Encode(bucket)}/${key.split("/").map(sigv4Encode).join("/")}`;
}

export function presignUrl(opts: {
  key: PresignKey;
  method: string;
  host: string;
  bucket: string;
  objectKey: string;
  region: string;
  expiresInSec: number;
  /** When it is signed: emulator time. */
  now: Date;
}): string {
  if (!Number.isInteger(opts.expiresInSec) || opts.expiresInSec < 1 || opts.expiresInSec > MAX_EXPIRES) {
    throw new AwsError("InvalidRequestException", `A presigned URL's expiry must be 1 to ${MAX_EXPIRES} seconds, not ${opts.expiresInSec}`, 400);
  }
  const date = amzDate(opts.now);
  const scope = `${date.slice(0, 8)}/${opts.region}/s3/aws4_request`;
  const path = objectPath(opts.bucket, opts.objectKey);
  const query: Array<[string, string]> = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${opts.key.accessKeyId}/${scope}`],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", String(opts.expiresInSec)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  const signature = sigv4Signature({
    method: opts.method,
    path,
    query,
    headers: { host: opts.host },
    payloadHash: "UNSIGNED-PAYLOAD",
    amzDate: date,
    scope,
    secret: opts.key.secret,
  });
  const qs = [...query, ["X-Amz-Signature", signature]].map(([k, v]) => `${sigv4Encode(k!)}=${sigv4Encode(v!)}`).join("&");
  return `http://${opts.host}${path}?${qs}`;
}

const authError = (message: string) => new AwsError("AuthorizationQueryParametersError", message, 400);

/**
 * Checks a presigned request (one with X-Amz-Signature in the query); requests signed in
 * the Authorization header pass untouched. Throws S3's error when it is malformed, expired
 * or, for the emulator's own key, wrongly signed.
 */
export function checkPresigned(ctx: RequestContext, own: () => PresignKey, now: number): void {
  const q = ctx.query;
  if (!q.has("X-Amz-Signature")) return;
  if (q.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") throw authError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = q.get("X-Amz-Credential") ?? "";
  const date = q.get("X-Amz-Date") ?? "";
  const expiresText = q.get("X-Amz-Expires") ?? "";
  const signed = q.get("X-Amz-SignedHeaders") ?? "";
  if (!credential || !date || !expiresText || !signed) {
    throw authError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  const expires = /^\d+$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!Number.isSafeInteger(expires) || expires < 1) throw authError("X-Amz-Expires must be a positive number of seconds");
  if (expires > MAX_EXPIRES) throw authError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES}`);
  const signedAt = parseAmzDate(date);
  if (signedAt === undefined) throw authError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (signedAt - MAX_SKEW_MS > now) throw new AwsError("AccessDenied", "Request is not valid yet", 403);
  if (now > signedAt + expires * 1000) {
    throw new AwsError("AccessDenied", "Request has expired", 403, {
      "X-Amz-Expires": expires,
      Expires: new Date(signedAt + expires * 1000).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
  const slash = credential.indexOf("/");
  const accessKeyId = slash < 0 ? credential : credential.slice(0, slash);
  const key = own();
  if (accessKeyId !== key.accessKeyId) return;
  const scope = credential.slice(slash + 1);
  const headers: Record<string, string> = {};
  for (const name of signed.split(";")) {
    const v = ctx.headers[name];
    headers[name] = Array.isArray(v) ? v.join(",") : (v ?? "");
  }
  const query = [...q].filter(([k]) => k !== "X-Amz-Signature");
  const expected = sigv4Signature({
    method: ctx.method,
    path: ctx.path,
    query,
    headers,
    payloadHash: q.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD",
    amzDate: date,
    scope,
    secret: key.secret,
  });
  const given = Buffer.from(q.get("X-Amz-Signature") ?? "");
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    throw new AwsError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      403,
      { AWSAccessKeyId: accessKeyId },
    );
  }
}

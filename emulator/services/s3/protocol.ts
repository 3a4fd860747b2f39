import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { AwsError } from "../../server/errors";
import type { Protocol, Rendered } from "../../server/protocol";

/**
 * S3's restXml: routes on method + path + the query's subresource (`?uploads`,
 * `?uploadId=`, `?delete`, `?list-type=2`), XML bodies, and `<Error>` documents with the
 * code in the body (no `x-amzn-ErrorType`). Routes whose answer depends on a subresource
 * are registered with the method `"<METHOD>?<subresource>"`: `router.add("UploadPart",
 * "PUT?uploadId", "/{Bucket}/{Key+}", ...)`.
 */

/** Subresources that pick another operation, in the order they are tried. */
const SUBRESOURCES = ["uploadId", "uploads", "delete", "list-type"];
/** Subresources of operations the emulator does not serve: answered NotImplemented, never as the plain operation. */
const UNSERVED = [
  "acl",
  "tagging",
  "policy",
  "cors",
  "lifecycle",
  "versioning",
  "versions",
  "website",
  "notification",
  "replication",
  "encryption",
  "logging",
  "object-lock",
  "retention",
  "legal-hold",
  "restore",
  "select",
  "attributes",
  "accelerate",
  "requestPayment",
  "analytics",
  "inventory",
  "metrics",
  "ownershipControls",
  "publicAccessBlock",
  "intelligent-tiering",
  "torrent",
  "session",
];

export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** The dispatcher's own exceptions, as S3 names them. */
const S3_NAMES: Record<string, string> = {
  InternalFailureException: "InternalError",
  ServiceUnavailableException: "ServiceUnavailable",
  UnknownOperationException: "NotImplemented",
  MethodNotAllowedException: "MethodNotAllowed",
  RequestEntityTooLargeException: "EntityTooLarge",
  MissingAuthenticationTokenException: "AccessDenied",
  AccessDeniedException: "AccessDenied",
  InvalidSignatureException: "AuthorizationHeaderMalformed",
  SerializationException: "MalformedXML",
  InvalidRequestException: "InvalidRequest",
};

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  // One element or many: the same array, so `<Object>` lists need no special case.
  isArray: (name) => name === "Object" || name === "Part",
  processEntities: true,
});

function parseXml(raw: Buffer): unknown {
  const text = raw.toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return parser.parse(text, true);
  } catch {
    throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
}

/** Escapes text for an XML element. */
export function esc(s: string | number | boolean): string {
  return String(s).replace(/[&<>"'\r]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" })[c]!);
}

/** `<Name>value</Name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${esc(value)}</${name}>`;
}

/** A whole XML answer document. */
export function xmlDoc(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

function hostId(requestId: string): string {
  return createHash("sha256").update(requestId).digest("base64");
}

function commonHeaders(requestId: string): Record<string, string> {
  return { "x-amz-request-id": requestId, "x-amz-id-2": hostId(requestId) };
}

export const restXml: Protocol = {
  name: "restXml",
  match(router, { method, path, query }) {
    const q = query ?? new URLSearchParams();
    const unserved = UNSERVED.find((k) => q.has(k));
    if (unserved) return new AwsError("NotImplemented", `The emulator does not implement the '${unserved}' subresource`, 501);
    for (const sub of SUBRESOURCES) {
      if (!q.has(sub)) continue;
      const m = router.match(`${method}?${sub}`, path);
      if (m) return m;
    }
    const m = router.match(method, path);
    if (m) return m;
    return router.hasPath(path)
      ? new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
      : new AwsError("NotImplemented", `No operation matches ${method} ${path}`, 501);
  },
  parseBody: parseXml,
  render(result, requestId): Rendered {
    const headers: Record<string, string> = { ...commonHeaders(requestId), ...(result.headers ?? {}) };
    let payload: Buffer | string = "";
    if (result.raw !== undefined) {
      payload = result.raw;
      headers["Content-Type"] ??= "application/xml";
    }
    // A streamed or HEAD answer sets its own Content-Length (the object's size).
    if (!result.stream && headers["Content-Length"] === undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
    return { status: result.status ?? 200, headers, payload };
  },
  renderError(err, status, requestId): Rendered {
    const code = S3_NAMES[err.code] ?? err.code;
    const extra = Object.entries(err.extra)
      .map(([k, v]) => el(k, String(v)))
      .join("");
    const payload = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el("Code", code)}${el("Message", err.message)}${extra}${el("RequestId", requestId)}${el("HostId", hostId(requestId))}</Error>`;
    const headers: Record<string, string> = {
      ...commonHeaders(requestId),
      "Content-Type": "application/xml",
      "Content-Length": String(Buffer.byteLength(payload)),
    };
    return { status, headers, payload };
  },
};

/** The errors of the S3 API the emulator answers with, and their statuses. */
export const S3_ERRORS: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IllegalLocationConstraintException: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidLocationConstraint: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  KeyTooLongError: 400,
  MalformedTrailerError: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  NotModified: 304,
  PreconditionFailed: 412,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
  InvalidRequestException: 400,
};

import { createHash } from "node:crypto";
import { AwsError } from "../../server/errors";
import type { HandlerResult, RequestContext } from "../../server/router";
import { announcedChecksum, checksumOf } from "./checksums";
import { invalidRange, noSuchKey, type ObjectDoc, type S3State } from "./model";
import { el, xmlDoc } from "./protocol";
import { header, objectHeaders, receiveBody, target } from "./request";
import type { S3Routes } from "./routes";

/** PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects. */
export function registerObjectRoutes(add: S3Routes, s3: S3State): void {
  add(
    "PutObject",
    "PUT",
    "/{Bucket}/{Key+}",
    async (ctx) => {
      const { bucket, key } = target(ctx);
      s3.bucket(bucket);
      const headers = objectHeaders(ctx);
      if (ctx.headers["x-amz-copy-source"] !== undefined) throw new AwsError("NotImplemented", "The emulator does not implement CopyObject", 501);
      const body = await receiveBody(s3, ctx);
      const doc: ObjectDoc = {
        bucket,
        key,
        blob: body.blob,
        size: body.size,
        etag: `"${body.md5}"`,
        lastModified: s3.now(),
        checksum: body.checksum && { ...body.checksum, type: "FULL_OBJECT" },
        ...headers,
      };
      try {
        s3.commitObject(doc);
      } catch (err) {
        // The bucket went while the body streamed in.
        s3.discard(body.blob);
        throw err;
      }
      const out: Record<string, string> = { ETag: doc.etag };
      if (doc.checksum) {
        out[`x-amz-checksum-${doc.checksum.alg}`] = doc.checksum.value;
        out["x-amz-checksum-type"] = "FULL_OBJECT";
      }
      return { headers: out };
    },
    { payload: "stream" },
  );

  const read =
    (head: boolean) =>
    async (ctx: RequestContext): Promise<HandlerResult> => {
      const { bucket, key } = target(ctx);
      const doc = s3.object(bucket, key);
      // HEAD errors have no body; the SDKs name them by status (404 NotFound).
      if (!doc) throw noSuchKey(key);
      const notModified = conditional(ctx, doc);
      if (notModified) return notModified;
      const range = parseRange(header(ctx, "range"), doc.size);
      const headers = responseHeaders(ctx, doc, range === undefined);
      if (range === "unsatisfiable") throw invalidRange(doc.size);
      if (range) {
        headers["Content-Range"] = `bytes ${range.start}-${range.end}/${doc.size}`;
        headers["Content-Length"] = String(range.end - range.start + 1);
      } else headers["Content-Length"] = String(doc.size);
      const status = range ? 206 : 200;
      if (head) return { status, headers };
      return { status, headers, stream: await s3.open(doc, range) };
    };
  add("GetObject", "GET", "/{Bucket}/{Key+}", read(false));
  add("HeadObject", "HEAD", "/{Bucket}/{Key+}", read(true));

  add("DeleteObject", "DELETE", "/{Bucket}/{Key+}", (ctx) => {
    const { bucket, key } = target(ctx);
    s3.deleteObject(bucket, key);
    return { status: 204 };
  });

  add(
    "DeleteObjects",
    "POST?delete",
    "/{Bucket}",
    (ctx) => {
      const { bucket } = target(ctx);
      s3.bucket(bucket);
      checkBodyDigest(ctx);
      const del = (ctx.body as { Delete?: { Quiet?: string; Object?: Array<{ Key?: unknown }> } } | undefined)?.Delete;
      const objects = del?.Object ?? [];
      if (!del || objects.length === 0 || objects.length > 1000) throw malformed();
      const quiet = String(del.Quiet ?? "").trim() === "true";
      let out = "";
      for (const o of objects) {
        if (typeof o.Key !== "string" || o.Key === "") throw malformed();
        if (Buffer.byteLength(o.Key) > 1024) {
          out += `<Error>${el("Key", o.Key)}${el("Code", "KeyTooLongError")}${el("Message", "Your key is too long")}</Error>`;
          continue;
        }
        s3.deleteObject(bucket, o.Key);
        if (!quiet) out += `<Deleted>${el("Key", o.Key)}</Deleted>`;
      }
      return { raw: xmlDoc("DeleteResult", out) };
    },
    { payload: "xml" },
  );
}

const malformed = () => new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);

/** DeleteObjects must carry Content-MD5 or a flexible checksum of its body, and it must match. */
function checkBodyDigest(ctx: RequestContext): void {
  const md5 = header(ctx, "content-md5");
  const checksum = announcedChecksum(ctx.headers);
  if (md5 === undefined && !checksum) throw new AwsError("InvalidRequest", "Missing required header for this request: Content-MD5", 400);
  if (md5 !== undefined && createHash("md5").update(ctx.rawBody).digest("base64") !== md5) {
    throw new AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
  }
  if (checksum && checksumOf(checksum.alg, ctx.rawBody) !== checksum.value) {
    throw new AwsError("BadDigest", `The x-amz-checksum-${checksum.alg} you specified did not match the calculated checksum.`, 400);
  }
}

const OVERRIDES: Array<[string, string]> = [
  ["response-content-type", "Content-Type"],
  ["response-content-language", "Content-Language"],
  ["response-expires", "Expires"],
  ["response-cache-control", "Cache-Control"],
  ["response-content-disposition", "Content-Disposition"],
  ["response-content-encoding", "Content-Encoding"],
];

function responseHeaders(ctx: RequestContext, doc: ObjectDoc, whole: boolean): Record<string, string> {
  const h: Record<string, string> = {
    ETag: doc.etag,
    "Last-Modified": new Date(doc.lastModified).toUTCString(),
    "Accept-Ranges": "bytes",
  };
  const set = (name: string, v: string | undefined) => {
    if (v !== undefined) h[name] = v;
  };
  set("Content-Type", doc.contentType);
  set("Content-Encoding", doc.contentEncoding);
  set("Content-Disposition", doc.contentDisposition);
  set("Content-Language", doc.contentLanguage);
  set("Cache-Control", doc.cacheControl);
  set("Expires", doc.expires);
  for (const [k, v] of Object.entries(doc.metadata)) h[`x-amz-meta-${k}`] = v;
  for (const [q, name] of OVERRIDES) set(name, ctx.query.get(q) ?? undefined);
  // The stored checksum describes the whole object: never sent with a range.
  if (whole && doc.checksum && (header(ctx, "x-amz-checksum-mode") ?? "").toUpperCase() === "ENABLED") {
    h[`x-amz-checksum-${doc.checksum.alg}`] = doc.checksum.value;
    h["x-amz-checksum-type"] = doc.checksum.type;
  }
  return h;
}

/** If-Match / If-Unmodified-Since (412) and If-None-Match / If-Modified-Since (304), as RFC 7232 orders them. */
function conditional(ctx: RequestContext, doc: ObjectDoc): HandlerResult | undefined {
  const seconds = Math.floor(doc.lastModified / 1000);
  const date = (name: string) => {
    const v = header(ctx, name);
    const t = v === undefined ? NaN : Date.parse(v);
    return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
  };
  const matches = (list: string) => list.split(",").some((t) => t.trim() === "*" || t.trim().replace(/^W\//, "") === doc.etag);
  const ifMatch = header(ctx, "if-match");
  if (ifMatch !== undefined && !matches(ifMatch))
    throw new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, { Condition: "If-Match" });
  const unmodified = date("if-unmodified-since");
  if (ifMatch === undefined && unmodified !== undefined && seconds > unmodified) {
    throw new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, { Condition: "If-Unmodified-Since" });
  }
  const ifNoneMatch = header(ctx, "if-none-match");
  const modified = date("if-modified-since");
  const notModified = ifNoneMatch !== undefined ? matches(ifNoneMatch) : modified !== undefined && seconds <= modified;
  if (notModified) return { status: 304, headers: { ETag: doc.etag, "Last-Modified": new Date(doc.lastModified).toUTCString() } };
  return undefined;
}

/**
 * A single byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); undefined when absent or
 * not of that form (S3 then answers the whole object); "unsatisfiable" for 416.
 */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

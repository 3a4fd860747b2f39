import { createHash } from "node:crypto";
import { AwsError } from "../../server/errors";
import type { RequestContext } from "../../server/router";
import type { ListedObject, S3State } from "./model";
import { el, xmlDoc } from "./protocol";
import { target } from "./request";
import type { S3Routes } from "./routes";

/** The canonical user id S3 shows as a bucket's and an object's owner: one per account. */
export function ownerXml(account: string): string {
  return `<Owner>${el("ID", createHash("sha256").update(account).digest("hex"))}${el("DisplayName", "emulator")}</Owner>`;
}

/** CreateBucket, HeadBucket, ListBuckets, DeleteBucket, ListObjectsV2, ListObjects. */
export function registerBucketRoutes(add: S3Routes, s3: S3State, env: { region: string; account: string }): void {
  add("ListBuckets", "GET", "/", (ctx) => {
    const prefix = ctx.query.get("prefix") ?? "";
    const max = maxParam(ctx, "max-buckets", 10000, 10000);
    const after = ctx.query.get("continuation-token") ?? undefined;
    const all = s3.listBuckets().filter((b) => b.name.startsWith(prefix) && (after === undefined || b.name > after));
    const page = all.slice(0, max);
    const buckets = page
      .map((b) => `<Bucket>${el("Name", b.name)}${el("CreationDate", new Date(b.created).toISOString())}${el("BucketRegion", env.region)}</Bucket>`)
      .join("");
    const next = all.length > max ? el("ContinuationToken", page[page.length - 1]!.name) : "";
    return { raw: xmlDoc("ListAllMyBucketsResult", `${ownerXml(env.account)}<Buckets>${buckets}</Buckets>${next}${prefix ? el("Prefix", prefix) : ""}`) };
  });

  add(
    "CreateBucket",
    "PUT",
    "/{Bucket}",
    (ctx) => {
      const { bucket } = target(ctx);
      const config = (ctx.body as { CreateBucketConfiguration?: { LocationConstraint?: unknown } } | undefined)?.CreateBucketConfiguration;
      const constraint = typeof config?.LocationConstraint === "string" ? config.LocationConstraint.trim() : undefined;
      // As S3's regional endpoints: us-east-1 takes no constraint, every other region its own name.
      if (env.region === "us-east-1" ? constraint !== undefined && constraint !== "" && constraint !== "us-east-1" : constraint !== env.region) {
        throw new AwsError(
          "IllegalLocationConstraintException",
          constraint
            ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`
            : "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
          400,
        );
      }
      s3.createBucket(bucket);
      return { headers: { Location: `/${bucket}` } };
    },
    { payload: "xml" },
  );

  add("HeadBucket", "HEAD", "/{Bucket}", (ctx) => {
    s3.bucket(target(ctx).bucket);
    return { headers: { "x-amz-bucket-region": env.region, "x-amz-access-point-alias": "false" } };
  });

  add("DeleteBucket", "DELETE", "/{Bucket}", (ctx) => {
    s3.deleteBucket(target(ctx).bucket);
    return { status: 204 };
  });

  add("ListObjectsV2", "GET?list-type", "/{Bucket}", (ctx) => {
    const { bucket } = target(ctx);
    if (ctx.query.get("list-type") !== "2") throw new AwsError("InvalidArgument", "Invalid List Type specified", 400);
    const q = listParams(ctx);
    const token = ctx.query.get("continuation-token") ?? undefined;
    const startAfter = ctx.query.get("start-after") ?? undefined;
    let after = startAfter;
    let skip: string | undefined;
    if (token !== undefined) {
      const t = decodeToken(token);
      after = t.a;
      skip = t.s;
    }
    const page = listPage(s3, bucket, q.prefix, q.delimiter, q.maxKeys, after, skip);
    const enc = q.encode;
    let body = el("Name", bucket) + el("Prefix", enc(q.prefix));
    if (q.delimiter !== undefined) body += el("Delimiter", enc(q.delimiter));
    body += el("MaxKeys", q.maxKeys);
    if (q.encodingType) body += el("EncodingType", q.encodingType);
    body += el("KeyCount", page.contents.length + page.prefixes.length) + el("IsTruncated", page.truncated);
    if (token !== undefined) body += el("ContinuationToken", token);
    if (page.truncated) body += el("NextContinuationToken", encodeToken(page.next!));
    if (startAfter !== undefined) body += el("StartAfter", enc(startAfter));
    const owner = ctx.query.get("fetch-owner") === "true" ? ownerXml(env.account) : "";
    body += page.contents.map((o) => contentsXml(o, enc, owner)).join("");
    body += page.prefixes.map((p) => `<CommonPrefixes>${el("Prefix", enc(p))}</CommonPrefixes>`).join("");
    return { raw: xmlDoc("ListBucketResult", body) };
  });

  add("ListObjects", "GET", "/{Bucket}", (ctx) => {
    const { bucket } = target(ctx);
    const q = listParams(ctx);
    const marker = ctx.query.get("marker") ?? undefined;
    // A marker that is a common prefix (a NextMarker) skips every key under it.
    const skip = marker !== undefined && q.delimiter && marker.endsWith(q.delimiter) ? marker : undefined;
    const page = listPage(s3, bucket, q.prefix, q.delimiter, q.maxKeys, marker, skip);
    const enc = q.encode;
    let body = el("Name", bucket) + el("Prefix", enc(q.prefix)) + el("Marker", enc(marker ?? ""));
    if (page.truncated && q.delimiter !== undefined) body += el("NextMarker", enc(page.next!.a));
    body += el("MaxKeys", q.maxKeys);
    if (q.delimiter !== undefined) body += el("Delimiter", enc(q.delimiter));
    if (q.encodingType) body += el("EncodingType", q.encodingType);
    body += el("IsTruncated", page.truncated);
    const owner = ownerXml(env.account);
    body += page.contents.map((o) => contentsXml(o, enc, owner)).join("");
    body += page.prefixes.map((p) => `<CommonPrefixes>${el("Prefix", enc(p))}</CommonPrefixes>`).join("");
    return { raw: xmlDoc("ListBucketResult", body) };
  });
}

function contentsXml(o: ListedObject, enc: (s: string) => string, owner: string): string {
  const d = o.doc;
  const alg = d.checksum ? el("ChecksumAlgorithm", d.checksum.alg.toUpperCase()) + el("ChecksumType", d.checksum.type) : "";
  return `<Contents>${el("Key", enc(o.key))}${el("LastModified", new Date(d.lastModified).toISOString())}${el("ETag", d.etag)}${alg}${el("Size", d.size)}${owner}${el("StorageClass", "STANDARD")}</Contents>`;
}

/** max-keys style parameters: a whole number ≥ 0, capped at `cap`. */
export function maxParam(ctx: RequestContext, name: string, fallback: number, cap: number): number {
  const v = ctx.query.get(name);
  if (v === null) return fallback;
  if (!/^\d+$/.test(v))
    throw new AwsError("InvalidArgument", `Provided ${name} not an integer or within integer range`, 400, { ArgumentName: name, ArgumentValue: v });
  return Math.min(Number(v), cap);
}

function listParams(ctx: RequestContext) {
  const encodingType = ctx.query.get("encoding-type") ?? undefined;
  if (encodingType !== undefined && encodingType !== "url") throw new AwsError("InvalidArgument", "Invalid Encoding Method specified in Request", 400);
  const delimiter = ctx.query.get("delimiter") || undefined;
  return {
    prefix: ctx.query.get("prefix") ?? "",
    delimiter,
    maxKeys: maxParam(ctx, "max-keys", 1000, 1000),
    encodingType,
    // S3's url encoding of keys in listings (what the CLI asks for), `/` kept.
    encode: encodingType === "url" ? (s: string) => encodeURIComponent(s).replace(/%2F/g, "/") : (s: string) => s,
  };
}

interface Page {
  contents: ListedObject[];
  prefixes: string[];
  truncated: boolean;
  /** Where the next page starts: after `a`, skipping keys under `s` (the last common prefix). */
  next?: { a: string; s?: string };
}

/**
 * One page of a listing: keys and common prefixes each count one toward maxKeys. After a
 * common prefix the walk seeks past every key under it (a binary search), so a page costs
 * its length, not the number of keys its prefixes stand for.
 */
function listPage(s3: S3State, bucket: string, prefix: string, delimiter: string | undefined, maxKeys: number, after?: string, skip?: string): Page {
  const page: Page = { contents: [], prefixes: [], truncated: false };
  let count = 0;
  let keys = s3.keys(bucket, prefix, after, skip)[Symbol.iterator]();
  for (let r = keys.next(); !r.done; r = keys.next()) {
    const o = r.value;
    let common: string | undefined;
    if (delimiter !== undefined) {
      const i = o.key.indexOf(delimiter, prefix.length);
      if (i >= 0) common = o.key.slice(0, i + delimiter.length);
    }
    // max-keys=0 answers an empty, untruncated page (a paginator would loop on a truncated one).
    if (count >= maxKeys) {
      page.truncated = maxKeys > 0;
      break;
    }
    count++;
    if (common !== undefined) {
      page.prefixes.push(common);
      page.next = { a: common, s: common };
      keys = s3.keys(bucket, prefix, common, common)[Symbol.iterator]();
    } else {
      page.contents.push(o);
      page.next = { a: o.key };
    }
  }
  return page;
}

function encodeToken(t: { a: string; s?: string }): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeToken(token: string): { a: string; s?: string } {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { a?: unknown; s?: unknown };
    if (typeof t.a === "string" && (t.s === undefined || typeof t.s === "string")) return { a: t.a, s: t.s as string | undefined };
  } catch {
    // answered below
  }
  throw new AwsError("InvalidArgument", "The continuation token provided is incorrect", 400, { ArgumentName: "continuation-token" });
}

import { AwsError } from "../../server/errors";
import type { RequestContext } from "../../server/router";
import { AwsChunkedDecoder, announcedChecksum, newDigest, trailerAlgorithm, type ChecksumAlgorithm } from "./checksums";
import type { ObjectHeaders, S3State } from "./model";

/**
 * Reading S3 requests: the bucket and key from the path (the router drops empty
 * segments, so keys like `dir/` are taken from the path itself), object headers, and a
 * streamed body into the blob area with every digest the client sent checked.
 */
export function target(ctx: RequestContext): { bucket: string; key: string } {
  const p = ctx.path;
  const i = p.indexOf("/", 1);
  const bucket = decode(i < 0 ? p.slice(1) : p.slice(1, i));
  const key = i < 0 ? "" : decode(p.slice(i + 1));
  if (Buffer.byteLength(key, "utf8") > 1024) throw new AwsError("KeyTooLongError", "Your key is too long", 400);
  return { bucket, key };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AwsError("InvalidURI", "Couldn't parse the specified URI.", 400);
  }
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

const MAX_METADATA_BYTES = 2048;

/** Content-Type and the other stored headers, and x-amz-meta-* (at most 2 KB, as S3). */
export function objectHeaders(ctx: RequestContext): ObjectHeaders {
  const metadata: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (!name.startsWith("x-amz-meta-") || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(",") : value;
    const n = name.slice("x-amz-meta-".length);
    metadata[n] = v;
    metaBytes += Buffer.byteLength(n) + Buffer.byteLength(v);
  }
  if (metaBytes > MAX_METADATA_BYTES)
    throw new AwsError("MetadataTooLarge", `Your metadata headers exceed the maximum allowed metadata size of ${MAX_METADATA_BYTES} bytes`, 400);
  // aws-chunked is how the body travelled, not how it is stored.
  const encoding = (header(ctx, "content-encoding") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s.toLowerCase() !== "aws-chunked")
    .join(", ");
  return {
    contentType: header(ctx, "content-type") || "binary/octet-stream",
    contentEncoding: encoding || undefined,
    contentDisposition: header(ctx, "content-disposition"),
    contentLanguage: header(ctx, "content-language"),
    cacheControl: header(ctx, "cache-control"),
    expires: header(ctx, "expires"),
    metadata,
  };
}

export interface ReceivedBody {
  blob: string;
  size: number;
  /** Hex MD5 (the ETag's content). */
  md5: string;
  checksum?: { alg: ChecksumAlgorithm; value: string };
}

const badDigest = (what: string) => new AwsError("BadDigest", `The ${what} you specified did not match the calculated checksum.`, 400);

/**
 * Streams the request body into a fresh blob: plain, or `aws-chunked` (the SDKs' and the
 * CLI's streaming uploads: `x-amz-decoded-content-length`, the checksum in a trailer).
 * Checks Content-MD5, a hex x-amz-content-sha256 and the flexible checksum (header or
 * trailer); on any mismatch the blob is removed and S3's error thrown.
 */
export async function receiveBody(s3: S3State, ctx: RequestContext): Promise<ReceivedBody> {
  if (!ctx.stream) throw new Error("receiveBody needs a streamed route");
  const contentSha = header(ctx, "x-amz-content-sha256") ?? "";
  const chunked = contentSha.startsWith("STREAMING-") || /(^|,)\s*aws-chunked\s*(,|$)/i.test(header(ctx, "content-encoding") ?? "");
  const lengthHeader = chunked ? header(ctx, "x-amz-decoded-content-length") : header(ctx, "content-length");
  if (lengthHeader === undefined) throw new AwsError("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
  const size = /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : NaN;
  if (!Number.isSafeInteger(size)) throw new AwsError("InvalidArgument", `The length ${lengthHeader} is not a number of bytes`, 400);
  const max = s3.blobs.maxObjectBytes;
  if (size > max)
    throw new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { ProposedSize: size, MaxSizeAllowed: max });

  const announced = announcedChecksum(ctx.headers);
  const trailerAlg = chunked ? trailerAlgorithm(ctx.headers) : undefined;
  const alg = announced?.alg ?? trailerAlg;
  const digest = alg ? newDigest(alg) : undefined;
  const decoder = chunked ? new AwsChunkedDecoder(ctx.stream) : undefined;
  const source: AsyncIterable<Uint8Array> = decoder ?? ctx.stream;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      digest?.update(chunk);
      yield chunk;
    }
  }
  let got;
  try {
    got = await s3.writeBlob(counted(), size);
  } catch (err) {
    if (err instanceof Error && err.name === "BlobSizeMismatchError") {
      throw new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.", 400);
    }
    throw err;
  }
  try {
    const md5Header = header(ctx, "content-md5");
    if (md5Header !== undefined) {
      const given = Buffer.from(md5Header, "base64");
      if (given.length !== 16) throw new AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400);
      if (given.toString("hex") !== got.md5) throw badDigest("Content-MD5");
    }
    if (/^[0-9a-f]{64}$/i.test(contentSha) && contentSha.toLowerCase() !== got.sha256) {
      throw new AwsError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }
    let checksum: ReceivedBody["checksum"];
    if (alg && digest) {
      const value = digest.digest().toString("base64");
      const given = announced?.value ?? decoder?.trailers.get(`x-amz-checksum-${alg}`);
      if (given === undefined) throw new AwsError("InvalidRequest", `The trailer x-amz-checksum-${alg} was announced but not sent`, 400);
      if (given !== value) throw badDigest(`x-amz-checksum-${alg}`);
      checksum = { alg, value };
    }
    return { blob: got.blob, size: got.size, md5: got.md5, checksum };
  } catch (err) {
    s3.discard(got.blob);
    throw err;
  }
}

import { AwsError } from "../../server/errors";
import { isChecksumAlgorithm, newDigest, type ChecksumAlgorithm } from "./checksums";
import { headersOf, multipartEtag, type ObjectDoc, type PartDoc, type S3State } from "./model";
import { el, xmlDoc } from "./protocol";
import { header, objectHeaders, receiveBody, target } from "./request";
import { maxParam, ownerXml } from "./routes-buckets";
import type { S3Routes } from "./routes";

/** S3's minimum size of every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10000;

const checksumElement = (alg: ChecksumAlgorithm) => `Checksum${alg.toUpperCase()}`;

/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads. */
export function registerMultipartRoutes(add: S3Routes, s3: S3State, env: { account: string; host: () => string }): void {
  add("CreateMultipartUpload", "POST?uploads", "/{Bucket}/{Key+}", (ctx) => {
    const { bucket, key } = target(ctx);
    const algHeader = header(ctx, "x-amz-checksum-algorithm")?.toLowerCase();
    if (algHeader !== undefined && !isChecksumAlgorithm(algHeader)) throw new AwsError("InvalidRequest", "Checksum algorithm provided is unsupported.", 400);
    const typeHeader = header(ctx, "x-amz-checksum-type")?.toUpperCase();
    if (typeHeader !== undefined && typeHeader !== "COMPOSITE" && typeHeader !== "FULL_OBJECT")
      throw new AwsError("InvalidRequest", "The checksum type is not valid", 400);
    const u = s3.createUpload(bucket, key, objectHeaders(ctx), algHeader, typeHeader as "COMPOSITE" | "FULL_OBJECT" | undefined);
    const headers: Record<string, string> = {};
    if (u.checksumAlgorithm) {
      headers["x-amz-checksum-algorithm"] = u.checksumAlgorithm.toUpperCase();
      headers["x-amz-checksum-type"] = u.checksumType ?? "COMPOSITE";
    }
    return { headers, raw: xmlDoc("InitiateMultipartUploadResult", el("Bucket", bucket) + el("Key", key) + el("UploadId", u.uploadId)) };
  });

  add(
    "UploadPart",
    "PUT?uploadId",
    "/{Bucket}/{Key+}",
    async (ctx) => {
      const { bucket, key } = target(ctx);
      const partNumber = partNumberOf(ctx.query.get("partNumber"));
      const u = s3.upload(bucket, key, ctx.query.get("uploadId") ?? "");
      if (ctx.headers["x-amz-copy-source"] !== undefined) throw new AwsError("NotImplemented", "The emulator does not implement UploadPartCopy", 501);
      const body = await receiveBody(s3, ctx);
      if (body.checksum && u.checksumAlgorithm && body.checksum.alg !== u.checksumAlgorithm) {
        s3.discard(body.blob);
        throw new AwsError(
          "InvalidRequest",
          `Checksum Type mismatch occurred, expected checksum Type: ${u.checksumAlgorithm}, actual checksum Type: ${body.checksum.alg}`,
          400,
        );
      }
      const part: PartDoc = { blob: body.blob, size: body.size, etag: `"${body.md5}"`, lastModified: s3.now(), checksum: body.checksum?.value };
      s3.commitPart(u, partNumber, part);
      const headers: Record<string, string> = { ETag: part.etag };
      if (body.checksum) headers[`x-amz-checksum-${body.checksum.alg}`] = body.checksum.value;
      return { headers };
    },
    { payload: "stream" },
  );

  add(
    "CompleteMultipartUpload",
    "POST?uploadId",
    "/{Bucket}/{Key+}",
    async (ctx) => {
      const { bucket, key } = target(ctx);
      const u = s3.upload(bucket, key, ctx.query.get("uploadId") ?? "");
      const listed = (ctx.body as { CompleteMultipartUpload?: { Part?: Array<Record<string, unknown>> } } | undefined)?.CompleteMultipartUpload?.Part ?? [];
      if (listed.length === 0 || listed.length > MAX_PARTS)
        throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
      const used: PartDoc[] = [];
      let previous = 0;
      for (const p of listed) {
        const n = partNumberOf(typeof p.PartNumber === "string" ? p.PartNumber.trim() : null);
        if (n <= previous)
          throw new AwsError(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
            400,
          );
        previous = n;
        const part = u.parts[String(n)];
        const etag = typeof p.ETag === "string" ? p.ETag.trim().replace(/^"|"$/g, "") : "";
        const wantedChecksum = u.checksumAlgorithm ? p[checksumElement(u.checksumAlgorithm)] : undefined;
        if (!part || part.etag !== `"${etag}"` || (typeof wantedChecksum === "string" && wantedChecksum.trim() !== part.checksum)) {
          throw new AwsError(
            "InvalidPart",
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            400,
            { UploadId: u.uploadId, PartNumber: n, ETag: etag },
          );
        }
        used.push(part);
      }
      // Sizes once every listed part is known to exist, in order.
      for (const [i, part] of used.entries()) {
        if (i < used.length - 1 && part.size < MIN_PART_BYTES) {
          throw new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, {
            ProposedSize: part.size,
            MinSizeAllowed: MIN_PART_BYTES,
            PartNumber: partNumberOf(String(listed[i]!.PartNumber).trim()),
            ETag: part.etag.replace(/"/g, ""),
          });
        }
      }
      // A full-object checksum is computed afresh over the joined bytes; a composite one is
      // the checksum of the parts' checksums, `-<count>`.
      const alg = u.checksumAlgorithm;
      const fullDigest = alg && u.checksumType === "FULL_OBJECT" ? newDigest(alg) : undefined;
      async function* joined(): AsyncGenerator<Uint8Array> {
        for await (const chunk of s3.concat(used)) {
          fullDigest?.update(chunk);
          yield chunk;
        }
      }
      const size = used.reduce((n, p) => n + p.size, 0);
      const body = await s3.writeBlob(joined(), size);
      let checksum: ObjectDoc["checksum"];
      if (alg && fullDigest) checksum = { alg, value: fullDigest.digest().toString("base64"), type: "FULL_OBJECT" };
      else if (alg && used.every((p) => p.checksum)) {
        const d = newDigest(alg);
        for (const p of used) d.update(Buffer.from(p.checksum!, "base64"));
        checksum = { alg, value: `${d.digest().toString("base64")}-${used.length}`, type: "COMPOSITE" };
      }
      const doc: ObjectDoc = {
        ...headersOf(u),
        bucket,
        key,
        blob: body.blob,
        size: body.size,
        etag: multipartEtag(used.map((p) => p.etag)),
        lastModified: s3.now(),
        checksum,
        parts: used.length,
      };
      s3.completeUpload(u, doc);
      let out =
        el("Location", `http://${env.host()}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`) +
        el("Bucket", bucket) +
        el("Key", key) +
        el("ETag", doc.etag);
      if (checksum) out += el(checksumElement(checksum.alg), checksum.value) + el("ChecksumType", checksum.type);
      return { raw: xmlDoc("CompleteMultipartUploadResult", out) };
    },
    { payload: "xml" },
  );

  add("AbortMultipartUpload", "DELETE?uploadId", "/{Bucket}/{Key+}", (ctx) => {
    const { bucket, key } = target(ctx);
    s3.abortUpload(s3.upload(bucket, key, ctx.query.get("uploadId") ?? ""));
    return { status: 204 };
  });

  add("ListParts", "GET?uploadId", "/{Bucket}/{Key+}", (ctx) => {
    const { bucket, key } = target(ctx);
    const u = s3.upload(bucket, key, ctx.query.get("uploadId") ?? "");
    const max = maxParam(ctx, "max-parts", 1000, 1000);
    const marker = Number(ctx.query.get("part-number-marker") ?? "0") || 0;
    const numbers = Object.keys(u.parts)
      .map(Number)
      .filter((n) => n > marker)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, max);
    const truncated = numbers.length > page.length;
    let out = el("Bucket", bucket) + el("Key", key) + el("UploadId", u.uploadId) + el("PartNumberMarker", marker);
    if (page.length > 0) out += el("NextPartNumberMarker", page[page.length - 1]!);
    out += el("MaxParts", max) + el("IsTruncated", truncated) + el("StorageClass", "STANDARD") + ownerXml(env.account);
    if (u.checksumAlgorithm) out += el("ChecksumAlgorithm", u.checksumAlgorithm.toUpperCase()) + el("ChecksumType", u.checksumType ?? "COMPOSITE");
    for (const n of page) {
      const p = u.parts[String(n)]!;
      const sum = u.checksumAlgorithm && p.checksum ? el(checksumElement(u.checksumAlgorithm), p.checksum) : "";
      out += `<Part>${el("PartNumber", n)}${el("LastModified", new Date(p.lastModified).toISOString())}${el("ETag", p.etag)}${el("Size", p.size)}${sum}</Part>`;
    }
    return { raw: xmlDoc("ListPartsResult", out) };
  });

  add("ListMultipartUploads", "GET?uploads", "/{Bucket}", (ctx) => {
    const { bucket } = target(ctx);
    const prefix = ctx.query.get("prefix") ?? "";
    const keyMarker = ctx.query.get("key-marker") ?? "";
    const max = maxParam(ctx, "max-uploads", 1000, 1000);
    const all = s3.listUploads(bucket).filter((u) => u.key.startsWith(prefix) && u.key > keyMarker);
    const page = all.slice(0, max);
    const truncated = all.length > page.length;
    let out = el("Bucket", bucket) + el("KeyMarker", keyMarker) + el("UploadIdMarker", "") + el("Prefix", prefix);
    if (truncated) out += el("NextKeyMarker", page[page.length - 1]!.key);
    out += el("MaxUploads", max) + el("IsTruncated", truncated);
    for (const u of page) {
      out += `<Upload>${el("Key", u.key)}${el("UploadId", u.uploadId)}${ownerXml(env.account).replace(/Owner>/g, "Initiator>")}${ownerXml(env.account)}${el("StorageClass", "STANDARD")}${el("Initiated", new Date(u.initiated).toISOString())}</Upload>`;
    }
    return { raw: xmlDoc("ListMultipartUploadsResult", out) };
  });
}

function partNumberOf(v: string | null): number {
  const n = v !== null && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) {
    throw new AwsError("InvalidArgument", `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`, 400, {
      ArgumentName: "partNumber",
      ArgumentValue: v ?? "",
    });
  }
  return n;
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { request } from "node:http";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchBucket,
  NoSuchKey,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  BucketAlreadyOwnedByYou,
} from "@aws-sdk/client-s3";
import { expectAwsError, startHarness, type Harness } from "./harness";

/** S3 through @aws-sdk/client-s3 (path style) against the whole emulator. */

let h: Harness<S3Client>;
let s3: S3Client;
beforeAll(async () => {
  h = await startHarness(S3Client);
  s3 = new S3Client({ ...h.clientConfig, forcePathStyle: true, maxAttempts: 1 });
});
afterAll(async () => {
  s3?.destroy();
  await h?.stop();
});

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const crc32b64 = (b: Uint8Array) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString("base64");
};
const errorCode = (err: unknown) => (err as S3ServiceException).name;
async function fails(call: Promise<unknown>): Promise<S3ServiceException> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "the call should have failed").toBeInstanceOf(S3ServiceException);
  return err as S3ServiceException;
}
const signed = (region = "us-east-1") => ({
  Authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${region}/s3/aws4_request, SignedHeaders=host, Signature=00`,
  "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
});

describe("buckets", () => {
  it("are created once, listed, headed and deleted only when empty", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bkt-life" }));
    await expectAwsError(s3.send(new CreateBucketCommand({ Bucket: "bkt-life" })), BucketAlreadyOwnedByYou, 409);
    expect(errorCode(await fails(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" }))))).toBe("InvalidBucketName");
    expect(errorCode(await fails(s3.send(new CreateBucketCommand({ Bucket: "ab" }))))).toBe("InvalidBucketName");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "bkt-life" }));
    expect(head.BucketRegion).toBe("us-east-1");
    await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: "bkt-missing" })), NotFound, 404);
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain("bkt-life");
    expect(list.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);

    await s3.send(new PutObjectCommand({ Bucket: "bkt-life", Key: "x", Body: "1" }));
    const notEmpty = await fails(s3.send(new DeleteBucketCommand({ Bucket: "bkt-life" })));
    expect([errorCode(notEmpty), notEmpty.$metadata.httpStatusCode]).toEqual(["BucketNotEmpty", 409]);
    await s3.send(new DeleteObjectCommand({ Bucket: "bkt-life", Key: "x" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "bkt-life" }));
    await expectAwsError(s3.send(new DeleteBucketCommand({ Bucket: "bkt-life" })), NoSuchBucket, 404);
  });

  it("take a location constraint only for another region than us-east-1", async () => {
    const err = await fails(s3.send(new CreateBucketCommand({ Bucket: "bkt-where", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })));
    expect(errorCode(err)).toBe("IllegalLocationConstraintException");
    const eu = new S3Client({ ...h.clientConfig, region: "eu-west-1", forcePathStyle: true, maxAttempts: 1 });
    try {
      // The SDK adds the client's region as the constraint; without one, eu-west-1 refuses.
      const bare = await fetch(`${h.emulator.endpoint}/bkt-eu`, { method: "PUT", headers: signed("eu-west-1") });
      expect([bare.status, (await bare.text()).includes("<Code>IllegalLocationConstraintException</Code>")]).toEqual([400, true]);
      await eu.send(new CreateBucketCommand({ Bucket: "bkt-eu", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      expect((await eu.send(new HeadBucketCommand({ Bucket: "bkt-eu" }))).BucketRegion).toBe("eu-west-1");
      // State is per region.
      await expectAwsError(s3.send(new HeadBucketCommand({ Bucket: "bkt-eu" })), NotFound, 404);
    } finally {
      eu.destroy();
    }
  });
});

describe("objects", () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bkt-obj" }));
  });

  it("round-trip bytes, type, metadata, ETag and CRC32", async () => {
    const body = randomBytes(300_000);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: "bkt-obj", Key: "bin/data.bin", Body: body, ContentType: "application/x-test", Metadata: { owner: "fleet", Build: "7" } }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "bin/data.bin", ChecksumMode: "ENABLED" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ContentType).toBe("application/x-test");
    expect(got.ContentLength).toBe(body.length);
    expect(got.ETag).toBe(`"${md5(body)}"`);
    expect(got.Metadata).toEqual({ owner: "fleet", build: "7" });
    expect(got.ChecksumCRC32).toBe(crc32b64(body));
    const head = await s3.send(new HeadObjectCommand({ Bucket: "bkt-obj", Key: "bin/data.bin" }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.AcceptRanges).toBe("bytes");
  });

  it("streams a body of known length the SDK sends aws-chunked, with its CRC32 in a trailer", async () => {
    const parts = Array.from({ length: 40 }, () => randomBytes(50_000));
    const whole = Buffer.concat(parts);
    const put = await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "streamed.bin", Body: Readable.from(parts), ContentLength: whole.length }));
    expect([put.ETag, put.ChecksumCRC32]).toEqual([`"${md5(whole)}"`, crc32b64(whole)]);
    const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "streamed.bin" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });

  it("answers an upload over the size limit, or to a missing bucket, before reading its body", async () => {
    const put = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${h.emulator.endpoint}${path}`, { method: "PUT", headers: { ...signed(), "Content-Length": String(6 * 1024 ** 3) } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        // Only the headers are sent: 6 GiB are never written.
        req.flushHeaders();
      });
    const big = await put("/bkt-obj/too-big.bin");
    expect([big.status, /<Code>(\w+)<\/Code>/.exec(big.body)?.[1]]).toEqual([400, "EntityTooLarge"]);
    const nowhere = await put("/bkt-nope/x.bin");
    expect([nowhere.status, /<Code>(\w+)<\/Code>/.exec(nowhere.body)?.[1]]).toEqual([404, "NoSuchBucket"]);
  });

  it("keeps keys as sent: a trailing slash, double slashes, spaces, plus, percent and unicode", async () => {
    const keys = ["dir/", "a//b", "sp ace+plus%25.txt", "ünï/😀.txt"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key, Body: Key }));
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key }));
      expect(await got.Body!.transformToString()).toBe(Key);
    }
    await expectAwsError(s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "a/b" })), NoSuchKey, 404);
  });

  it("answers ranges with 206 and unsatisfiable ones with 416 InvalidRange", async () => {
    const body = Buffer.from("0123456789abcdefghij");
    await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Body: body }));
    const part = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Range: "bytes=2-5" }));
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe("bytes 2-5/20");
    expect(await part.Body!.transformToString()).toBe("2345");
    const suffix = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Range: "bytes=-3" }));
    expect(await suffix.Body!.transformToString()).toBe("hij");
    const open = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Range: "bytes=15-" }));
    expect([open.ContentRange, await open.Body!.transformToString()]).toEqual(["bytes 15-19/20", "fghij"]);
    const past = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Range: "bytes=18-100" }));
    expect([past.ContentRange, await past.Body!.transformToString()]).toEqual(["bytes 18-19/20", "ij"]);
    const bad = await fails(s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "range.txt", Range: "bytes=20-" })));
    expect([errorCode(bad), bad.$metadata.httpStatusCode]).toEqual(["InvalidRange", 416]);
    await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "empty", Body: "" }));
    expect((await fails(s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "empty", Range: "bytes=0-" })))).$metadata.httpStatusCode).toBe(416);
    const whole = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "empty" }));
    expect([whole.ContentLength, await whole.Body!.transformToString()]).toEqual([0, ""]);
  });

  it("checks conditional requests", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "cond", Body: "v1" }));
    const stale = await fails(s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "cond", IfMatch: '"0000"' })));
    expect([errorCode(stale), stale.$metadata.httpStatusCode]).toEqual(["PreconditionFailed", 412]);
    const same = await fails(s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "cond", IfNoneMatch: put.ETag })));
    expect(same.$metadata.httpStatusCode).toBe(304);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "cond", IfMatch: put.ETag }))).Body!.transformToString()).toBe("v1");
  });

  it("refuses bodies whose digest does not match", async () => {
    const wrongMd5 = await fails(
      s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "dig", Body: "abc", ContentMD5: createHash("md5").update("abd").digest("base64") })),
    );
    expect(errorCode(wrongMd5)).toBe("BadDigest");
    const wrongSha = await fails(
      s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key: "dig", Body: "abc", ChecksumSHA256: createHash("sha256").update("abd").digest("base64") })),
    );
    expect([errorCode(wrongSha), wrongSha.$metadata.httpStatusCode]).toEqual(["BadDigest", 400]);
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: "bkt-obj", Key: "dig" })), NotFound, 404);
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: "bkt-nope", Key: "k", Body: "x" })), NoSuchBucket, 404);
  });

  it("answers errors as S3's XML documents", async () => {
    const res = await fetch(`${h.emulator.endpoint}/bkt-obj/no/such/key`, { headers: signed() });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/xml");
    const text = await res.text();
    expect(text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>no\/such\/key<\/Key><RequestId>/,
    );
    expect(res.headers.get("x-amz-request-id")).toBeTruthy();
    const notServed = await fetch(`${h.emulator.endpoint}/bkt-obj?acl`, { headers: signed() });
    expect([notServed.status, (await notServed.text()).includes("<Code>NotImplemented</Code>")]).toEqual([501, true]);
  });

  it("decodes aws-chunked bodies and checks their trailing checksum", async () => {
    const data = Buffer.from("hello, chunked world! ".repeat(100));
    const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]);
    const encode = (checksum: string) =>
      Buffer.concat([chunk(data.subarray(0, 1000)), chunk(data.subarray(1000)), Buffer.from(`0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`)]);
    const put = (body: Buffer) =>
      fetch(`${h.emulator.endpoint}/bkt-obj/chunked.txt`, {
        method: "PUT",
        headers: {
          ...signed(),
          "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
          "content-encoding": "aws-chunked",
          "x-amz-decoded-content-length": String(data.length),
          "x-amz-trailer": "x-amz-checksum-crc32",
        },
        body: new Uint8Array(body),
      });
    const bad = await put(encode(crc32b64(Buffer.from("other"))));
    expect([bad.status, (await bad.text()).includes("<Code>BadDigest</Code>")]).toEqual([400, true]);
    const ok = await put(encode(crc32b64(data)));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe(`"${md5(data)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-obj", Key: "chunked.txt" }));
    expect(await got.Body!.transformToString()).toBe(data.toString());
    // The transfer encoding is not stored as the object's.
    expect(got.ContentEncoding).toBeUndefined();
    const short = await fetch(`${h.emulator.endpoint}/bkt-obj/short.txt`, {
      method: "PUT",
      headers: {
        ...signed(),
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "10",
      },
      body: "5\r\nhello\r\n0\r\n\r\n",
    });
    expect([short.status, (await short.text()).includes("<Code>IncompleteBody</Code>")]).toEqual([400, true]);
  });

  it("deletes one object (absent ones too) and many at once", async () => {
    for (const Key of ["del/1", "del/2", "del/3"]) await s3.send(new PutObjectCommand({ Bucket: "bkt-obj", Key, Body: Key }));
    expect((await s3.send(new DeleteObjectCommand({ Bucket: "bkt-obj", Key: "del/none" }))).$metadata.httpStatusCode).toBe(204);
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: "bkt-obj", Delete: { Objects: [{ Key: "del/1" }, { Key: "del/3" }, { Key: "del/absent" }] } }),
    );
    expect(out.Deleted?.map((d) => d.Key).sort()).toEqual(["del/1", "del/3", "del/absent"]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-obj", Prefix: "del/" }));
    expect(left.Contents?.map((c) => c.Key)).toEqual(["del/2"]);
  });
});

describe("ListObjectsV2", () => {
  const keys = [
    "a.txt",
    "B.txt",
    "photos/2024/jan.jpg",
    "photos/2024/feb.jpg",
    "photos/2025/mar.jpg",
    "photos/cover.jpg",
    "é.txt",
    "\uFFFD.txt",
    "😀.txt",
    "zz/1",
  ];
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bkt-list" }));
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "bkt-list", Key, Body: "x" }));
  });

  it("lists in UTF-8 byte order", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list" }));
    // Byte order: B (0x42) < a (0x61) < p < z < é (C3) < U+FFFD (EF BF BD) < 😀 (F0 9F …).
    expect(out.Contents?.map((c) => c.Key)).toEqual([
      "B.txt",
      "a.txt",
      "photos/2024/feb.jpg",
      "photos/2024/jan.jpg",
      "photos/2025/mar.jpg",
      "photos/cover.jpg",
      "zz/1",
      "é.txt",
      "\uFFFD.txt",
      "😀.txt",
    ]);
    expect(out.KeyCount).toBe(10);
    expect(out.Contents?.[0]).toMatchObject({ Size: 1, StorageClass: "STANDARD", ETag: `"${md5(Buffer.from("x"))}"` });
  });

  it("groups by delimiter into CommonPrefixes under a prefix", async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list", Delimiter: "/" }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["photos/", "zz/"]);
    expect(top.Contents?.map((c) => c.Key)).toEqual(["B.txt", "a.txt", "é.txt", "\uFFFD.txt", "😀.txt"]);
    const photos = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list", Prefix: "photos/", Delimiter: "/" }));
    expect(photos.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["photos/2024/", "photos/2025/"]);
    expect(photos.Contents?.map((c) => c.Key)).toEqual(["photos/cover.jpg"]);
    expect(photos.KeyCount).toBe(3);
  });

  it("pages with max-keys and continuation tokens, keys and prefixes alike, and starts after a key", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list", Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
      pages++;
      seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(4);
    expect(seen.sort()).toEqual(["B.txt", "a.txt", "photos/", "zz/", "é.txt", "\uFFFD.txt", "😀.txt"].sort());
    const after = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list", StartAfter: "photos/2025/mar.jpg" }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(["photos/cover.jpg", "zz/1", "é.txt", "\uFFFD.txt", "😀.txt"]);
    const none = await s3.send(new ListObjectsV2Command({ Bucket: "bkt-list", Prefix: "nothing/" }));
    expect([none.KeyCount, none.Contents, none.IsTruncated]).toEqual([0, undefined, false]);
    await expectAwsError(s3.send(new ListObjectsV2Command({ Bucket: "bkt-nope" })), NoSuchBucket, 404);
  });
});

describe("multipart uploads", () => {
  const MiB = 1024 * 1024;
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "bkt-mp" }));
  });

  it("joins parts into one object with the multipart ETag", async () => {
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(123_457);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "bkt-mp", Key: "big.bin", ContentType: "application/x-firmware" }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "big.bin", UploadId, PartNumber: 1, Body: p1 }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "big.bin", UploadId, PartNumber: 2, Body: p2 }));
    expect([r1.ETag, r2.ETag]).toEqual([`"${md5(p1)}"`, `"${md5(p2)}"`]);
    const parts = await s3.send(new ListPartsCommand({ Bucket: "bkt-mp", Key: "big.bin", UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, p1.length],
      [2, p2.length],
    ]);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "bkt-mp",
        Key: "big.bin",
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag },
            { PartNumber: 2, ETag: r2.ETag },
          ],
        },
      }),
    );
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from(md5(p1), "hex"), Buffer.from(md5(p2), "hex")]))
      .digest("hex");
    expect(done.ETag).toBe(`"${expected}-2"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-mp", Key: "big.bin" }));
    expect(got.ContentType).toBe("application/x-firmware");
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([p1, p2]))).toBe(true);
    // Completed: the upload is gone.
    await expectAwsError(s3.send(new ListPartsCommand({ Bucket: "bkt-mp", Key: "big.bin", UploadId })), NoSuchUpload, 404);
  });

  it("refuses small parts, wrong ETags and out-of-order lists, and aborted uploads", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "bkt-mp", Key: "bad.bin" }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId, PartNumber: 1, Body: "small" }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId, PartNumber: 2, Body: "tail" }));
    const complete = (Parts: Array<{ PartNumber: number; ETag?: string }>) =>
      fails(s3.send(new CompleteMultipartUploadCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId, MultipartUpload: { Parts } })));
    expect(
      errorCode(
        await complete([
          { PartNumber: 1, ETag: r1.ETag },
          { PartNumber: 2, ETag: r2.ETag },
        ]),
      ),
    ).toBe("EntityTooSmall");
    expect(
      errorCode(
        await complete([
          { PartNumber: 2, ETag: r2.ETag },
          { PartNumber: 1, ETag: r1.ETag },
        ]),
      ),
    ).toBe("InvalidPartOrder");
    expect(errorCode(await complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).toBe("InvalidPart");
    expect(errorCode(await complete([{ PartNumber: 3, ETag: r1.ETag }]))).toBe("InvalidPart");
    const badNumber = await fails(s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId, PartNumber: 10001, Body: "x" })));
    expect(errorCode(badNumber)).toBe("InvalidArgument");
    // A single part may be small: it is also the last.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId }));
    await expectAwsError(s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId, PartNumber: 1, Body: "x" })), NoSuchUpload, 404);
    await expectAwsError(s3.send(new AbortMultipartUploadCommand({ Bucket: "bkt-mp", Key: "bad.bin", UploadId })), NoSuchUpload, 404);
    await expectAwsError(s3.send(new HeadObjectCommand({ Bucket: "bkt-mp", Key: "bad.bin" })), NotFound, 404);
  });

  it("completes a one-part upload of any size, with a composite CRC32", async () => {
    const body = Buffer.from("just one part");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "bkt-mp", Key: "one.bin", ChecksumAlgorithm: "CRC32" }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket: "bkt-mp", Key: "one.bin", UploadId, PartNumber: 1, Body: body, ChecksumAlgorithm: "CRC32" }));
    expect(r1.ChecksumCRC32).toBe(crc32b64(body));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "bkt-mp",
        Key: "one.bin",
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag, ChecksumCRC32: r1.ChecksumCRC32 }] },
      }),
    );
    // COMPOSITE: the CRC32 of the parts' CRC32s, then -<count>.
    expect(done.ChecksumCRC32).toBe(`${crc32b64(Buffer.from(crc32b64(body), "base64"))}-1`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "bkt-mp", Key: "one.bin", ChecksumMode: "ENABLED" }));
    expect(await got.Body!.transformToString()).toBe("just one part");
  });
});

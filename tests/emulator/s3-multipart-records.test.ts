import { afterEach, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Store } from "../../emulator/store/store";
import { BlobStore } from "../../emulator/store/blobs";
import { startS3Alone, type S3Alone } from "./s3-harness";

/**
 * A multipart upload's parts are records of their own (`s3.part`, `<uploadId>|<n>`): an
 * UploadPart writes one part record and leaves the upload's record as it was (rewriting
 * it per part made 10,000 parts cost 10,000² bytes written). Uploads stored before, with
 * their parts inside the upload record, are still read. Complete and abort remove both.
 */

const PREFIX = "000000000000/us-east-1/";
const UPLOAD = `${PREFIX}s3.upload`;
const PART = `${PREFIX}s3.part`;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let store: Store;
let blobs: BlobStore;
let emu: S3Alone | undefined;
let s3: S3Client | undefined;

async function start(): Promise<S3Client> {
  s3?.destroy();
  await emu?.stop();
  emu = await startS3Alone({ store, blobs });
  s3 = new S3Client({
    endpoint: emu.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return s3;
}

afterEach(async () => {
  s3?.destroy();
  await emu?.stop();
  s3 = undefined;
  emu = undefined;
  store.close();
  blobs.close();
});

const partIds = () => [...store.load(PART)].map(([id]) => id).sort();

describe("multipart upload records", () => {
  it("keep each part in its own record, read back after a restart, and gone with the completed upload", async () => {
    store = new Store(":memory:");
    blobs = BlobStore.temporary();
    let c = await start();
    await c.send(new CreateBucketCommand({ Bucket: "mp-bucket" }));
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: "mp-bucket", Key: "big.bin" }));
    const id = UploadId!;
    const before = JSON.stringify(store.get(UPLOAD, id));
    const p1 = randomBytes(5 * 1024 * 1024);
    const p2 = randomBytes(300);
    const p2again = randomBytes(400);
    const e1 = (await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId: id, PartNumber: 1, Body: p1 }))).ETag;
    await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId: id, PartNumber: 2, Body: p2 }));
    const e2 = (await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId: id, PartNumber: 2, Body: p2again }))).ETag;
    await store.committed();
    // The upload's record is untouched by its parts; each part (the latest of a number) is one record.
    expect(JSON.stringify(store.get(UPLOAD, id))).toBe(before);
    expect(store.get<{ parts?: unknown }>(UPLOAD, id)?.parts).toBeUndefined();
    expect(partIds()).toEqual([`${id}|1`, `${id}|2`]);
    expect(store.get<{ size: number; etag: string }>(PART, `${id}|2`)).toMatchObject({ size: 400, etag: e2 });

    c = await start();
    const listed = await c.send(new ListPartsCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId: id }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, p1.length, e1],
      [2, 400, e2],
    ]);
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: "mp-bucket",
        Key: "big.bin",
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: e1 },
            { PartNumber: 2, ETag: e2 },
          ],
        },
      }),
    );
    const got = await c.send(new GetObjectCommand({ Bucket: "mp-bucket", Key: "big.bin" }));
    expect(sha(await got.Body!.transformToByteArray())).toBe(sha(Buffer.concat([p1, p2again])));
    await store.committed();
    expect(store.get(UPLOAD, id)).toBeUndefined();
    expect(partIds()).toEqual([]);
  });

  it("go with an aborted upload", async () => {
    store = new Store(":memory:");
    blobs = BlobStore.temporary();
    const c = await start();
    await c.send(new CreateBucketCommand({ Bucket: "mp-bucket" }));
    const keep = (await c.send(new CreateMultipartUploadCommand({ Bucket: "mp-bucket", Key: "keep" }))).UploadId!;
    const drop = (await c.send(new CreateMultipartUploadCommand({ Bucket: "mp-bucket", Key: "drop" }))).UploadId!;
    for (const n of [1, 2, 3]) await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "drop", UploadId: drop, PartNumber: n, Body: `part ${n}` }));
    await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "keep", UploadId: keep, PartNumber: 1, Body: "kept" }));
    await c.send(new AbortMultipartUploadCommand({ Bucket: "mp-bucket", Key: "drop", UploadId: drop }));
    await store.committed();
    expect(store.get(UPLOAD, drop)).toBeUndefined();
    expect(partIds()).toEqual([`${keep}|1`]);
  });

  it("read an upload stored with its parts inside (before part records), and complete it", async () => {
    store = new Store(":memory:");
    blobs = BlobStore.temporary();
    let c = await start();
    await c.send(new CreateBucketCommand({ Bucket: "mp-bucket" }));
    // The record as the emulator wrote it before: parts inside, bodies in the blob area.
    const body = Buffer.from("an old part");
    const put = await blobs.put(
      `${PREFIX}legacy-part-1`,
      (async function* () {
        yield body;
      })(),
    );
    const id = "LegacyUploadId0000000000000000000";
    const part = { blob: `${PREFIX}legacy-part-1`, size: put.size, etag: `"${put.md5}"`, lastModified: Date.UTC(2026, 0, 1) };
    store.put(UPLOAD, id, { uploadId: id, bucket: "mp-bucket", key: "old.bin", initiated: Date.UTC(2026, 0, 1), metadata: {}, parts: { "1": part } });
    await store.committed();

    c = await start();
    const listed = await c.send(new ListPartsCommand({ Bucket: "mp-bucket", Key: "old.bin", UploadId: id }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, body.length, part.etag]]);
    // A part added after the upgrade is a record of its own; the old one stays where it was.
    const e2 = (await c.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "old.bin", UploadId: id, PartNumber: 2, Body: "a new part" }))).ETag;
    await store.committed();
    expect(partIds()).toEqual([`${id}|2`]);

    // After another restart both are there; the body of the old part was not taken for a stray.
    c = await start();
    const both = await c.send(new ListPartsCommand({ Bucket: "mp-bucket", Key: "old.bin", UploadId: id }));
    expect(both.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    // Only the last part may be under 5 MiB: complete with the old part alone.
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: "mp-bucket",
        Key: "old.bin",
        UploadId: id,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.etag }] },
      }),
    );
    const got = await c.send(new GetObjectCommand({ Bucket: "mp-bucket", Key: "old.bin" }));
    expect(await got.Body!.transformToString()).toBe("an old part");
    await store.committed();
    expect(store.get(UPLOAD, id)).toBeUndefined();
    expect(partIds()).toEqual([]);
    expect(e2).toBeDefined();
  });
});

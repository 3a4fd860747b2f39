import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { AwsError } from "../../server/errors";
import type { RecordStore } from "../../store/store";
import { BlobRangeError, BlobTooLargeError, type BlobSource, type BlobStore } from "../../store/blobs";
import { compareKeys, SortedKeys } from "./sorted-keys";
import type { ChecksumAlgorithm } from "./checksums";

/**
 * S3's state in one (account, region): buckets, object metadata and multipart uploads as
 * store documents (committed with the request, so an acknowledged write survives a
 * crash), bodies in the blob area. Every body gets a fresh blob key
 * (`<account>/<region>/<random>`), and the metadata document names it: a replaced body
 * is deleted once the new metadata is committed, and a body no document names (an
 * upload cut by a crash) is removed the next time the region opens its blobs. A multipart
 * upload's parts are records of their own (`s3.part`, id `<uploadId>|<partNumber>`), so an
 * UploadPart writes one small record, not the whole upload again.
 */
export const S3_KINDS = { bucket: "s3.bucket", object: "s3.object", upload: "s3.upload", part: "s3.part" } as const;

export interface BucketDoc {
  name: string;
  created: number;
}

/** Object headers kept with it and answered on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** x-amz-meta-* without the prefix, lower-case names. */
  metadata: Record<string, string>;
}

export interface ObjectDoc extends ObjectHeaders {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  /** Quoted, as S3 answers it: `"<md5>"` or `"<md5 of part md5s>-N"`. */
  etag: string;
  lastModified: number;
  checksum?: { alg: ChecksumAlgorithm; value: string; type: "FULL_OBJECT" | "COMPOSITE" };
  parts?: number;
}

export interface PartDoc {
  blob: string;
  size: number;
  etag: string;
  lastModified: number;
  checksum?: string;
}

export interface UploadDoc extends ObjectHeaders {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: "COMPOSITE" | "FULL_OBJECT";
  /** In memory: the parts by number, from the `s3.part` records (and, for uploads stored before those, the upload record). */
  parts: Record<string, PartDoc>;
}

/** The stored `s3.upload` record: the upload without its parts (records written before `s3.part` hold them). */
type UploadRecord = Omit<UploadDoc, "parts"> & { parts?: Record<string, PartDoc> };

/** The id of a part's record: upload ids are base64url, so the `|` is unambiguous. */
export const partId = (uploadId: string, partNumber: number | string) => `${uploadId}|${partNumber}`;

export interface ListedObject {
  key: string;
  doc: ObjectDoc;
}

/** S3's bucket naming rules (general purpose buckets). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "Bucket names must be between 3 and 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "Bucket names may contain only lower-case letters, numbers, dots and hyphens, and begin and end with a letter or number";
  if (name.includes("..")) return "Bucket names must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "Bucket names must not be formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return "The bucket name uses a reserved prefix or suffix";
  return undefined;
}

export const noSuchBucket = (bucket: string) => new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });
export const noSuchKey = (key: string) => new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
export const noSuchUpload = (id: string) =>
  new AwsError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404, {
    UploadId: id,
  });

/** Turns the blob area's errors into S3's. */
export function blobError(err: unknown): unknown {
  if (err instanceof BlobTooLargeError)
    return new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { MaxSizeAllowed: err.limit });
  return err;
}

export class S3State {
  private buckets = new Map<string, BucketDoc>();
  private objects = new Map<string, Map<string, ObjectDoc>>();
  private order = new Map<string, SortedKeys>();
  private uploads = new Map<string, UploadDoc>();
  private blobsOpened: BlobStore | undefined;

  constructor(
    private readonly store: RecordStore,
    private readonly openBlobs: () => BlobStore,
    /** The blob key prefix of this region, `<account>/<region>/`. */
    private readonly blobPrefix: string,
    /** Epoch ms, emulator time (emulator/clock.ts): creation and modification times, presigned URLs. */
    readonly now: () => number = Date.now,
  ) {
    for (const [name, b] of store.load<BucketDoc>(S3_KINDS.bucket)) this.buckets.set(name, b);
    for (const [, o] of store.load<ObjectDoc>(S3_KINDS.object)) this.index(o);
    for (const [id, u] of store.load<UploadRecord>(S3_KINDS.upload)) this.uploads.set(id, { ...u, parts: { ...u.parts } });
    for (const [id, p] of store.load<PartDoc>(S3_KINDS.part)) {
      const bar = id.lastIndexOf("|");
      const u = this.uploads.get(id.slice(0, bar));
      // A part record outlives its upload only if written outside a request; its body is unnamed, so it goes too.
      if (u) u.parts[id.slice(bar + 1)] = p;
      else store.delete(S3_KINDS.part, id);
    }
  }

  /** The blob area, opened on first use; bodies nothing refers to (a crash mid-upload) are removed then. */
  get blobs(): BlobStore {
    if (this.blobsOpened) return this.blobsOpened;
    const blobs = this.openBlobs();
    this.blobsOpened = blobs;
    const named = new Set<string>();
    for (const m of this.objects.values()) for (const o of m.values()) named.add(o.blob);
    for (const u of this.uploads.values()) for (const p of Object.values(u.parts)) named.add(p.blob);
    const stray: string[] = [];
    for (let after: string | undefined; ;) {
      const page = blobs.list(this.blobPrefix, after);
      for (const b of page.objects) if (!named.has(b.key)) stray.push(b.key);
      if (!page.truncated) break;
      after = page.objects[page.objects.length - 1]!.key;
    }
    for (const key of stray) void blobs.delete(key).catch(() => undefined);
    return blobs;
  }

  private index(o: ObjectDoc): void {
    let m = this.objects.get(o.bucket);
    if (!m) this.objects.set(o.bucket, (m = new Map()));
    let order = this.order.get(o.bucket);
    if (!order) this.order.set(o.bucket, (order = new SortedKeys()));
    m.set(o.key, o);
    order.add(o.key);
  }

  private unindex(bucket: string, key: string): void {
    this.objects.get(bucket)?.delete(key);
    this.order.get(bucket)?.remove(key);
  }

  // Buckets

  bucket(name: string): BucketDoc {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  createBucket(name: string): BucketDoc {
    const problem = bucketNameProblem(name);
    if (problem) throw new AwsError("InvalidBucketName", `The specified bucket is not valid. ${problem}`, 400, { BucketName: name });
    if (this.buckets.has(name)) {
      throw new AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, {
        BucketName: name,
      });
    }
    const b = { name, created: this.now() };
    this.buckets.set(name, b);
    this.store.put(S3_KINDS.bucket, name, b);
    return b;
  }

  listBuckets(): BucketDoc[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  deleteBucket(name: string): void {
    this.bucket(name);
    if ((this.objects.get(name)?.size ?? 0) > 0) throw new AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, { BucketName: name });
    // In-progress uploads go with the bucket.
    for (const u of [...this.uploads.values()]) if (u.bucket === name) this.dropUpload(u);
    this.buckets.delete(name);
    this.objects.delete(name);
    this.order.delete(name);
    this.store.delete(S3_KINDS.bucket, name);
  }

  // Objects

  object(bucket: string, key: string): ObjectDoc | undefined {
    this.bucket(bucket);
    return this.objects.get(bucket)?.get(key);
  }

  /** Streams a body into a fresh blob; the caller checks it and then `commitObject`s it (or `discard`s). */
  async writeBlob(body: BlobSource, expectedSize?: number): Promise<{ blob: string; size: number; md5: string; sha256: string }> {
    const blob = this.blobPrefix + randomBytes(16).toString("hex");
    try {
      const r = await this.blobs.put(blob, body, { expectedSize });
      return { blob, ...r };
    } catch (err) {
      throw blobError(err);
    }
  }

  discard(blob: string): void {
    void this.blobs.delete(blob).catch(() => undefined);
  }

  /** Makes the object visible; the body it replaces is deleted once this is committed. */
  commitObject(doc: ObjectDoc): void {
    this.bucket(doc.bucket);
    const old = this.objects.get(doc.bucket)?.get(doc.key);
    this.index(doc);
    this.store.put(S3_KINDS.object, objectId(doc.bucket, doc.key), doc);
    if (old && old.blob !== doc.blob) this.afterCommit(old.blob);
  }

  deleteObject(bucket: string, key: string): void {
    const old = this.object(bucket, key);
    if (!old) return;
    this.unindex(bucket, key);
    this.store.delete(S3_KINDS.object, objectId(bucket, key));
    this.afterCommit(old.blob);
  }

  private afterCommit(blob: string): void {
    this.store.afterCommit(() => this.discard(blob));
  }

  /** A body (or an inclusive byte range of it), opened before this resolves. */
  async open(doc: ObjectDoc, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const got = await this.blobs.get(doc.blob, range);
      if (!got) throw new AwsError("InternalError", "The object's body is missing", 500);
      return got.stream;
    } catch (err) {
      if (err instanceof BlobRangeError) throw invalidRange(doc.size);
      throw err;
    }
  }

  /**
   * A bucket's keys that start with `prefix`, in order: after `after` (exclusive) when
   * given, and past every key that starts with `past` when given (found by binary search,
   * not by walking them).
   */
  *keys(bucket: string, prefix: string, after: string | undefined, past?: string): Iterable<ListedObject> {
    this.bucket(bucket);
    const order = this.order.get(bucket);
    const docs = this.objects.get(bucket);
    if (!order || !docs) return;
    const iter = after !== undefined && compareKeys(after, prefix) >= 0 ? order.from(after, false, past) : order.from(prefix, true, past);
    for (const key of iter) {
      // Keys under a prefix are contiguous in this order: the first other one ends them.
      if (!key.startsWith(prefix)) return;
      yield { key, doc: docs.get(key)! };
    }
  }

  // Multipart uploads

  createUpload(
    bucket: string,
    key: string,
    headers: ObjectHeaders,
    checksumAlgorithm?: ChecksumAlgorithm,
    checksumType?: UploadDoc["checksumType"],
  ): UploadDoc {
    this.bucket(bucket);
    const uploadId = randomBytes(24).toString("base64url");
    const record: UploadRecord = { ...headers, uploadId, bucket, key, initiated: this.now(), checksumAlgorithm, checksumType };
    const u: UploadDoc = { ...record, parts: {} };
    this.uploads.set(uploadId, u);
    this.store.put(S3_KINDS.upload, uploadId, record);
    return u;
  }

  upload(bucket: string, key: string, uploadId: string): UploadDoc {
    this.bucket(bucket);
    const u = this.uploads.get(uploadId);
    if (!u || u.bucket !== bucket || u.key !== key) throw noSuchUpload(uploadId);
    return u;
  }

  listUploads(bucket: string): UploadDoc[] {
    this.bucket(bucket);
    return [...this.uploads.values()].filter((u) => u.bucket === bucket).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
  }

  /** Records a part (replacing one of the same number, whose body goes once this is committed). */
  commitPart(u: UploadDoc, partNumber: number, part: PartDoc): void {
    // The upload may have been aborted or completed while the part streamed in.
    if (this.uploads.get(u.uploadId) !== u) {
      this.discard(part.blob);
      throw noSuchUpload(u.uploadId);
    }
    const old = u.parts[String(partNumber)];
    u.parts[String(partNumber)] = part;
    this.store.put(S3_KINDS.part, partId(u.uploadId, partNumber), part);
    if (old) this.afterCommit(old.blob);
  }

  abortUpload(u: UploadDoc): void {
    this.dropUpload(u);
  }

  /** The upload's records go (its own and its parts'), and the parts' bodies once that is committed. */
  private dropUpload(u: UploadDoc): void {
    this.uploads.delete(u.uploadId);
    this.store.delete(S3_KINDS.upload, u.uploadId);
    for (const [n, p] of Object.entries(u.parts)) {
      this.store.delete(S3_KINDS.part, partId(u.uploadId, n));
      this.afterCommit(p.blob);
    }
  }

  /** The parts' bodies one after another, as one source for the completed object's blob. */
  async *concat(parts: PartDoc[]): AsyncGenerator<Uint8Array> {
    for (const p of parts) {
      const got = await this.blobs.get(p.blob);
      if (!got) throw new AwsError("InternalError", "A part's body is missing", 500);
      for await (const chunk of got.stream) yield chunk as Uint8Array;
    }
  }

  /** The upload becomes the object: one document change, committed with the request. */
  completeUpload(u: UploadDoc, doc: ObjectDoc): void {
    if (this.uploads.get(u.uploadId) !== u) {
      this.discard(doc.blob);
      throw noSuchUpload(u.uploadId);
    }
    this.commitObject(doc);
    // The parts' bodies were copied into the object's: all go, listed or not.
    this.dropUpload(u);
  }
}

/** The stored headers of an upload or an object. */
export function headersOf(h: ObjectHeaders): ObjectHeaders {
  return {
    contentType: h.contentType,
    contentEncoding: h.contentEncoding,
    contentDisposition: h.contentDisposition,
    contentLanguage: h.contentLanguage,
    cacheControl: h.cacheControl,
    expires: h.expires,
    metadata: h.metadata,
  };
}

export function objectId(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

export function invalidRange(size: number): AwsError {
  return new AwsError("InvalidRange", "The requested range is not satisfiable", 416, { ActualObjectSize: size });
}

/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-<count>`. */
export function multipartEtag(partEtags: string[]): string {
  const h = createHash("md5");
  for (const e of partEtags) h.update(Buffer.from(e.replace(/"/g, ""), "hex"));
  return `"${h.digest("hex")}-${partEtags.length}"`;
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { compareKeys, SortedKeys } from "../../emulator/services/s3/sorted-keys";
import type { ObjectDoc } from "../../emulator/services/s3/model";
import { startS3Alone, type S3Alone } from "./s3-harness";

/**
 * Listings with a delimiter seek past each common prefix instead of walking the keys under
 * it: checked by what the listing reads of the bucket's keys (a count, not a time), and the
 * seek itself against a brute-force filter over keys full of UTF-16 corner cases.
 */

describe("SortedKeys.from with a prefix to seek past", () => {
  // Units where UTF-16 order and code point order part ways, and where "the next code unit" needs a carry.
  const alphabet = ["a", "/", "\uD7FF", "\uE000", "\uFFFF", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "\uDBFF", "\uDFFF"];
  const all: string[] = [];
  for (const x of alphabet) {
    all.push(x);
    for (const y of alphabet) {
      all.push(x + y);
      for (const z of alphabet) all.push(x + y + z);
    }
  }
  const sorted = new SortedKeys();
  for (const k of all) sorted.add(k);
  const inOrder = [...new Set(all)].sort(compareKeys);

  it("starts at the first key after every key under the prefix, for every prefix", () => {
    for (const past of [...new Set(all), "", "\uD800", "zz"]) {
      const expected = inOrder.filter((k) => compareKeys(k, past) > 0 && !k.startsWith(past));
      expect([...sorted.from("", true, past)], JSON.stringify(past)).toEqual(expected);
    }
  });

  it("takes the later of the start and the seek", () => {
    const start = "\u{1F600}";
    expect([...sorted.from(start, false, "a")]).toEqual(inOrder.filter((k) => compareKeys(k, start) > 0));
    expect([...sorted.from("a", true, "\u{1F600}")]).toEqual(inOrder.filter((k) => compareKeys(k, "\u{1F600}") > 0 && !k.startsWith("\u{1F600}")));
  });
});

describe("ListObjects with a delimiter over many keys under one prefix", () => {
  let emu: S3Alone;
  let s3: S3Client;
  /** Keys the listing read from the bucket's index, since the last reset. */
  let read = 0;
  const UNDER = 20_000;

  beforeAll(async () => {
    emu = await startS3Alone();
    s3 = new S3Client({
      endpoint: emu.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: "many" }));
    const state = emu.region.state;
    // Metadata only: a listing never opens a body.
    const doc = (key: string): ObjectDoc => ({ bucket: "many", key, blob: `none/${key}`, size: 1, etag: '"e"', lastModified: 0, metadata: {} });
    for (const key of ["a.txt", "logs/x", "zz/y"]) state.commitObject(doc(key));
    for (let i = 0; i < UNDER; i++) state.commitObject(doc(`big/${String(i).padStart(6, "0")}`));
    await emu.store.committed();
    const keys = state.keys.bind(state);
    state.keys = function* (...args: Parameters<typeof keys>) {
      for (const o of keys(...args)) {
        read++;
        yield o;
      }
    };
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await emu?.stop();
  });

  it("answers the common prefix once and reads a few keys, not the 20,000 under it", async () => {
    read = 0;
    const out = await s3.send(new ListObjectsV2Command({ Bucket: "many", Delimiter: "/" }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(["a.txt"]);
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["big/", "logs/", "zz/"]);
    expect(out.IsTruncated).toBe(false);
    expect(read).toBeLessThan(10);
  });

  it("pages past a common prefix with a continuation token or a marker without reading what is under it", async () => {
    read = 0;
    const first = await s3.send(new ListObjectsV2Command({ Bucket: "many", Delimiter: "/", MaxKeys: 2 }));
    expect([first.Contents?.map((c) => c.Key), first.CommonPrefixes?.map((p) => p.Prefix), first.IsTruncated]).toEqual([["a.txt"], ["big/"], true]);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: "many", Delimiter: "/", MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
    expect([second.Contents, second.CommonPrefixes?.map((p) => p.Prefix), second.IsTruncated]).toEqual([undefined, ["logs/", "zz/"], false]);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: "many", Delimiter: "/", Marker: "big/" }));
    expect([v1.Contents, v1.CommonPrefixes?.map((p) => p.Prefix)]).toEqual([undefined, ["logs/", "zz/"]]);
    expect(read).toBeLessThan(20);
  });

  it("still walks the keys a listing answers: under the prefix itself, page by page", async () => {
    read = 0;
    const out = await s3.send(new ListObjectsV2Command({ Bucket: "many", Prefix: "big/", Delimiter: "/", MaxKeys: 1000 }));
    expect(out.KeyCount).toBe(1000);
    expect(out.Contents?.[999]?.Key).toBe("big/000999");
    expect(read).toBe(1001);
  });
});

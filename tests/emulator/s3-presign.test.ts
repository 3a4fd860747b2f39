import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, PutObjectCommand, CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AwsError } from "../../emulator/server/errors";
import { startS3Alone, type S3Alone } from "./s3-harness";

/**
 * Presigned URLs (SigV4 query authentication) made by @aws-sdk/s3-request-presigner and by
 * the emulator itself (`S3Objects.presignGet`), fetched with plain fetch; and `S3Objects.read`.
 */

let emu: S3Alone;
let s3: S3Client;
const creds = { accessKeyId: "test", secretAccessKey: "test" };
beforeAll(async () => {
  emu = await startS3Alone();
  s3 = new S3Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: creds, forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
  await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0/agent bin+1.tgz", Body: "firmware-bytes" }));
});
afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
});

const codeOf = async (res: Response) => /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
/** The emulator's own presigning key, as kept in the region's store metadata. */
const ownKey = () => JSON.parse(emu.store.getMeta("000000000000/us-east-1/s3.presign-key")!) as { accessKeyId: string; secret: string };

describe("URLs presigned by the SDK", () => {
  it("GET and PUT work with fetch", async () => {
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0/agent bin+1.tgz" }), { expiresIn: 300 });
    const res = await fetch(get);
    expect([res.status, await res.text()]).toEqual([200, "firmware-bytes"]);
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "artifacts", Key: "uploads/by-url.txt", ContentType: "text/plain" }), { expiresIn: 300 });
    const up = await fetch(put, { method: "PUT", body: "sent by url", headers: { "Content-Type": "text/plain" } });
    expect(up.status).toBe(200);
    const back = await s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: "uploads/by-url.txt" }));
    expect([await back.Body!.transformToString(), back.ContentType]).toEqual(["sent by url", "text/plain"]);
  });

  it("are refused once expired, and when X-Amz-Expires is over a week", async () => {
    const old = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0/agent bin+1.tgz" }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const res = await fetch(old);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain("<Message>Request has expired</Message>");
    // Another key's signature is not checked, so the parameter can be changed to show the bound.
    const fresh = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0/agent bin+1.tgz" }), { expiresIn: 60 });
    const long = new URL(fresh);
    long.searchParams.set("X-Amz-Expires", "604801");
    const tooLong = await fetch(long);
    expect([tooLong.status, await codeOf(tooLong)]).toEqual([400, "AuthorizationQueryParametersError"]);
    long.searchParams.set("X-Amz-Expires", "604800");
    expect((await fetch(long)).status).toBe(200);
  });
});

describe("URLs the emulator presigns (S3Objects.presignGet)", () => {
  it("download the object, path style on the emulator's own endpoint", async () => {
    const url = emu.region.objects.presignGet("artifacts", "agent/7.3.0/agent bin+1.tgz", 3600);
    expect(url.startsWith(`${emu.endpoint}/artifacts/agent/7.3.0/agent%20bin%2B1.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&`)).toBe(true);
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("3600");
    const res = await fetch(url);
    expect([res.status, await res.text()]).toEqual([200, "firmware-bytes"]);
    const ranged = await fetch(url, { headers: { Range: "bytes=9-" } });
    expect([ranged.status, await ranged.text()]).toEqual([206, "bytes"]);
    expect(() => emu.region.objects.presignGet("artifacts", "x", 604801)).toThrow(AwsError);
  });

  it("are refused when changed: another key, a longer expiry", async () => {
    const url = new URL(emu.region.objects.presignGet("artifacts", "agent/7.3.0/agent bin+1.tgz", 60));
    const other = new URL(url);
    other.pathname = "/artifacts/uploads/by-url.txt";
    const res = await fetch(other);
    expect([res.status, await codeOf(res)]).toEqual([403, "SignatureDoesNotMatch"]);
    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "3600");
    const res2 = await fetch(longer);
    expect([res2.status, await codeOf(res2)]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("verify as SigV4: the SDK's presigner with the emulator's key is accepted, with a wrong secret refused", async () => {
    const key = ownKey();
    expect(key.accessKeyId).toBe(new URL(emu.region.objects.presignGet("artifacts", "x", 60)).searchParams.get("X-Amz-Credential")!.split("/")[0]);
    const signer = (secretAccessKey: string) =>
      new S3Client({ endpoint: emu.endpoint, region: "us-east-1", credentials: { accessKeyId: key.accessKeyId, secretAccessKey }, forcePathStyle: true });
    const good = signer(key.secret);
    const bad = signer(`${key.secret}x`);
    try {
      const cmd = () =>
        new GetObjectCommand({ Bucket: "artifacts", Key: "agent/7.3.0/agent bin+1.tgz", ResponseContentDisposition: "attachment; filename=a.tgz" });
      const ok = await fetch(await getSignedUrl(good, cmd(), { expiresIn: 120 }));
      expect([ok.status, ok.headers.get("content-disposition"), await ok.text()]).toEqual([200, "attachment; filename=a.tgz", "firmware-bytes"]);
      const wrong = await fetch(await getSignedUrl(bad, cmd(), { expiresIn: 120 }));
      expect([wrong.status, await codeOf(wrong)]).toEqual([403, "SignatureDoesNotMatch"]);
    } finally {
      good.destroy();
      bad.destroy();
    }
  });
});

describe("S3Objects.read", () => {
  it("returns the bytes, undefined for a missing bucket or key, and refuses objects over the limit", async () => {
    expect((await emu.region.objects.read("artifacts", "agent/7.3.0/agent bin+1.tgz", 1024))?.toString()).toBe("firmware-bytes");
    expect(await emu.region.objects.read("artifacts", "nope", 1024)).toBeUndefined();
    expect(await emu.region.objects.read("no-such-bucket", "x", 1024)).toBeUndefined();
    const err = await emu.region.objects.read("artifacts", "agent/7.3.0/agent bin+1.tgz", 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).code).toBe("InvalidRequestException");
  });
});

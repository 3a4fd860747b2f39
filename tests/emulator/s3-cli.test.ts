import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { startHarness, type Harness } from "./harness";

/** The AWS CLI (v1: `aws s3` and `aws s3api`) against the emulator, path style. */

const run = promisify(execFile);
let h: Harness<S3Client>;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness(S3Client);
  work = mkdtempSync(join(tmpdir(), "s3-cli-"));
  writeFileSync(join(work, "config"), "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n");
  env = {
    NODE_ENV: "test",
    PATH: process.env.PATH,
    HOME: work,
    AWS_CONFIG_FILE: join(work, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "none"),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
});
afterAll(async () => {
  await h?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run("aws", ["--endpoint-url", h.emulator.endpoint, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("aws s3 and aws s3api", () => {
  it("make a bucket, copy files up (one of them multipart) and down, list, remove", async () => {
    await aws("s3", "mb", "s3://cli-bucket");
    const small = join(work, "small.txt");
    writeFileSync(small, "hello from the cli\n");
    await aws("s3", "cp", small, "s3://cli-bucket/docs/small.txt");
    // Over the CLI's 8 MB multipart threshold: CreateMultipartUpload, UploadPart x2, Complete.
    const bigBytes = randomBytes(9 * 1024 * 1024 + 12345);
    const big = join(work, "big.bin");
    writeFileSync(big, bigBytes);
    await aws("s3", "cp", big, "s3://cli-bucket/firmware/big.bin");

    const head = JSON.parse(await aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "firmware/big.bin")) as {
      ContentLength: number;
      ETag: string;
    };
    expect(head.ContentLength).toBe(bigBytes.length);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);

    const top = await aws("s3", "ls", "s3://cli-bucket/");
    expect(top).toMatch(/PRE docs\//);
    expect(top).toMatch(/PRE firmware\//);
    const all = await aws("s3", "ls", "--recursive", "s3://cli-bucket/");
    expect(all).toMatch(new RegExp(`\\s${bigBytes.length} firmware/big\\.bin`));
    expect(all).toMatch(/\s19 docs\/small\.txt/);
    expect(await aws("s3", "ls")).toMatch(/cli-bucket/);

    const down = join(work, "down.bin");
    await aws("s3", "cp", "s3://cli-bucket/firmware/big.bin", down);
    expect(sha256(readFileSync(down))).toBe(sha256(bigBytes));

    const listed = JSON.parse(await aws("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "docs/")) as {
      Contents: Array<{ Key: string; Size: number }>;
    };
    expect(listed.Contents.map((c) => [c.Key, c.Size])).toEqual([["docs/small.txt", 19]]);

    await aws("s3", "rm", "s3://cli-bucket/docs/small.txt");
    await aws("s3api", "delete-object", "--bucket", "cli-bucket", "--key", "firmware/big.bin");
    await aws("s3", "rb", "s3://cli-bucket");
    expect(await aws("s3", "ls")).not.toMatch(/cli-bucket/);
  });

  it("report S3's errors", async () => {
    const err = await aws("s3api", "head-bucket", "--bucket", "cli-missing").catch((e: { stderr: string }) => e.stderr);
    expect(err).toMatch(/404/);
    const err2 = await aws("s3api", "get-object", "--bucket", "cli-missing", "--key", "k", join(work, "x")).catch((e: { stderr: string }) => e.stderr);
    expect(err2).toMatch(/NoSuchBucket/);
  });
});

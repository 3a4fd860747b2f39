import { describe, expect, it } from "vitest";
import { AwsChunkedDecoder, checksumOf, newDigest } from "../../emulator/services/s3/checksums";

/** The flexible-checksum algorithms against the CRC catalogue's check values, and the aws-chunked decoder. */

const hex = (b64: string) => Buffer.from(b64, "base64").toString("hex");

describe("checksums", () => {
  it("match the catalogue's check values for '123456789'", () => {
    const input = Buffer.from("123456789");
    expect(hex(checksumOf("crc32", input))).toBe("cbf43926");
    expect(hex(checksumOf("crc32c", input))).toBe("e3069283");
    expect(hex(checksumOf("crc64nvme", input))).toBe("ae8b14860a799888");
    expect(hex(checksumOf("sha1", input))).toBe("f7c3bc1d808e04732adf679965ccc34ca7ae3441");
    expect(hex(checksumOf("sha256", Buffer.from("")))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("are the same fed in pieces", () => {
    const input = Buffer.from("The quick brown fox jumps over the lazy dog");
    for (const alg of ["crc32", "crc32c", "crc64nvme"] as const) {
      const d = newDigest(alg);
      for (let i = 0; i < input.length; i += 5) d.update(input.subarray(i, i + 5));
      expect(d.digest().toString("base64"), alg).toBe(checksumOf(alg, input));
    }
  });
});

describe("AwsChunkedDecoder", () => {
  const body =
    "a;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n0123456789\r\n" +
    "3;chunk-signature=1111\r\nabc\r\n" +
    "0;chunk-signature=2222\r\n" +
    "x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:3333\r\n\r\n";

  it("yields the data and collects trailers, however the bytes arrive", async () => {
    for (const step of [1, 2, 7, body.length]) {
      async function* pieces() {
        for (let i = 0; i < body.length; i += step) yield Buffer.from(body.slice(i, i + step));
      }
      const dec = new AwsChunkedDecoder(pieces());
      const out: Buffer[] = [];
      for await (const b of dec) out.push(Buffer.from(b));
      expect(Buffer.concat(out).toString(), `step ${step}`).toBe("0123456789abc");
      expect(dec.trailers.get("x-amz-checksum-crc32")).toBe("AAAAAA==");
    }
  });

  it("refuses a chunk longer than announced, or a body cut short", async () => {
    const drain = async (s: string) => {
      async function* one() {
        yield Buffer.from(s);
      }
      for await (const _ of new AwsChunkedDecoder(one())) void _;
    };
    await expect(drain("3\r\nabcd\r\n0\r\n\r\n")).rejects.toMatchObject({ code: "IncompleteBody" });
    await expect(drain("a\r\n0123")).rejects.toMatchObject({ code: "IncompleteBody" });
    await expect(drain("zz\r\n")).rejects.toMatchObject({ code: "IncompleteBody" });
  });

  it("bounds the trailers: at most 16 lines and 8 KB, past that a 400", async () => {
    const decode = async (trailers: string, step = 1024) => {
      const s = `3\r\nabc\r\n0\r\n${trailers}`;
      async function* pieces() {
        for (let i = 0; i < s.length; i += step) yield Buffer.from(s.slice(i, i + step));
      }
      const dec = new AwsChunkedDecoder(pieces());
      for await (const _ of dec) void _;
      return dec.trailers;
    };
    const lines = (n: number, value = "v") => Array.from({ length: n }, (_, i) => `x-amz-meta-t${i}:${value}\r\n`).join("");
    expect((await decode(`${lines(16)}\r\n`)).size).toBe(16);
    await expect(decode(`${lines(17)}\r\n`)).rejects.toMatchObject({ code: "MalformedTrailerError", status: 400 });
    // Without an end: an endless stream of trailers is cut off, not collected.
    await expect(decode(lines(100_000))).rejects.toMatchObject({ code: "MalformedTrailerError" });
    // One trailer line longer than the whole allowance, with or without its CRLF yet, and arriving in one piece or many.
    for (const step of [7, 1 << 20]) {
      await expect(decode(`x-amz-checksum-crc32:${"A".repeat(9000)}\r\n\r\n`, step)).rejects.toMatchObject({ code: "MalformedTrailerError" });
      await expect(decode(`x-amz-checksum-crc32:${"A".repeat(100_000)}`, step)).rejects.toMatchObject({ code: "MalformedTrailerError" });
    }
    // 8 KB in all: two trailers of 5,000 bytes are too many bytes, one is fine.
    expect((await decode(`${lines(1, "B".repeat(5000))}\r\n`)).size).toBe(1);
    await expect(decode(`${lines(2, "B".repeat(5000))}\r\n`)).rejects.toMatchObject({ code: "MalformedTrailerError" });
  });
});

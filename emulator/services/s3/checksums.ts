import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { AwsError } from "../../server/errors";

/**
 * S3's flexible checksums (x-amz-checksum-<algorithm>, base64 of the big-endian digest)
 * and the `aws-chunked` content encoding the SDKs and the CLI stream bodies in, with the
 * checksum in a trailer.
 */
export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function isChecksumAlgorithm(s: string): s is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(s);
}

/** An incremental digest of one algorithm. */
export interface Digest {
  update(b: Uint8Array): void;
  /** The raw big-endian digest. */
  digest(): Buffer;
}

class NodeHash implements Digest {
  private h: Hash;
  constructor(alg: string) {
    this.h = createHash(alg);
  }
  update(b: Uint8Array) {
    this.h.update(b);
  }
  digest() {
    return this.h.digest();
  }
}

class Crc32 implements Digest {
  private v = 0;
  update(b: Uint8Array) {
    this.v = crc32(b, this.v);
  }
  digest() {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.v >>> 0);
    return out;
  }
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

class Crc32c implements Digest {
  private v = 0xffffffff;
  update(b: Uint8Array) {
    let c = this.v;
    for (let i = 0; i < b.length; i++) c = CRC32C_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    this.v = c;
  }
  digest() {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.v ^ 0xffffffff) >>> 0);
    return out;
  }
}

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, kept as two 32-bit halves
// (BigInt per byte would be far slower on multi-megabyte parts).
const CRC64_TABLE = (() => {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const P_HI = 0x9a6c9329;
  const P_LO = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let h = 0;
    let l = i;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ P_HI) >>> 0;
        l = (l ^ P_LO) >>> 0;
      }
    }
    hi[i] = h;
    lo[i] = l;
  }
  return { hi, lo };
})();

class Crc64Nvme implements Digest {
  private h = 0xffffffff;
  private l = 0xffffffff;
  update(b: Uint8Array) {
    let h = this.h;
    let l = this.l;
    const { hi, lo } = CRC64_TABLE;
    for (let i = 0; i < b.length; i++) {
      const idx = (l ^ b[i]!) & 0xff;
      // (crc >>> 8) ^ table[idx], on the 64-bit value held in (h, l).
      const nl = ((l >>> 8) | ((h & 0xff) << 24)) >>> 0;
      const nh = h >>> 8;
      h = (nh ^ hi[idx]!) >>> 0;
      l = (nl ^ lo[idx]!) >>> 0;
    }
    this.h = h;
    this.l = l;
  }
  digest() {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.h ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.l ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

export function newDigest(alg: ChecksumAlgorithm): Digest {
  switch (alg) {
    case "crc32":
      return new Crc32();
    case "crc32c":
      return new Crc32c();
    case "crc64nvme":
      return new Crc64Nvme();
    case "sha1":
      return new NodeHash("sha1");
    case "sha256":
      return new NodeHash("sha256");
  }
}

/** The digest of whole bytes, base64 (as the x-amz-checksum-* headers carry it). */
export function checksumOf(alg: ChecksumAlgorithm, bytes: Uint8Array): string {
  const d = newDigest(alg);
  d.update(bytes);
  return d.digest().toString("base64");
}

/** The checksum a request announces in a header: its algorithm and base64 value (undefined: none). */
export function announcedChecksum(headers: Record<string, string | string[] | undefined>): { alg: ChecksumAlgorithm; value: string } | undefined {
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = headers[`x-amz-checksum-${alg}`];
    if (typeof v === "string" && v !== "") return { alg, value: v };
  }
  return undefined;
}

/** The trailer a request says it will send a checksum in (`x-amz-trailer: x-amz-checksum-crc32`). */
export function trailerAlgorithm(headers: Record<string, string | string[] | undefined>): ChecksumAlgorithm | undefined {
  const t = String(headers["x-amz-trailer"] ?? "")
    .trim()
    .toLowerCase();
  if (t === "") return undefined;
  const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(t);
  if (!m || !isChecksumAlgorithm(m[1]!)) throw new AwsError("InvalidRequest", `The trailer ${t} is not a checksum S3 knows`, 400);
  return m[1];
}

const CRLF = Buffer.from("\r\n");
/** A chunk header's longest line. */
const MAX_CHUNK_HEADER = 64 * 1024;
/** Trailers after the last chunk: a checksum and a signature in practice; past these a body is refused. */
export const MAX_TRAILER_LINES = 16;
export const MAX_TRAILER_BYTES = 8 * 1024;

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` ...
 * `0[;...]\r\n`, then trailers (`name:value\r\n`, at most 16 lines and 8 KB) and a final `\r\n`. Yields the decoded
 * bytes as they arrive; the trailers are in `trailers` once the iteration ends. Chunk
 * signatures are not checked (no header signature is: the emulator accepts any key).
 */
export class AwsChunkedDecoder {
  readonly trailers = new Map<string, string>();
  constructor(private readonly source: AsyncIterable<Uint8Array | string>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    let buf: Buffer = Buffer.alloc(0);
    const it = this.source[Symbol.asyncIterator]();
    let ended = false;
    const more = async (): Promise<boolean> => {
      if (ended) return false;
      const r = await it.next();
      if (r.done) {
        ended = true;
        return false;
      }
      const chunk = typeof r.value === "string" ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      return true;
    };
    const line = async (max = MAX_CHUNK_HEADER, tooLong = () => incomplete("a chunk header is too long")): Promise<string> => {
      for (;;) {
        const i = buf.indexOf(CRLF);
        if (i >= 0) {
          if (i > max) throw tooLong();
          const s = buf.subarray(0, i).toString("latin1");
          buf = buf.subarray(i + 2);
          return s;
        }
        if (buf.length > max) throw tooLong();
        if (!(await more())) throw incomplete("the body ended inside a chunk header");
      }
    };
    for (;;) {
      const header = await line();
      const size = parseInt(header.split(";")[0]!.trim(), 16);
      if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(header.split(";")[0]!.trim())) throw incomplete("a chunk size is not hexadecimal");
      if (size === 0) break;
      let left = size;
      while (left > 0) {
        if (buf.length === 0 && !(await more())) throw incomplete("the body ended inside a chunk");
        const take = Math.min(left, buf.length);
        yield buf.subarray(0, take);
        buf = buf.subarray(take);
        left -= take;
      }
      while (buf.length < 2) if (!(await more())) throw incomplete("a chunk is not followed by CRLF");
      if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw incomplete("a chunk is longer than its announced size");
      buf = buf.subarray(2);
    }
    // Trailers, up to the empty line (or the end of the body: some clients omit it), within bounds.
    let left = MAX_TRAILER_BYTES;
    for (let lines = 0; ; lines++) {
      let l: string;
      try {
        l = await line(left, trailersTooLarge);
      } catch (err) {
        if (ended && buf.length === 0) break;
        if (ended && buf.length > 0 && buf.length <= left) {
          l = buf.toString("latin1");
          buf = Buffer.alloc(0);
        } else throw err;
      }
      if (l === "") break;
      if (lines === MAX_TRAILER_LINES) throw trailersTooLarge();
      left = Math.max(0, left - l.length - 2);
      const colon = l.indexOf(":");
      if (colon <= 0) throw incomplete("a trailer is malformed");
      this.trailers.set(l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim());
    }
  }
}

function trailersTooLarge(): AwsError {
  return new AwsError(
    "MalformedTrailerError",
    `The request contained trailing data that was not well-formed: at most ${MAX_TRAILER_LINES} trailers of ${MAX_TRAILER_BYTES} bytes in all`,
    400,
  );
}

function incomplete(why: string): AwsError {
  return new AwsError("IncompleteBody", `The aws-chunked body is malformed: ${why}`, 400);
}

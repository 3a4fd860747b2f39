import { createHash } from "node:crypto";

/**
 * An agent's artifact download: streamed (the bytes are hashed as they arrive, nothing
 * is held but what `sink` keeps), resumed with a Range request after a dropped or
 * stalled connection, and checked against the size and SHA-256 the job document gives.
 */

export interface DownloadOptions {
  url: string;
  /** Lower-case hex SHA-256 the bytes must have. */
  sha256: string;
  /** The size the document announces, if any: a different length fails the download. */
  size?: number;
  /** The most bytes accepted (guards an agent against an endless or oversized body). */
  maxBytes: number;
  /** Receives every chunk in order, once (bytes resent after a restart from zero are not repeated). */
  sink?: (chunk: Buffer) => void;
  /** Called as bytes arrive: received so far and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Requests after the first that may continue a download (default 5). */
  maxResumes?: number;
  /** No byte for this long ends the request (then resumed); default 30 s. */
  stallMs?: number;
  /** Wait before a resume: this times 2^attempt (default 500 ms). */
  retryDelayMs?: number;
  signal?: AbortSignal;
}

export type DownloadFailure = "DOWNLOAD_FAILED" | "SIZE_MISMATCH" | "DIGEST_MISMATCH";

export type DownloadResult =
  { ok: true; bytes: number; requests: number; sha256: string } | { ok: false; code: DownloadFailure; message: string; bytes: number; requests: number };

/** Statuses worth asking again for: the server may answer next time. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

class Final extends Error {
  constructor(
    readonly code: DownloadFailure,
    message: string,
  ) {
    super(message);
  }
}

export async function download(opts: DownloadOptions): Promise<DownloadResult> {
  const maxResumes = opts.maxResumes ?? 5;
  const stallMs = opts.stallMs ?? 30_000;
  const retryDelayMs = opts.retryDelayMs ?? 500;
  let hash = createHash("sha256");
  let received = 0;
  let total = opts.size;
  let requests = 0;
  let lastError = "";
  // A sink sees each byte once: after a restart from zero, bytes it already has are skipped.
  let sunk = 0;

  const fail = (code: DownloadFailure, message: string): DownloadResult => ({ ok: false, code, message, bytes: received, requests });

  while (requests <= maxResumes) {
    if (requests > 0) {
      await sleep(retryDelayMs * 2 ** (requests - 1), opts.signal);
    }
    if (opts.signal?.aborted) return fail("DOWNLOAD_FAILED", "canceled");
    requests++;
    const stall = new AbortController();
    const onAbort = () => stall.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let timer = setTimeout(() => stall.abort(), stallMs);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), stallMs);
    };
    try {
      const headers: Record<string, string> = received > 0 ? { range: `bytes=${received}-` } : {};
      const res = await fetch(opts.url, { headers, signal: stall.signal });
      if (received > 0 && res.status === 200) {
        // The server ignored the range: the whole body again, from the start.
        hash = createHash("sha256");
        received = 0;
      } else if (received > 0 && res.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
        if (!range || Number(range[1]) !== received) {
          await res.body?.cancel();
          hash = createHash("sha256");
          received = 0;
          lastError = `the server resumed at the wrong offset (${res.headers.get("content-range")})`;
          continue;
        }
        if (range[3] !== "*") total = checkTotal(total, Number(range[3]));
      } else if (res.status !== 200) {
        await res.body?.cancel();
        lastError = `HTTP ${res.status} from the artifact URL`;
        if (RETRYABLE.has(res.status)) continue;
        return fail("DOWNLOAD_FAILED", lastError);
      }
      if (res.status === 200) {
        const length = res.headers.get("content-length");
        if (length !== null && /^\d+$/.test(length)) total = checkTotal(total, Number(length));
      }
      if (total !== undefined && total > opts.maxBytes)
        throw new Final("SIZE_MISMATCH", `the artifact is ${total} bytes, more than the ${opts.maxBytes} allowed`);
      if (!res.body) throw new Error("no body");
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        alive();
        const chunk = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        if (received + chunk.length > (total ?? opts.maxBytes)) {
          throw new Final("SIZE_MISMATCH", `the artifact is longer than ${total ?? opts.maxBytes} bytes`);
        }
        hash.update(chunk);
        const fresh = received + chunk.length - sunk;
        if (opts.sink && fresh > 0) opts.sink(chunk.subarray(chunk.length - fresh));
        received += chunk.length;
        sunk = Math.max(sunk, received);
        opts.onProgress?.(received, total);
      }
      if (total !== undefined && received < total) {
        lastError = `the connection ended after ${received} of ${total} bytes`;
        continue;
      }
      const digest = hash.digest("hex");
      if (opts.size !== undefined && received !== opts.size) return fail("SIZE_MISMATCH", `got ${received} bytes, the document says ${opts.size}`);
      if (digest !== opts.sha256.toLowerCase())
        return fail("DIGEST_MISMATCH", `SHA-256 of the download is ${digest}, the document says ${opts.sha256.toLowerCase()}`);
      return { ok: true, bytes: received, requests, sha256: digest };
    } catch (err) {
      if (err instanceof Final) return fail(err.code, err.message);
      if (opts.signal?.aborted) return fail("DOWNLOAD_FAILED", "canceled");
      lastError = stall.signal.aborted ? `no data for ${stallMs} ms` : `connection lost (${describe(err)})`;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }
  return fail("DOWNLOAD_FAILED", `gave up after ${requests} requests: ${lastError}`);
}

/** The length the server states must agree with the one already known. */
function checkTotal(known: number | undefined, stated: number): number {
  if (known !== undefined && known !== stated) throw new Final("SIZE_MISMATCH", `the server has ${stated} bytes, expected ${known}`);
  return stated;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

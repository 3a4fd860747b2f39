import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { download } from "./agent-jobs-download";

/**
 * The agent's download against a real HTTP server on a free port: the server serves a
 * fixed artifact, honours Range like S3 (206 + Content-Range), and can be told to cut the
 * connection after N bytes, stall, ignore Range, or answer with an error status.
 */

const ARTIFACT = randomBytes(300_000);
const SHA = createHash("sha256").update(ARTIFACT).digest("hex");

interface Seen {
  range?: string;
  sent: number;
}

/** Per request (in order): what the server does; the last entry repeats. */
type Behaviour = { cutAfter?: number; stall?: boolean; ignoreRange?: boolean; status?: number; body?: Buffer };

let server: Server;
let base: string;
let plan: Behaviour[] = [];
let seen: Seen[] = [];

function serve(req: IncomingMessage, res: ServerResponse): void {
  const b = plan[Math.min(seen.length, plan.length - 1)] ?? {};
  const entry: Seen = { range: req.headers.range, sent: 0 };
  seen.push(entry);
  if (b.status) {
    res.writeHead(b.status, { "content-type": "application/xml" }).end("<Error><Code>AccessDenied</Code></Error>");
    return;
  }
  const body = b.body ?? ARTIFACT;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  let start = 0;
  if (m && !b.ignoreRange) {
    start = Number(m[1]);
    res.writeHead(206, { "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
  } else res.writeHead(200, { "content-length": body.length });
  const rest = body.subarray(start);
  if (b.stall) {
    res.write(rest.subarray(0, 1000));
    entry.sent = 1000;
    return; // never ends: the client's stall timer must give up on it
  }
  if (b.cutAfter !== undefined) {
    res.write(rest.subarray(0, b.cutAfter), () => setTimeout(() => res.socket?.destroy(), 20));
    entry.sent = b.cutAfter;
    return;
  }
  entry.sent = rest.length;
  res.end(rest);
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/artifact.bin?X-Amz-Signature=abc`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  plan = [];
  seen = [];
});

const opts = { sha256: SHA, size: ARTIFACT.length, maxBytes: 10_000_000, retryDelayMs: 5 };

describe("agent download", () => {
  it("streams the whole artifact in one request and checks its digest", async () => {
    const chunks: Buffer[] = [];
    const r = await download({ ...opts, url: base, sink: (c) => chunks.push(c) });
    expect(r).toMatchObject({ ok: true, bytes: 300_000, requests: 1, sha256: SHA });
    expect(Buffer.concat(chunks).equals(ARTIFACT)).toBe(true);
    expect(seen).toEqual([{ range: undefined, sent: 300_000 }]);
  });

  it("resumes with a Range request where a dropped connection left off, and never fetches a byte twice", async () => {
    plan = [{ cutAfter: 100_000 }, { cutAfter: 50_000 }, {}];
    const chunks: Buffer[] = [];
    const r = await download({ ...opts, url: base, sink: (c) => chunks.push(c) });
    expect(r).toMatchObject({ ok: true, bytes: 300_000, requests: 3 });
    expect(seen.map((s) => s.range)).toEqual([undefined, "bytes=100000-", "bytes=150000-"]);
    expect(seen.reduce((n, s) => n + s.sent, 0)).toBe(300_000);
    expect(Buffer.concat(chunks).equals(ARTIFACT)).toBe(true);
  });

  it("resumes after a stalled connection", async () => {
    plan = [{ stall: true }, {}];
    const r = await download({ ...opts, url: base, stallMs: 200 });
    expect(r).toMatchObject({ ok: true, requests: 2 });
    expect(seen.map((s) => s.range)).toEqual([undefined, "bytes=1000-"]);
  });

  it("starts over when the server ignores Range, and the sink still gets each byte once", async () => {
    plan = [{ cutAfter: 120_000 }, { ignoreRange: true }];
    const chunks: Buffer[] = [];
    const r = await download({ ...opts, url: base, sink: (c) => chunks.push(c) });
    expect(r).toMatchObject({ ok: true, bytes: 300_000, requests: 2 });
    expect(seen.map((s) => s.range)).toEqual([undefined, "bytes=120000-"]);
    expect(Buffer.concat(chunks).equals(ARTIFACT)).toBe(true);
  });

  it("fails with DIGEST_MISMATCH when the bytes are not the ones the document names", async () => {
    const other = Buffer.from(ARTIFACT);
    other[12_345] ^= 0xff;
    plan = [{ body: other }];
    const r = await download({ ...opts, url: base });
    expect(r).toMatchObject({ ok: false, code: "DIGEST_MISMATCH" });
  });

  it("fails with SIZE_MISMATCH when the server's length differs from the document's size", async () => {
    const r = await download({ ...opts, size: 299_999, url: base });
    expect(r).toMatchObject({ ok: false, code: "SIZE_MISMATCH" });
  });

  it("refuses an artifact larger than maxBytes before reading it", async () => {
    const r = await download({ sha256: SHA, maxBytes: 1000, url: base });
    expect(r).toMatchObject({ ok: false, code: "SIZE_MISMATCH" });
    expect(seen).toHaveLength(1);
  });

  it("gives up at once on 403 (an expired presigned URL is not going to work next time)", async () => {
    plan = [{ status: 403 }];
    const r = await download({ ...opts, url: base });
    expect(r).toMatchObject({ ok: false, code: "DOWNLOAD_FAILED", message: "HTTP 403 from the artifact URL", requests: 1 });
  });

  it("asks again after a 503 and gives up after maxResumes", async () => {
    plan = [{ status: 503 }];
    const r = await download({ ...opts, url: base, maxResumes: 2 });
    expect(r).toMatchObject({ ok: false, code: "DOWNLOAD_FAILED", requests: 3 });
    expect(seen).toHaveLength(3);
  });

  it("keeps going on a connection that keeps dropping until maxResumes, then fails", async () => {
    plan = [{ cutAfter: 10_000 }];
    const r = await download({ ...opts, url: base, maxResumes: 3 });
    expect(r).toMatchObject({ ok: false, code: "DOWNLOAD_FAILED", bytes: 40_000, requests: 4 });
    expect(seen.map((s) => s.range)).toEqual([undefined, "bytes=10000-", "bytes=20000-", "bytes=30000-"]);
  });

  it("stops when the agent cancels it", async () => {
    plan = [{ stall: true }];
    const ac = new AbortController();
    const p = download({ ...opts, url: base, signal: ac.signal, onProgress: () => ac.abort() });
    const r = await p;
    expect(r).toMatchObject({ ok: false, code: "DOWNLOAD_FAILED", message: "canceled", requests: 1 });
  });
});

import type { IncomingMessage } from "node:http";

/**
 * Reading request bodies within bounds. A body over its limit is refused with 413 as soon
 * as the limit is passed (or at once, when Content-Length says so), and the rest is never
 * kept. All bodies being read at once share one budget, so many large uploads cannot
 * take the process's memory: past it a request is refused with 503 (SDKs retry those).
 */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 503; reason: string } | { ok: false; status: 0; reason: string };

export class BodyBudget {
  private used = 0;
  constructor(readonly totalBytes: number) {}

  take(n: number): boolean {
    if (this.used + n > this.totalBytes) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}

/** Reads the body; a body that was read stays charged to `budget` until the caller gives it back (when the answer is sent). */
export function readBody(req: IncomingMessage, limitBytes: number, budget: BodyBudget): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.resolve({ ok: false, status: 413, reason: `The request body is larger than ${limitBytes} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      if (!r.ok) {
        budget.give(size);
        // Stop keeping anything; what is still arriving is read and dropped until the
        // connection is closed after the answer.
        chunks.length = 0;
        req.resume();
      }
      resolve(r);
    };
    const onData = (c: Buffer) => {
      if (size + c.length > limitBytes) return finish({ ok: false, status: 413, reason: `The request body is larger than ${limitBytes} bytes` });
      if (!budget.take(c.length)) return finish({ ok: false, status: 503, reason: "Too many large requests at once; try again" });
      size += c.length;
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => {
      const body = Buffer.concat(chunks, size);
      finish({ ok: true, body });
    });
    req.once("error", (err) => finish({ ok: false, status: 0, reason: err.message }));
    req.once("aborted", () => finish({ ok: false, status: 0, reason: "aborted" }));
  });
}

/** What kind of body a route takes: a JSON structure (most), or an opaque payload (a shadow document, an MQTT message). */
export type PayloadKind = "json" | "blob" | "stream" | "xml";

/** The media types a browser may send cross-site without a preflight: never an SDK's. */
const BROWSER_SIMPLE_TYPES = new Set(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);

/**
 * Whether a body's Content-Type fits the route. SDKs send `application/json` with a JSON
 * structure; for an opaque payload the JS SDK sends `application/octet-stream` and the
 * AWS CLI none at all. `signedHeader`: the request carries a SigV4 Authorization header.
 * Returns a problem to answer with 415, or undefined.
 */
export function contentTypeProblem(contentType: string | undefined, kind: PayloadKind, signedHeader = false): string | undefined {
  const media = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (kind === "blob") {
    if (BROWSER_SIMPLE_TYPES.has(media)) return `Content-Type '${media}' is not accepted for this payload`;
    return undefined;
  }
  // Some older SDKs send a JSON body with no type. A page cannot (it cannot set an
  // Authorization header without a CORS preflight), so a body signed in the header passes.
  if (media === "") return signedHeader ? undefined : "A request body needs Content-Type: application/json";
  if (media === "application/json" || /^application\/(x-amz-json-1\.[01]|[\w.+-]+\+json)$/.test(media)) return undefined;
  return `Content-Type '${media}' is not accepted: send application/json`;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { AwsError, COMMON_ERRORS, statusFor, type ErrorTable } from "./errors";
import type { Router, RequestContext, HandlerResult } from "./router";
import { parseCredentialScope } from "./sigv4";
import type { FaultInjector } from "./faults";
import { BodyBudget, contentTypeProblem, readBody } from "./body";
import { callerRefusal, corsHeaders, type CallerPolicy } from "./caller-guard";
import { restJson1, type Protocol } from "./protocol";
import type { OperationMetrics } from "./metrics";

/** One service as the dispatcher sees it (emulator/service.ts has the whole shape). */
export interface ServiceBinding {
  /** The name in request counts, metrics and faults. */
  name: string;
  /** The service's names in the SigV4 credential scope (its own, then aliases). */
  signingNames: string[];
  protocol: Protocol;
  /** exception → status beyond the common ones. */
  errors: ErrorTable;
  /**
   * Routes every region shares (any one region's router), for matching the operation
   * before a region is looked up: a request that names no operation builds no region.
   */
  routes: Router;
  /** The region's router; throws an AwsError for a region that cannot be served. */
  router(region: string): Router;
  /** Largest request body the service takes (default 1 MiB). */
  maxBodyBytes?: number;
}

/** The part of the store a request waits on: its changes are committed before it is answered. */
export interface CommitGate {
  readonly writeCount: number;
  /** Changes queued and not committed yet (by this request or any other). */
  readonly pendingCount: number;
  /** Set while commits fail (a full disk). */
  readonly failure: Error | undefined;
  committed(): Promise<void>;
}

export interface HttpOptions {
  services: ServiceBinding[];
  faults: FaultInjector;
  /** Extra routes outside AWS (health, fault injection), matched before SigV4. */
  admin: Router;
  /** The region admin routes see. */
  region: string;
  /** Counts answered AWS requests per operation (`iot SearchIndex`), for benchmarks. */
  requestCounts?: Map<string, number>;
  /** Per-operation count, errors and latency. */
  metrics?: OperationMetrics;
  /** One line per AWS request (operation, status, ms, region). */
  log?: (line: string) => void;
  /** Without it, answers are sent as soon as the handler returns (tests of a service alone). */
  store?: CommitGate;
  /** Who may call (Origin / Host checks); the default allows no web page and local names only. */
  callers?: Partial<CallerPolicy>;
  /** Bytes of request bodies held at once across all requests (default 64 MiB). */
  bodyBudgetBytes?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const ADMIN_MAX_BODY = 64 * 1024;

/** How errors are written before a service is known (refusals, missing signature). */
const NO_SERVICE = { protocol: restJson1, errors: COMMON_ERRORS };
type ErrorStyle = { protocol: Protocol; errors: ErrorTable };

/**
 * The single HTTP endpoint of the emulator. Picks the service from the SigV4 credential
 * scope (never from the path: paths collide across services), the region's state from
 * the scope's region, then the operation as the service's protocol names it (restJson1:
 * method + path; awsJson1_1: `X-Amz-Target`). In order: the caller (no web pages, own
 * host names), the service, the operation, the region, the body (bounded, of the route's
 * content type), faults, the handler, then the commit of what the handler changed, and
 * only then the answer, in the service's protocol.
 */
export function createHttpServer(opts: HttpOptions): Server {
  const byName = new Map<string, ServiceBinding>();
  for (const s of opts.services) for (const n of s.signingNames) byName.set(n, s);
  const callers: CallerPolicy = { allowedOrigins: [], allowedHosts: [], ownHost: "127.0.0.1", ...opts.callers };
  const budget = new BodyBudget(opts.bodyBudgetBytes ?? 64 * 1024 * 1024);

  return createServer((req, res) => {
    const requestId = randomUUID();
    dispatch(req, res, requestId, byName, callers, budget, opts).catch((err) => {
      // Last resort: a bug in a handler must not kill the emulator.
      console.error("[emulator] unhandled", err);
      if (!res.headersSent) sendError(res, NO_SERVICE, new AwsError("InternalFailureException", "Internal failure"), requestId);
    });
  });
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  byName: Map<string, ServiceBinding>,
  callers: CallerPolicy,
  budget: BodyBudget,
  opts: HttpOptions,
): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? "/", "http://emulator.local");
  const method = (req.method ?? "GET").toUpperCase();
  const rawPath = url.pathname;
  const admin = opts.admin.match(method, rawPath);

  const refusal = callerRefusal(req.headers, callers, { admin: rawPath.startsWith("/_emulator/") });
  if (refusal) return refuse(res, NO_SERVICE, new AwsError(refusal.code, refusal.message, 403), requestId);
  const cors = corsHeaders(req.headers, callers);
  for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
  if (method === "OPTIONS" && cors["Access-Control-Allow-Origin"]) {
    res.writeHead(204, {
      "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE",
      "Access-Control-Allow-Headers": String(req.headers["access-control-request-headers"] ?? "*"),
      "Access-Control-Max-Age": "600",
    });
    res.end();
    return;
  }

  if (admin) {
    const body = await boundedBody(req, res, ADMIN_MAX_BODY, budget, NO_SERVICE, requestId);
    if (!body) return;
    const ctx = makeContext(req, body, url, admin.params, "_emulator", opts.region, requestId);
    send(res, restJson1, await admin.handler(ctx), requestId);
    return;
  }

  const scope = parseCredentialScope(req.headers.authorization, url.searchParams);
  if (!scope) {
    return refuse(res, NO_SERVICE, new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403), requestId);
  }
  const binding = byName.get(scope.service);
  if (!binding) {
    return refuse(res, NO_SERVICE, new AwsError("UnknownOperationException", `The emulator does not serve the service '${scope.service}'`, 404), requestId);
  }
  const wanted = { method, path: rawPath, headers: req.headers, query: url.searchParams };
  const known = binding.protocol.match(binding.routes, wanted);
  if (known instanceof AwsError) return refuse(res, binding, known, requestId);
  let router: Router;
  try {
    router = binding.router(scope.region);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    return refuse(res, binding, err, requestId);
  }
  // Matched again for the region's own handlers (the same routes, so the same operation).
  const match = router === binding.routes ? known : binding.protocol.match(router, wanted);
  if (match instanceof AwsError) return refuse(res, binding, match, requestId);
  // A streamed route reads the request itself (an S3 upload into the blob store, bounded
  // there): nothing is buffered here, nor charged to the body budget.
  const streamed = match.payload === "stream";
  const rawBody = streamed ? Buffer.alloc(0) : await boundedBody(req, res, binding.maxBodyBytes ?? DEFAULT_MAX_BODY, budget, binding, requestId);
  if (!rawBody) return;

  const key = `${binding.name} ${match.operation}`;
  const finish = (status: number, errorCode?: string) => {
    const ms = performance.now() - started;
    opts.metrics?.record(key, ms, errorCode);
    opts.log?.(`[emulator] ${key} ${status} ${ms.toFixed(1)}ms ${scope.region}${errorCode ? ` ${errorCode}` : ""}`);
  };
  const fail = (err: AwsError) => {
    // A streamed body the handler did not read to the end is dropped with the connection.
    if (streamed && !req.readableEnded) {
      refuse(res, binding, err, requestId);
      return finish(res.statusCode, err.code);
    }
    const status = sendError(res, binding, err, requestId);
    finish(status, err.code);
  };
  const ctx = makeContext(req, rawBody, url, match.params, scope.service, scope.region, requestId);
  if (streamed) ctx.stream = req;
  if (opts.requestCounts) opts.requestCounts.set(key, (opts.requestCounts.get(key) ?? 0) + 1);
  const writesBefore = opts.store?.writeCount ?? 0;
  let result: HandlerResult;
  try {
    const fault = opts.faults.take({ service: binding.name, operation: match.operation, method, path: rawPath, region: scope.region });
    if (fault) throw fault;
    if (rawBody.length > 0 && match.payload === "xml") {
      // S3 sends its XML bodies with any type or none (the CLI: none); the caller guard has
      // already refused web pages.
      ctx.body = binding.protocol.parseBody(rawBody);
    } else if (rawBody.length > 0) {
      const problem = contentTypeProblem(req.headers["content-type"], match.payload, String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256"));
      if (problem) throw new AwsError(match.payload === "blob" ? "UnsupportedDocumentEncodingException" : "UnsupportedMediaTypeException", problem, 415);
      if (match.payload === "json") ctx.body = binding.protocol.parseBody(rawBody);
    }
    result = await match.handler(ctx);
  } catch (err) {
    if (err instanceof AwsError) return fail(err);
    console.error(`[emulator] ${key} (${method} ${rawPath}) failed`, err);
    return fail(new AwsError("InternalFailureException", "Internal failure"));
  }
  // An answer goes out only once what it reports is on disk: the request's own changes,
  // and any other request's it may have seen (an idempotent repeat of a create that is not
  // committed yet answers like the create). A commit that fails (a full disk) leaves the
  // changes queued for a retry and answers 5xx: the caller may retry, nothing acknowledged
  // is lost. Reads (GET) are the exception while commits fail: they answer from memory, so
  // a full disk does not also stop every operator's page.
  const store = opts.store;
  const wrote = store !== undefined && store.writeCount !== writesBefore;
  const mustWait = store !== undefined && (wrote || (store.pendingCount > 0 && !(method === "GET" && store.failure)));
  if (store && mustWait) {
    try {
      await store.committed();
    } catch (err) {
      if (!wrote && method === "GET") {
        finish(send(res, binding.protocol, result, requestId));
        return;
      }
      const transient = (err as { transient?: boolean }).transient !== false;
      console.error(`[emulator] ${key}: not committed: ${err instanceof Error ? err.message : String(err)}`);
      return fail(
        transient
          ? new AwsError("ServiceUnavailableException", "The emulator could not store the change (its disk may be full); try again")
          : new AwsError("InternalFailureException", "The emulator could not store the change"),
      );
    }
  }
  finish(send(res, binding.protocol, result, requestId));
}

/** The body within its limit, or undefined after answering 413/503 (or when the client went away). */
async function boundedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  budget: BodyBudget,
  style: ErrorStyle,
  requestId: string,
): Promise<Buffer | undefined> {
  const r = await readBody(req, limit, budget);
  if (r.ok) {
    res.once("close", () => budget.give(r.body.length));
    return r.body;
  }
  if (r.status === 0) return undefined;
  const err = r.status === 413 ? new AwsError("RequestEntityTooLargeException", r.reason, 413) : new AwsError("ServiceUnavailableException", r.reason, 503);
  refuse(res, style, err, requestId);
  return undefined;
}

/**
 * An answer before (or instead of) reading the whole body: the connection is closed after
 * it, so whatever the client is still sending is not read into memory.
 */
function refuse(res: ServerResponse, style: ErrorStyle, err: AwsError, requestId: string): void {
  res.setHeader("Connection", "close");
  sendError(res, style, err, requestId);
  res.once("finish", () => {
    // Give the client a moment to read the answer, then drop what it still sends.
    setTimeout(() => res.req.destroy(), 500).unref();
  });
}

function makeContext(
  req: IncomingMessage,
  rawBody: Buffer,
  url: URL,
  params: Record<string, string>,
  service: string,
  region: string,
  requestId: string,
): RequestContext {
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    body: undefined,
    rawBody,
    region,
    service,
    requestId,
  };
}

function write(res: ServerResponse, r: { status: number; headers: Record<string, string>; payload: Buffer | string }): number {
  res.writeHead(r.status, r.headers);
  res.end(r.payload);
  return r.status;
}

function send(res: ServerResponse, protocol: Protocol, result: HandlerResult, requestId: string): number {
  const rendered = protocol.render(result, requestId);
  if (!result.stream) return write(res, rendered);
  // A streamed answer (an S3 object): the headers (Content-Length among them) now, the bytes
  // as they are read; a read failing part-way cuts the connection, so the client sees a
  // short body rather than a complete-looking one.
  res.writeHead(rendered.status, rendered.headers);
  const stream = result.stream;
  if (res.req.method === "HEAD") {
    stream.destroy();
    res.end();
    return rendered.status;
  }
  pipeline(stream, res).catch(() => res.destroy());
  return rendered.status;
}

/** Writes an error in the service's protocol, with the status from its table; returns the status. */
export function sendError(res: ServerResponse, style: ErrorStyle, err: AwsError, requestId: string): number {
  return write(res, style.protocol.renderError(err, statusFor(style.errors, err), requestId));
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { AwsError, statusFor, type ServiceName } from "./errors";
import type { Router, RequestContext, HandlerResult } from "./router";
import { parseCredentialScope } from "./sigv4";
import type { FaultInjector } from "./faults";
import { BodyBudget, contentTypeProblem, readBody } from "./body";
import { callerRefusal, corsHeaders, type CallerPolicy } from "./caller-guard";

export interface ServiceBinding {
  /** The service's name in the SigV4 credential scope, plus any aliases. */
  names: string[];
  /** The name used to pick status codes for its errors. */
  errorTable: ServiceName;
  router: Router;
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
  region: string;
  /** Counts answered AWS requests per operation (`iot POST /indices/search`), for benchmarks. */
  requestCounts?: Map<string, number>;
  /** Without it, answers are sent as soon as the handler returns (tests of a service alone). */
  store?: CommitGate;
  /** Who may call (Origin / Host checks); the default allows no web page and local names only. */
  callers?: Partial<CallerPolicy>;
  /** Bytes of request bodies held at once across all requests (default 64 MiB). */
  bodyBudgetBytes?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const ADMIN_MAX_BODY = 64 * 1024;

/**
 * The single HTTP endpoint of the emulator. Picks the service from the SigV4 credential
 * scope (`iot`, `iotdata`/`iotdevicegateway`, `iot-jobs-data`, `s3`), then the route from
 * method + path, and answers in restJson1 (JSON body, `x-amzn-RequestId`, errors with
 * `x-amzn-ErrorType`). In order: the caller (no web pages, own host names), the service,
 * the body (bounded, of the route's content type), the handler, then the commit of what
 * the handler changed, and only then the answer.
 */
export function createHttpServer(opts: HttpOptions): Server {
  const byName = new Map<string, ServiceBinding>();
  for (const s of opts.services) for (const n of s.names) byName.set(n, s);
  const callers: CallerPolicy = { allowedOrigins: [], allowedHosts: [], ownHost: "127.0.0.1", ...opts.callers };
  const budget = new BodyBudget(opts.bodyBudgetBytes ?? 64 * 1024 * 1024);

  return createServer((req, res) => {
    const requestId = randomUUID();
    dispatch(req, res, requestId, byName, callers, budget, opts).catch((err) => {
      // Last resort: a bug in a handler must not kill the emulator.
      console.error("[emulator] unhandled", err);
      if (!res.headersSent) sendError(res, "iot", new AwsError("InternalFailureException", "Internal failure"), requestId);
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
  const url = new URL(req.url ?? "/", "http://emulator.local");
  const method = (req.method ?? "GET").toUpperCase();
  const rawPath = url.pathname;
  const admin = opts.admin.match(method, rawPath);

  const refusal = callerRefusal(req.headers, callers, { admin: rawPath.startsWith("/_emulator/") });
  if (refusal) return refuse(res, "iot", new AwsError(refusal.code, refusal.message, 403), requestId);
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
    const body = await boundedBody(req, res, ADMIN_MAX_BODY, budget, "iot", requestId);
    if (!body) return;
    const ctx = makeContext(req, body, url, admin.params, "_emulator", opts.region, requestId);
    return send(res, await admin.handler(ctx), requestId);
  }

  const scope = parseCredentialScope(req.headers.authorization, url.searchParams);
  if (!scope) {
    return refuse(res, "iot", new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403), requestId);
  }
  const binding = byName.get(scope.service);
  if (!binding) {
    return refuse(res, "iot", new AwsError("UnknownOperationException", `The emulator does not serve the service '${scope.service}'`, 404), requestId);
  }
  const match = binding.router.match(method, rawPath);
  if (!match) {
    const err = binding.router.hasPath(rawPath)
      ? new AwsError("MethodNotAllowedException", `Method ${method} is not allowed on ${rawPath}`, 405)
      : new AwsError("UnknownOperationException", `No operation matches ${method} ${rawPath}`, 404);
    return refuse(res, binding.errorTable, err, requestId);
  }
  const rawBody = await boundedBody(req, res, binding.maxBodyBytes ?? DEFAULT_MAX_BODY, budget, binding.errorTable, requestId);
  if (!rawBody) return;

  const ctx = makeContext(req, rawBody, url, match.params, scope.service, scope.region, requestId);
  if (opts.requestCounts) {
    const key = `${binding.names[0]} ${method} ${match.template}`;
    opts.requestCounts.set(key, (opts.requestCounts.get(key) ?? 0) + 1);
  }
  const writesBefore = opts.store?.writeCount ?? 0;
  let result: HandlerResult;
  try {
    const fault = opts.faults.take(binding.errorTable, method, rawPath);
    if (fault) throw fault;
    if (rawBody.length > 0) {
      const problem = contentTypeProblem(req.headers["content-type"], match.payload, String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256"));
      if (problem) throw new AwsError(match.payload === "blob" ? "UnsupportedDocumentEncodingException" : "UnsupportedMediaTypeException", problem, 415);
      if (match.payload === "json") {
        try {
          ctx.body = JSON.parse(rawBody.toString("utf8"));
        } catch {
          throw new AwsError("SerializationException", "The request body is not valid JSON", 400);
        }
      }
    }
    result = await match.handler(ctx);
  } catch (err) {
    if (err instanceof AwsError) return sendError(res, binding.errorTable, err, requestId);
    console.error(`[emulator] ${method} ${rawPath} failed`, err);
    return sendError(res, binding.errorTable, new AwsError("InternalFailureException", "Internal failure"), requestId);
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
      if (!wrote && method === "GET") return send(res, result, requestId);
      const transient = (err as { transient?: boolean }).transient !== false;
      console.error(`[emulator] ${method} ${rawPath}: not committed: ${err instanceof Error ? err.message : String(err)}`);
      return sendError(
        res,
        binding.errorTable,
        transient
          ? new AwsError("ServiceUnavailableException", "The emulator could not store the change (its disk may be full); try again")
          : new AwsError("InternalFailureException", "The emulator could not store the change"),
        requestId,
      );
    }
  }
  send(res, result, requestId);
}

/** The body within its limit, or undefined after answering 413/503 (or when the client went away). */
async function boundedBody(req: IncomingMessage, res: ServerResponse, limit: number, budget: BodyBudget, table: ServiceName, requestId: string): Promise<Buffer | undefined> {
  const r = await readBody(req, limit, budget);
  if (r.ok) {
    res.once("close", () => budget.give(r.body.length));
    return r.body;
  }
  if (r.status === 0) return undefined;
  const err = r.status === 413 ? new AwsError("RequestEntityTooLargeException", r.reason, 413) : new AwsError("ServiceUnavailableException", r.reason, 503);
  refuse(res, table, err, requestId);
  return undefined;
}

/**
 * An answer before (or instead of) reading the whole body: the connection is closed after
 * it, so whatever the client is still sending is not read into memory.
 */
function refuse(res: ServerResponse, table: ServiceName, err: AwsError, requestId: string): void {
  res.setHeader("Connection", "close");
  sendError(res, table, err, requestId);
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

function send(res: ServerResponse, result: HandlerResult, requestId: string): void {
  const headers: Record<string, string> = { "x-amzn-RequestId": requestId, ...(result.headers ?? {}) };
  let payload: Buffer | string;
  if (result.raw !== undefined) {
    payload = result.raw;
  } else {
    payload = JSON.stringify(result.body ?? {});
    headers["Content-Type"] ??= "application/json";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(result.status ?? 200, headers);
  res.end(payload);
}

export function sendError(res: ServerResponse, table: ServiceName, err: AwsError, requestId: string): void {
  const body = JSON.stringify({ message: err.message, ...err.extra });
  res.writeHead(statusFor(table, err), {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
    "x-amzn-ErrorType": err.code,
    "x-amzn-RequestId": requestId,
  });
  res.end(body);
}

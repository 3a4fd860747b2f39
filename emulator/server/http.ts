import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { AwsError, statusFor, type ServiceName } from "./errors";
import type { Router, RequestContext, HandlerResult } from "./router";
import { parseCredentialScope } from "./sigv4";
import type { FaultInjector } from "./faults";

export interface ServiceBinding {
  /** The service's name in the SigV4 credential scope, plus any aliases. */
  names: string[];
  /** The name used to pick status codes for its errors. */
  errorTable: ServiceName;
  router: Router;
}

export interface HttpOptions {
  services: ServiceBinding[];
  faults: FaultInjector;
  /** Extra routes outside AWS (health, fault injection), matched before SigV4. */
  admin: Router;
  region: string;
  /** Counts answered AWS requests per operation (`iot POST /indices/search`), for benchmarks. */
  requestCounts?: Map<string, number>;
}

const MAX_BODY = 64 * 1024 * 1024;

/**
 * The single HTTP endpoint of the emulator. Picks the service from the SigV4 credential
 * scope (`iot`, `iotdata`/`iotdevicegateway`, `iot-jobs-data`, `s3`), then the route from
 * method + path, and answers in restJson1 (JSON body, `x-amzn-RequestId`, errors with
 * `x-amzn-ErrorType`).
 */
export function createHttpServer(opts: HttpOptions): Server {
  const byName = new Map<string, ServiceBinding>();
  for (const s of opts.services) for (const n of s.names) byName.set(n, s);

  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks), byName, opts).catch((err) => {
        // Last resort: a bug in a handler must not kill the emulator.
        console.error("[emulator] unhandled", err);
        if (!res.headersSent) sendError(res, "iot", new AwsError("InternalFailureException", "Internal failure"), randomUUID());
      });
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  byName: Map<string, ServiceBinding>,
  opts: HttpOptions,
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? "/", "http://emulator.local");
  const method = (req.method ?? "GET").toUpperCase();
  const rawPath = url.pathname;

  const admin = opts.admin.match(method, rawPath);
  if (admin) {
    const ctx = makeContext(req, rawBody, url, admin.params, "_emulator", opts.region, requestId);
    return send(res, await admin.handler(ctx), requestId);
  }

  const scope = parseCredentialScope(req.headers.authorization, url.searchParams);
  if (!scope) {
    return sendError(res, "iot", new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403), requestId);
  }
  const binding = byName.get(scope.service);
  if (!binding) {
    return sendError(res, "iot", new AwsError("UnknownOperationException", `The emulator does not serve the service '${scope.service}'`, 404), requestId);
  }
  const match = binding.router.match(method, rawPath);
  if (!match) {
    const err = binding.router.hasPath(rawPath)
      ? new AwsError("MethodNotAllowedException", `Method ${method} is not allowed on ${rawPath}`, 405)
      : new AwsError("UnknownOperationException", `No operation matches ${method} ${rawPath}`, 404);
    return sendError(res, binding.errorTable, err, requestId);
  }
  const ctx = makeContext(req, rawBody, url, match.params, scope.service, scope.region, requestId);
  if (opts.requestCounts) {
    const key = `${binding.names[0]} ${method} ${match.template}`;
    opts.requestCounts.set(key, (opts.requestCounts.get(key) ?? 0) + 1);
  }
  try {
    const fault = opts.faults.take(binding.errorTable, method, rawPath);
    if (fault) throw fault;
    if (rawBody.length > MAX_BODY) throw new AwsError("InvalidRequestException", "Request body too large", 413);
    const ct = String(req.headers["content-type"] ?? "");
    if (rawBody.length > 0 && (ct.includes("json") || ct === "")) {
      try {
        ctx.body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        if (ct.includes("json")) throw new AwsError("InvalidRequestException", "The request body is not valid JSON");
      }
    }
    send(res, await match.handler(ctx), requestId);
  } catch (err) {
    if (err instanceof AwsError) return sendError(res, binding.errorTable, err, requestId);
    console.error(`[emulator] ${method} ${rawPath} failed`, err);
    sendError(res, binding.errorTable, new AwsError("InternalFailureException", "Internal failure"), requestId);
  }
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

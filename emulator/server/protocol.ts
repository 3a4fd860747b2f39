import type { IncomingHttpHeaders } from "node:http";
import { AwsError } from "./errors";
import type { HandlerResult, RouteMatch, Router } from "./router";

/**
 * An AWS wire protocol: how a request names its operation, and how answers and errors
 * are written. The dispatcher (http.ts) is the same for every protocol; a service names
 * its own. restJson1 (iot, iotdata, jobs) routes on method + path; awsJson1_1 (firehose,
 * athena, glue) posts everything to `/` and names the operation in `X-Amz-Target`; S3's
 * restXml would route on method + path (+ query) and write `<Error>` documents.
 */
export interface Protocol {
  readonly name: string;
  /** The route of a request, or the error to refuse it with (404 unknown operation, 405). */
  match(router: Router, req: { method: string; path: string; headers: IncomingHttpHeaders; query?: URLSearchParams }): RouteMatch | AwsError;
  /** Parses a structured (non-blob) body; throws SerializationException when it is not well formed. */
  parseBody(raw: Buffer): unknown;
  render(result: HandlerResult, requestId: string): Rendered;
  renderError(err: AwsError, status: number, requestId: string): Rendered;
}

export interface Rendered {
  status: number;
  headers: Record<string, string>;
  payload: Buffer | string;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new AwsError("SerializationException", "The request body is not valid JSON", 400);
  }
}

function renderJson(result: HandlerResult, requestId: string, contentType: string): Rendered {
  const headers: Record<string, string> = { "x-amzn-RequestId": requestId, ...(result.headers ?? {}) };
  let payload: Buffer | string;
  if (result.raw !== undefined) {
    payload = result.raw;
  } else {
    payload = JSON.stringify(result.body ?? {});
    headers["Content-Type"] ??= contentType;
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  return { status: result.status ?? 200, headers, payload };
}

/** restJson1: method + path templates, JSON bodies, errors named in `x-amzn-ErrorType`. */
export const restJson1: Protocol = {
  name: "restJson1",
  match(router, { method, path }) {
    const m = router.match(method, path);
    if (m) return m;
    return router.hasPath(path)
      ? new AwsError("MethodNotAllowedException", `Method ${method} is not allowed on ${path}`, 405)
      : new AwsError("UnknownOperationException", `No operation matches ${method} ${path}`, 404);
  },
  parseBody: parseJson,
  render: (result, requestId) => renderJson(result, requestId, "application/json"),
  renderError(err, status, requestId) {
    const payload = JSON.stringify({ message: err.message, ...err.extra });
    return {
      status,
      payload,
      headers: {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(payload)),
        "x-amzn-ErrorType": err.code,
        "x-amzn-RequestId": requestId,
      },
    };
  },
};

/**
 * awsJson1_1: `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` (e.g.
 * `Firehose_20150804.PutRecord`); errors carry `__type` in the body. Routes are
 * registered as `router.add("PutRecord", "POST", "/", handler)`.
 */
export function awsJson1_1(targetPrefix: string): Protocol {
  const contentType = "application/x-amz-json-1.1";
  return {
    name: "awsJson1_1",
    match(router, { method, path, headers }) {
      const target = String(headers["x-amz-target"] ?? "");
      const dot = target.lastIndexOf(".");
      if (method !== "POST" || path !== "/") return new AwsError("UnknownOperationException", `No operation matches ${method} ${path}`, 404);
      if (dot < 0 || target.slice(0, dot) !== targetPrefix) return new AwsError("UnknownOperationException", `Unknown target '${target}'`, 400);
      return router.byOperation(target.slice(dot + 1)) ?? new AwsError("UnknownOperationException", `Unknown operation '${target}'`, 400);
    },
    parseBody: parseJson,
    render: (result, requestId) => renderJson(result, requestId, contentType),
    renderError(err, status, requestId) {
      const payload = JSON.stringify({ __type: err.code, message: err.message, ...err.extra });
      return { status, payload, headers: { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(payload)), "x-amzn-RequestId": requestId } };
    },
  };
}

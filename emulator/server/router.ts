import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { PayloadKind } from "./body";

/** What a handler sees of one request. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  rawBody: Buffer;
  /** The request itself, unread, for a route with `payload: "stream"` (rawBody is empty then). */
  stream?: IncomingMessage;
  region: string;
  service: string;
  requestId: string;
}

/** What a handler returns. `body` is sent as JSON unless `raw` is given. */
export interface HandlerResult {
  status?: number;
  body?: unknown;
  raw?: Buffer | string;
  /** A body streamed out after the headers (an S3 object); the protocol's render sees no payload then. */
  stream?: Readable;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

interface Route {
  /** The AWS operation name (`CreateThing`): what faults, request logs and metrics speak. */
  operation: string;
  method: string;
  template: string;
  segments: Array<{ literal: string } | { param: string; greedy: boolean }>;
  handler: Handler;
  payload: PayloadKind;
}

export interface RouteMatch {
  operation: string;
  handler: Handler;
  params: Record<string, string>;
  template: string;
  payload: PayloadKind;
}

export interface RouteOptions {
  /**
   * `blob`: the body is an opaque payload (httpPayload blob in the AWS model), not a JSON structure;
   * `stream`: the handler reads the request itself (`ctx.stream`), nothing is buffered;
   * `xml`: an XML structure (S3), parsed by the service's protocol whatever its Content-Type.
   */
  payload?: PayloadKind;
}

/**
 * A method + path-template router. Templates use the Smithy form of the AWS models:
 * `/things/{thingName}`, and `{key+}` for a greedy label. Literal segments win over
 * labels, so `/things/$next` style literals can coexist with `/things/{id}`.
 */
export class Router {
  private routes: Route[] = [];

  add(operation: string, method: string, template: string, handler: Handler, opts: RouteOptions = {}): this {
    const segments = template
      .split("/")
      .filter(Boolean)
      .map((s) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
        return m ? { param: m[1], greedy: m[2] === "+" } : { literal: s };
      });
    this.routes.push({ operation, method, template, segments, handler, payload: opts.payload ?? "json" });
    // Routes with more literal segments are tried first.
    this.routes.sort((a, b) => literalCount(b) - literalCount(a));
    return this;
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const parts = rawPath.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { operation: route.operation, handler: route.handler, params, template: route.template, payload: route.payload };
    }
    return undefined;
  }

  /** The route of one operation, whatever its path: for protocols that route by operation name (awsJson1_1's `X-Amz-Target`). */
  byOperation(operation: string): RouteMatch | undefined {
    const r = this.routes.find((x) => x.operation === operation);
    return r && { operation: r.operation, handler: r.handler, params: {}, template: r.template, payload: r.payload };
  }

  /** Whether any route exists for this path under another method (for 405 vs 404). */
  hasPath(rawPath: string): boolean {
    const parts = rawPath.split("/").filter(Boolean);
    return this.routes.some((r) => matchSegments(r.segments, parts) !== undefined);
  }
}

function literalCount(r: Route): number {
  return r.segments.filter((s) => "literal" in s).length * 100 + r.segments.length;
}

function matchSegments(segments: Route["segments"], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if ("literal" in seg) {
      if (parts[i] === undefined || safeDecode(parts[i]) !== seg.literal) return undefined;
      continue;
    }
    if (seg.greedy) {
      if (i >= parts.length) return undefined;
      params[seg.param] = parts.slice(i).map(safeDecode).join("/");
      return params;
    }
    if (parts[i] === undefined) return undefined;
    params[seg.param] = safeDecode(parts[i]);
  }
  return parts.length === segments.length ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

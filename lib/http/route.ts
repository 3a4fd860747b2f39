import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { AppError, httpStatusFor, retryAfterSeconds, type AppErrorData } from "@/lib/errors";
import { firstIssueMessage, queryObject, type AnyRoute, type ResponseOf } from "./contract";

/**
 * The transport side of the error taxonomy for route handlers: one JSON error shape
 * (`{ error: { code, message } }`) with the matching HTTP status. Responses are never
 * cached by the browser or a proxy: they describe a live fleet.
 */
const NO_STORE = { "Cache-Control": "no-store" };

export function jsonOk<T>(body: T): NextResponse {
  return NextResponse.json(body, { headers: NO_STORE });
}

export function jsonError(error: AppErrorData): NextResponse {
  // Only code and message cross the wire; a retry hint travels as a header.
  return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: httpStatusFor(error.code), headers: NO_STORE });
}

/** 400 with the first validation message, phrased for a person. */
export function badRequest(error: z.ZodError): NextResponse {
  return jsonError({ code: "invalid_input", message: firstIssueMessage(error) });
}

/**
 * A "throttled" answer tells the browser when to come back: 429 with `Retry-After`, so
 * the workbench can say "rate limited, retrying" and retry on its own.
 */
export function throttledResponse(err: AppError): NextResponse {
  const res = jsonError(err.toData());
  res.headers.set("Retry-After", String(retryAfterSeconds(err)));
  return res;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<C extends AnyRoute> {
  query: Parsed<NonNullable<C["query"]>>;
  params: Parsed<NonNullable<C["params"]>>;
  req: NextRequest;
}

/** A JSON body of the contract's response type, or a Response built by hand (streams, redirects). */
export type HandlerResult<C extends AnyRoute> = ResponseOf<C> | Response;

/**
 * The body of a route handler for `contract`, for lib/auth/guard.ts `route()`: parses
 * the path and query with the contract's schemas (400 with the first issue, before any
 * backend call, so a malformed request costs no quota), runs `run`, answers its result
 * as JSON, and turns throttling into 429 + Retry-After. Other errors go on to route().
 */
export function contractHandler<C extends AnyRoute, X>(contract: C, run: (input: HandlerInput<C>, extra: X) => Promise<HandlerResult<C>> | HandlerResult<C>) {
  return async (req: NextRequest, rawParams: Record<string, string | string[]>, extra: X): Promise<Response> => {
    let params: unknown = undefined;
    if (contract.params) {
      const raw = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
      const parsed = (contract.params as z.ZodType).safeParse(raw);
      if (!parsed.success) return badRequest(parsed.error);
      params = parsed.data;
    }
    let query: unknown = undefined;
    if (contract.query) {
      const parsed = (contract.query as z.ZodType).safeParse(queryObject(req.nextUrl.searchParams));
      if (!parsed.success) return badRequest(parsed.error);
      query = parsed.data;
    }
    try {
      const result = await run({ query, params, req } as HandlerInput<C>, extra);
      return result instanceof Response ? result : jsonOk(result);
    } catch (err) {
      if (err instanceof AppError && err.code === "throttled") return throttledResponse(err);
      throw err;
    }
  };
}

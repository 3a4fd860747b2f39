import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AppError, httpStatusFor, type AppErrorData } from "@/lib/errors";

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
  return NextResponse.json({ error }, { status: httpStatusFor(error.code), headers: NO_STORE });
}

/** 400 with the first validation message, phrased for a person. */
export function badRequest(error: z.ZodError): NextResponse {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return jsonError({ code: "invalid_input", message: `${where}${issue?.message ?? "Invalid query parameters."}` });
}

/** Runs a handler body; AppErrors become their status, anything else a 500 without details. */
export async function handle(run: () => Promise<NextResponse>): Promise<NextResponse> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError) return jsonError(err.toData());
    console.error("[api] unexpected error", err);
    return jsonError(new AppError("internal").toData());
  }
}

/** URLSearchParams → plain object for zod (last value wins). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}

import { AppError, errorCodeFromStatus, isAppErrorData } from "@/lib/errors";
import type { AnyRoute, ArgsOf, ResponseOf } from "./contract";

/**
 * Browser-side GET against the console's own route handlers. Failures become AppErrors
 * so react-query error states show the same human messages as server-rendered ones.
 */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return sendJson<T>(url, { method: "GET", signal });
}

/**
 * Any request to the console's own route handlers (a JSON body is sent as such): the
 * answer's JSON, or an AppError with the server's message (or one for the status).
 */
export async function sendJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  const headers = new Headers(init.headers);
  if (!headers.has("Accept")) headers.set("Accept", "application/json");
  if (typeof init.body === "string" && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  try {
    res = await fetch(url, { ...init, headers, cache: "no-store" });
  } catch (err) {
    if ((err as Error)?.name === "AbortError") throw err;
    throw new AppError("unavailable", "The console server did not answer. Check your network connection, then retry.");
  }
  return jsonAnswer<T>(res);
}

/** A route handler's answer: its JSON when it succeeded, else its AppError (or one for the status). */
export async function jsonAnswer<T>(res: Response): Promise<T> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: handled below */
  }
  if (res.ok && body !== null) return body as T;
  const error = (body as { error?: unknown } | null)?.error;
  if (isAppErrorData(error)) throw new AppError(error.code, error.message);
  throw new AppError(errorCodeFromStatus(res.status));
}

/** GET a route of the console's API by its contract: its URL for `args`, its response type. */
export function fetchRoute<C extends AnyRoute>(route: C, args: ArgsOf<C>, signal?: AbortSignal): Promise<ResponseOf<C>> {
  return getJson<ResponseOf<C>>(route.url(...args), signal);
}

import "server-only";
import { AppError } from "@/lib/errors";
import { jsonError, jsonOk } from "@/lib/http/route";
import { retryAfterSeconds } from "./quota-gate";

/**
 * A "throttled" answer tells the browser when to come back: 429 with `Retry-After`, so
 * the workbench can say "rate limited, retrying" and retry on its own.
 */
export function throttledResponse(err: AppError): Response {
  const res = jsonError(err.toData());
  res.headers.set("Retry-After", String(retryAfterSeconds(err)));
  return res;
}

/** Runs a search read and answers its JSON; throttling becomes 429 + Retry-After, other errors go to route(). */
export async function searchJson<T>(run: () => Promise<T>): Promise<Response> {
  try {
    return jsonOk(await run());
  } catch (err) {
    if (err instanceof AppError && err.code === "throttled") return throttledResponse(err);
    throw err;
  }
}

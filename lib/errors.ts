/**
 * The console's one error taxonomy. `lib/aws/errors.ts` maps AWS exceptions onto it
 * once; route handlers turn it into an HTTP status; pages and components only ever
 * show the human message of a code, never an SDK message.
 *
 * This module is shared by server and browser code, so it must stay dependency-free.
 */

export const ERROR_CODES = ["not_found", "conflict", "throttled", "invalid_input", "unauthenticated", "forbidden", "unavailable", "internal"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses the wire (route handler JSON, server → client props). */
export interface AppErrorData {
  code: ErrorCode;
  message: string;
  /** For "throttled": how long to wait before asking again (route handlers send it as `Retry-After`). */
  retryAfterMs?: number;
  /** A finer, stable reason within the code (`name_taken`), for UI that reacts to it: never match the message. */
  reason?: string;
}

export const ERROR_TITLES: Record<ErrorCode, string> = {
  not_found: "Not found",
  conflict: "Conflict",
  throttled: "Throttled by AWS IoT",
  invalid_input: "Invalid request",
  unauthenticated: "Sign-in required",
  forbidden: "Access denied",
  unavailable: "Fleet backend unreachable",
  internal: "Unexpected error",
};

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  not_found: "The requested resource does not exist (it may have been deleted).",
  conflict: "The resource changed or is in a state that does not allow this. Reload and try again.",
  throttled: "AWS IoT is rate-limiting the console's requests right now. Wait a few seconds, then retry.",
  invalid_input: "AWS IoT rejected the request as invalid. Check the filters and try again.",
  unauthenticated: "Your session has ended or you are not signed in. Sign in again to continue.",
  forbidden: "You are not allowed to do this, or the console's AWS identity is not allowed to, or its credentials are missing or expired.",
  unavailable: "The fleet backend is not reachable. Check that the emulator (local backend) or the AWS endpoint is up, then retry.",
  internal: "Something unexpected went wrong in the console. Retry; if it persists, check the server log.",
};

const HTTP_STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  throttled: 429,
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
};

/**
 * Next.js hides the message of errors thrown by server components in production but
 * keeps an error's own `digest`. Carrying the code in the digest lets error.tsx say
 * "throttled" or "unreachable" instead of a generic failure. The random tail keeps
 * digests distinct in the server log.
 */
const DIGEST_PREFIX = "FLEET_ERROR;";

export interface AppErrorOptions {
  cause?: unknown;
  /** A suggested wait before retrying (throttling); see `retryAfterSeconds`. */
  retryAfterMs?: number;
  reason?: string;
}

/**
 * Marks an AppError across copies of this module: Next bundles server code per route, so an
 * error made by a process-wide object (a budget's gate, created by whichever bundle used it
 * first) may come from another copy of this class than the one a route handler checks with.
 */
const APP_ERROR = Symbol.for("fleet-console.app-error");

export class AppError extends Error {
  /** `instanceof AppError` holds for an AppError of any copy of this module (subclasses check as usual). */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }

  readonly code: ErrorCode;
  readonly digest: string;
  readonly retryAfterMs?: number;
  readonly reason?: string;

  constructor(code: ErrorCode, message: string = ERROR_MESSAGES[code], options?: AppErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    Object.defineProperty(this, APP_ERROR, { value: true });
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options?.reason !== undefined) this.reason = options.reason;
    this.digest = `${DIGEST_PREFIX}${code};${Math.random().toString(36).slice(2, 10)}`;
  }

  toData(): AppErrorData {
    const data: AppErrorData = { code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) data.retryAfterMs = this.retryAfterMs;
    if (this.reason !== undefined) data.reason = this.reason;
    return data;
  }
}

/** The wait suggested when none is known: a second. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Seconds for a `Retry-After` header from an error's `retryAfterMs`: whole seconds, at least 1. */
export function retryAfterSeconds(err: unknown): number {
  const ms = err instanceof AppError && err.retryAfterMs !== undefined ? err.retryAfterMs : DEFAULT_RETRY_AFTER_MS;
  return Math.max(1, Math.ceil(ms / 1000));
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === "string";
}

export function httpStatusFor(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

export function errorCodeFromStatus(status: number): ErrorCode {
  if (status === 400) return "invalid_input";
  if (status === 401 || status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "throttled";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "internal";
}

/** The code carried by an error that reached an error boundary, if it is one of ours. */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; digest?: unknown };
  if (isErrorCode(e.code)) return e.code;
  if (typeof e.digest === "string" && e.digest.startsWith(DIGEST_PREFIX)) {
    const code = e.digest.slice(DIGEST_PREFIX.length).split(";")[0];
    if (isErrorCode(code)) return code;
  }
  return undefined;
}

/** Any thrown value as wire data: our own errors keep their code, anything else is "internal". */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toData();
  return { code: "internal", message: ERROR_MESSAGES.internal };
}

import "server-only";
import { AppError, ERROR_MESSAGES, type ErrorCode } from "@/lib/errors";

/**
 * The one place where AWS exceptions become the console's error taxonomy. SDK messages
 * are logged on the server and never shown: they can name internal resources and are
 * written for developers, not operators.
 */
const BY_NAME: Record<string, ErrorCode> = {
  ResourceNotFoundException: "not_found",
  NotFoundException: "not_found",
  ResourceAlreadyExistsException: "conflict",
  VersionConflictException: "conflict",
  ConflictException: "conflict",
  ConflictingResourceUpdateException: "conflict",
  DeleteConflictException: "conflict",
  InvalidStateTransitionException: "conflict",
  CertificateStateException: "conflict",
  VersionsLimitExceededException: "conflict",
  LimitExceededException: "conflict",
  ThrottlingException: "throttled",
  TooManyRequestsException: "throttled",
  RequestLimitExceeded: "throttled",
  InvalidRequestException: "invalid_input",
  InvalidQueryException: "invalid_input",
  InvalidAggregationException: "invalid_input",
  ValidationException: "invalid_input",
  MalformedPolicyException: "invalid_input",
  UnauthorizedException: "forbidden",
  ForbiddenException: "forbidden",
  AccessDeniedException: "forbidden",
  ExpiredTokenException: "forbidden",
  UnrecognizedClientException: "forbidden",
  InvalidSignatureException: "forbidden",
  InvalidClientTokenId: "forbidden",
  CredentialsProviderError: "forbidden",
  ServiceUnavailableException: "unavailable",
  InternalFailureException: "unavailable",
  InternalServerException: "unavailable",
  IndexNotReadyException: "unavailable",
  TimeoutError: "unavailable",
  RequestTimeout: "unavailable",
  // The emulator's answer for an operation it does not implement (yet).
  UnknownOperationException: "unavailable",
};

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

const MESSAGES: Partial<Record<string, string>> = {
  CredentialsProviderError: "The console has no AWS credentials. Configure the standard AWS credential chain (environment, profile or role) on the server.",
  ExpiredTokenException: "The console's AWS credentials have expired. Refresh them on the server (for example `aws sso login`).",
  IndexNotReadyException: "The AWS IoT index is still being built. Try again in a minute.",
  LimitExceededException: "An AWS IoT account limit was reached.",
  UnknownOperationException: "The fleet backend does not support this operation yet. Update the emulator, or use FLEET_BACKEND=aws.",
};

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
};

function networkCode(err: unknown, depth = 0): string | undefined {
  if (depth > 3 || typeof err !== "object" || err === null) return undefined;
  const e = err as ErrorLike;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  if (Array.isArray(e.errors)) for (const inner of e.errors) {
    const c = networkCode(inner, depth + 1);
    if (c) return c;
  }
  if (e.name === "TypeError" && e.message === "fetch failed") return "FETCH_FAILED";
  return networkCode(e.cause, depth + 1);
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (networkCode(err)) return new AppError("unavailable", undefined, { cause: err });

  const e = (typeof err === "object" && err !== null ? err : {}) as ErrorLike;
  const name = typeof e.name === "string" ? e.name : "";
  const code = BY_NAME[name];
  if (code) return new AppError(code, MESSAGES[name] ?? ERROR_MESSAGES[code], { cause: err });

  const status = e.$metadata?.httpStatusCode;
  if (status === 403 || status === 401) return new AppError("forbidden", undefined, { cause: err });
  if (status === 404) return new AppError("not_found", undefined, { cause: err });
  if (status === 429) return new AppError("throttled", undefined, { cause: err });
  if (e.$fault === "server" || (status !== undefined && status >= 500)) return new AppError("unavailable", undefined, { cause: err });
  return new AppError("internal", undefined, { cause: err });
}

export function isThrottled(err: unknown): boolean {
  return toAppError(err).code === "throttled";
}

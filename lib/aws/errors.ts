import "server-only";
import { AppError, DEFAULT_RETRY_AFTER_MS, ERROR_MESSAGES, type ErrorCode } from "@/lib/errors";

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
  // S3 (rollout artifacts): its error codes are not suffixed "Exception".
  NoSuchBucket: "not_found",
  NoSuchKey: "not_found",
  NoSuchUpload: "not_found",
  BucketAlreadyOwnedByYou: "conflict",
  BucketAlreadyExists: "conflict",
  InvalidPart: "invalid_input",
  InvalidPartOrder: "invalid_input",
  EntityTooLarge: "invalid_input",
  EntityTooSmall: "invalid_input",
  BadDigest: "invalid_input",
  AccessDenied: "forbidden",
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
  if (Array.isArray(e.errors))
    for (const inner of e.errors) {
      const c = networkCode(inner, depth + 1);
      if (c) return c;
    }
  if (e.name === "TypeError" && e.message === "fetch failed") return "FETCH_FAILED";
  return networkCode(e.cause, depth + 1);
}

/** What an operation says instead of the taxonomy's generic message, by AWS exception name. */
export interface ErrorOverride {
  code?: ErrorCode;
  /** A function receives the call's `subject` (the name the operator typed, for example). */
  message: string | ((subject: string | undefined) => string);
  /** Set as the AppError's `reason`, for UI that reacts to this case (lib/errors.ts). */
  reason?: string;
}

const QUERY_ERRORS: Record<string, ErrorOverride> = {
  InvalidQueryException: { message: "AWS IoT rejected the query. Check its syntax: the editor marks the first error." },
  InvalidAggregationException: {
    message:
      "This field cannot be aggregated. Aggregate on a managed field or a custom field declared in the indexing configuration (Number for statistics and percentiles).",
  },
  ResourceNotFoundException: {
    reason: "index_off",
    message: "Fleet indexing is not enabled for things. An admin can turn it on in the indexing configuration.",
  },
};

/**
 * Per-operation wording: the taxonomy's message is right for most calls, but some
 * deserve a precise one (a search whose index is off, a name already taken). Keyed by
 * operation, then by AWS exception name: never by the SDK's message text.
 */
export const OPERATION_ERRORS: Record<string, Record<string, ErrorOverride>> = {
  SearchIndex: QUERY_ERRORS,
  GetStatistics: QUERY_ERRORS,
  GetCardinality: QUERY_ERRORS,
  GetPercentiles: QUERY_ERRORS,
  GetBucketsAggregation: QUERY_ERRORS,
  GetIndexingConfiguration: QUERY_ERRORS,
  DescribeThing: { ResourceNotFoundException: { message: "This thing does not exist." } },
  DescribeThingGroup: { ResourceNotFoundException: { message: "This thing group does not exist." } },
  CreateDynamicThingGroup: {
    ...QUERY_ERRORS,
    ResourceAlreadyExistsException: {
      code: "conflict",
      reason: "name_taken",
      message: (name) => `A thing group named ${name ?? "like this"} already exists. Choose another name.`,
    },
    LimitExceededException: { code: "conflict", message: "The account's limit of dynamic thing groups is reached (100 by default). Delete one first." },
  },
  CreateJob: {
    ResourceAlreadyExistsException: {
      code: "conflict",
      reason: "job_id_taken",
      message: (id) => `A job with the id ${id ?? "given"} already exists (ids stay taken until the job is deleted). Choose another id.`,
    },
    ResourceNotFoundException: { message: "A target of the job no longer exists (a thing or group was deleted). Review the targets." },
    LimitExceededException: {
      code: "conflict",
      message:
        "AWS IoT refused the job over one of its limits: at most 100 targets per job (target a group instead of many things), or the account's limit of concurrent jobs (wait for one to finish, or cancel one).",
    },
    InvalidRequestException: { code: "invalid_input", message: "AWS IoT refused the job as not valid. Check the document and the rollout settings." },
  },
  UploadPart: {
    NoSuchUpload: { message: "The upload expired or was aborted. Start the upload again." },
  },
  CompleteMultipartUpload: {
    NoSuchUpload: { message: "The upload expired or was aborted. Start the upload again." },
    InvalidPart: { message: "S3 does not hold every part of the upload. Resume the upload to send the missing parts." },
  },
  CancelJob: {
    ResourceNotFoundException: { message: "This job does not exist (or was deleted)." },
    InvalidRequestException: { code: "conflict", message: "AWS IoT refused to cancel this job: it has already ended (completed, canceled or being deleted)." },
    LimitExceededException: { code: "conflict", message: "AWS IoT is canceling too many jobs at once. Try again in a minute." },
  },
  CancelJobExecution: {
    ResourceNotFoundException: { message: "This thing has no execution of this job (or the job was deleted)." },
    InvalidStateTransitionException: {
      code: "conflict",
      reason: "needs_force",
      message: "This execution is in progress or has already ended. An execution in progress is canceled only with force; one that has ended cannot be.",
    },
    VersionConflictException: { code: "conflict", message: "The execution changed while it was being canceled. Look at its status again." },
  },
  UpdateThingShadow: {
    RequestEntityTooLargeException: {
      code: "invalid_input",
      message: "AWS IoT refused the update: desired + reported would exceed 8 KB. Remove keys or shorten values.",
    },
    // AWS gives one name for every malformed update; the console checks nesting and
    // nulls in arrays before sending, so what is left is mostly the version.
    InvalidRequestException: {
      code: "invalid_input",
      message: "AWS IoT refused the update as not valid (its nesting, a null in an array, or the version it was based on). Nothing was changed.",
    },
    ResourceNotFoundException: { message: "This thing no longer exists, so its shadow cannot be changed." },
  },
};

export interface ErrorContext {
  /** The AWS operation that failed (`DescribeThing`): picks the per-operation wording. */
  operation?: string;
  /** What the operator named, for messages that repeat it. */
  subject?: string;
}

/** The exception name AWS (or Node) gave a failure, behind an AppError too. */
export function awsErrorName(err: unknown): string | undefined {
  const e = err instanceof AppError ? err.cause : err;
  const name = typeof e === "object" && e !== null ? (e as ErrorLike).name : undefined;
  return typeof name === "string" && name ? name : undefined;
}

/** A hint is kept to at most a minute: the console retries throttled reads itself, and a page should not sit idle longer. */
const MAX_RETRY_AFTER_MS = 60_000;

const clampRetryAfter = (ms: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));

/** A `Retry-After` the response carried (seconds or an HTTP date), in ms, within 0 to 60 s. */
function retryAfterOf(err: ErrorLike): number {
  const raw = (err as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers?.["retry-after"];
  if (raw !== undefined && raw.trim() !== "") {
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return clampRetryAfter(seconds * 1000);
    const at = Date.parse(raw);
    if (Number.isFinite(at)) return clampRetryAfter(at - Date.now());
  }
  return DEFAULT_RETRY_AFTER_MS;
}

function classify(err: unknown, e: ErrorLike, name: string): ErrorCode {
  if (networkCode(err)) return "unavailable";
  const byName = BY_NAME[name];
  if (byName) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (status === 403 || status === 401) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 429) return "throttled";
  if (e.$fault === "server" || (status !== undefined && status >= 500)) return "unavailable";
  return "internal";
}

/**
 * The one rewording of AWS failures into the console's taxonomy: by exception name, then
 * HTTP status and fault; per-operation wording from OPERATION_ERRORS. Throttling carries
 * a suggested wait (`retryAfterMs`).
 */
export function toAppError(err: unknown, ctx: ErrorContext = {}): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as ErrorLike;
  const name = networkCode(err) ? "" : typeof e.name === "string" ? e.name : "";
  const override = ctx.operation ? OPERATION_ERRORS[ctx.operation]?.[name] : undefined;
  const code = override?.code ?? classify(err, e, name);
  const message =
    override === undefined
      ? (MESSAGES[name] ?? ERROR_MESSAGES[code])
      : typeof override.message === "function"
        ? override.message(ctx.subject)
        : override.message;
  return new AppError(code, message, { cause: err, retryAfterMs: code === "throttled" ? retryAfterOf(e) : undefined, reason: override?.reason });
}

export function isThrottled(err: unknown): boolean {
  return toAppError(err).code === "throttled";
}

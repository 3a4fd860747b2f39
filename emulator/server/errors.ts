/**
 * AWS errors as a handler throws them: by exception name. The status code of a given
 * exception differs per service (ThrottlingException is 400 on the `iot` control plane
 * but 429 on the data planes), so each service declares its own table (its `errors` in
 * emulator/service.ts) and the server resolves the status from it; the protocol renders
 * the answer (restJson1: `x-amzn-ErrorType`; awsJson1_1: `__type`).
 */
export type ServiceName = string;

/** exception name → HTTP status. */
export type ErrorTable = Readonly<Record<string, number>>;

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** The exceptions every service (and the dispatcher itself) may answer with. */
export const COMMON_ERRORS: ErrorTable = {
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  InternalFailureException: 500,
  ServiceUnavailableException: 503,
  UnauthorizedException: 401,
  MissingAuthenticationTokenException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
  UnknownOperationException: 404,
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
  MethodNotAllowedException: 405,
};

export function statusFor(table: ErrorTable, err: AwsError): number {
  return err.status ?? table[err.code] ?? COMMON_ERRORS[err.code] ?? 400;
}

// Small constructors for the errors every service throws.
export const notFound = (message: string) => new AwsError("ResourceNotFoundException", message);
export const invalid = (message: string) => new AwsError("InvalidRequestException", message);
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) => new AwsError(code, message, undefined, extra);

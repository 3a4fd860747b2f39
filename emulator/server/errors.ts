/**
 * restJson1 errors as AWS sends them: status code, `x-amzn-ErrorType` header and a
 * `{"message"}` body. The status of a given exception differs per service (for example
 * ThrottlingException is 400 on the `iot` control plane but 429 on the data planes), so
 * a handler throws by name and the server resolves the status from the service's table.
 */
export type ServiceName = "iot" | "iotdata" | "iot-jobs-data" | "s3";

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

const COMMON: Record<string, number> = {
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  InternalFailureException: 500,
  ServiceUnavailableException: 503,
  UnauthorizedException: 401,
  MissingAuthenticationTokenException: 403,
  UnknownOperationException: 404,
  SerializationException: 400,
};

const STATUS_BY_SERVICE: Record<ServiceName, Record<string, number>> = {
  iot: {
    ...COMMON,
    ResourceAlreadyExistsException: 409,
    VersionConflictException: 409,
    InvalidStateTransitionException: 409,
    ThrottlingException: 400,
    LimitExceededException: 410,
    CertificateStateException: 406,
    CertificateValidationException: 400,
    DeleteConflictException: 409,
    VersionsLimitExceededException: 409,
    InvalidQueryException: 400,
    IndexNotReadyException: 400,
    InvalidAggregationException: 400,
    ResourceRegistrationFailureException: 400,
    MalformedPolicyException: 400,
    ConflictingResourceUpdateException: 409,
    TransferAlreadyCompletedException: 410,
  },
  iotdata: {
    ...COMMON,
    ThrottlingException: 429,
    RequestEntityTooLargeException: 413,
    MethodNotAllowedException: 405,
    UnsupportedDocumentEncodingException: 415,
    ForbiddenException: 403,
  },
  "iot-jobs-data": {
    ...COMMON,
    ThrottlingException: 429,
    InvalidStateTransitionException: 409,
    TerminalStateException: 410,
    CertificateValidationException: 400,
    InternalServerException: 500,
  },
  s3: { ...COMMON },
};

export function statusFor(service: ServiceName, err: AwsError): number {
  return err.status ?? STATUS_BY_SERVICE[service]?.[err.code] ?? 400;
}

// Small constructors for the errors every service throws.
export const notFound = (message: string) => new AwsError("ResourceNotFoundException", message);
export const invalid = (message: string) => new AwsError("InvalidRequestException", message);
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) =>
  new AwsError(code, message, undefined, extra);

import { describe, expect, it, vi } from "vitest";

// `server-only` is resolved by Next's bundler; outside it the guard is a no-op.
vi.mock("server-only", () => ({}));
const { toAppError } = await import("./errors");
const { AppError, errorCodeOf } = await import("@/lib/errors");

const awsError = (name: string, status: number, fault: "client" | "server" = "client") =>
  Object.assign(new Error(`raw SDK text for ${name}`), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe("toAppError", () => {
  it("maps AWS exception names onto the taxonomy", () => {
    expect(toAppError(awsError("ResourceNotFoundException", 404)).code).toBe("not_found");
    expect(toAppError(awsError("ThrottlingException", 400)).code).toBe("throttled");
    expect(toAppError(awsError("InvalidRequestException", 400)).code).toBe("invalid_input");
    expect(toAppError(awsError("VersionConflictException", 409)).code).toBe("conflict");
    expect(toAppError(awsError("UnauthorizedException", 401)).code).toBe("forbidden");
    expect(toAppError(awsError("ServiceUnavailableException", 503, "server")).code).toBe("unavailable");
  });

  it("never passes the SDK message through", () => {
    const e = toAppError(awsError("ThrottlingException", 400));
    expect(e.message).not.toContain("raw SDK text");
    expect(e.message).toMatch(/rate-limiting/);
  });

  it("recognises a backend that is down, however Node wraps the failure", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), { code: "ECONNREFUSED" });
    expect(toAppError(refused).code).toBe("unavailable");
    expect(toAppError(refused).message).toMatch(/^The fleet backend is not reachable/);
    const aggregate = Object.assign(new AggregateError([refused]), { code: undefined });
    expect(toAppError(aggregate).code).toBe("unavailable");
    expect(toAppError(new Error("wrapped", { cause: refused })).code).toBe("unavailable");
    expect(toAppError(Object.assign(new TypeError("fetch failed"))).code).toBe("unavailable");
  });

  it("falls back on the HTTP status and fault for unknown exception names", () => {
    expect(toAppError(awsError("SomethingNewException", 429)).code).toBe("throttled");
    expect(toAppError(awsError("SomethingNewException", 500, "server")).code).toBe("unavailable");
    expect(toAppError(new Error("bug")).code).toBe("internal");
  });

  it("carries the code in the digest so error boundaries can read it in production", () => {
    const e = toAppError(awsError("ThrottlingException", 400));
    expect(e).toBeInstanceOf(AppError);
    expect(errorCodeOf({ digest: e.digest, message: "redacted" })).toBe("throttled");
    expect(errorCodeOf({ digest: "123456" })).toBeUndefined();
  });
});

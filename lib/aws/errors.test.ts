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

describe("toAppError: per-operation wording", () => {
  it("words an exception by the operation that failed, by name, never by the SDK's text", () => {
    expect(toAppError(awsError("ResourceNotFoundException", 404), { operation: "DescribeThing" })).toMatchObject({
      code: "not_found",
      message: "This thing does not exist.",
    });
    const indexOff = toAppError(awsError("ResourceNotFoundException", 404), { operation: "SearchIndex" });
    expect(indexOff).toMatchObject({ code: "not_found", reason: "index_off" });
    expect(indexOff.message).toMatch(/^Fleet indexing is not enabled/);
    // Without an operation, or for one without an override, the taxonomy's message.
    expect(toAppError(awsError("ResourceNotFoundException", 404)).message).toBe("The requested resource does not exist (it may have been deleted).");
    expect(toAppError(awsError("ResourceNotFoundException", 404), { operation: "ListThings" }).message).toBe(
      "The requested resource does not exist (it may have been deleted).",
    );
  });

  it("may change the code and repeat what the operator named", () => {
    const taken = toAppError(awsError("ResourceAlreadyExistsException", 409), { operation: "CreateDynamicThingGroup", subject: "edge-eu" });
    expect(taken).toMatchObject({ code: "conflict", reason: "name_taken", message: "A thing group named edge-eu already exists. Choose another name." });
    expect(taken.toData()).toEqual({ code: "conflict", reason: "name_taken", message: taken.message });
    expect(toAppError(awsError("RequestEntityTooLargeException", 413), { operation: "UpdateThingShadow" })).toMatchObject({ code: "invalid_input" });
    expect(toAppError(awsError("RequestEntityTooLargeException", 413), { operation: "UpdateThingShadow" }).message).toMatch(/exceed 8 KB/);
  });

  it("gives the same answer whatever the SDK's message says", () => {
    const withText = (message: string) => Object.assign(awsError("InvalidRequestException", 400), { message });
    const a = toAppError(withText("JSON nesting is too deep"), { operation: "UpdateThingShadow" });
    const b = toAppError(withText("null in array"), { operation: "UpdateThingShadow" });
    expect(a.message).toBe(b.message);
    expect(a.code).toBe("invalid_input");
  });

  it("gives throttling a retry-after hint: AWS's Retry-After when it sent one, else a second", () => {
    expect(toAppError(awsError("ThrottlingException", 400)).retryAfterMs).toBe(1_000);
    const withHeader = Object.assign(awsError("ThrottlingException", 429), { $response: { headers: { "retry-after": "3" } } });
    expect(toAppError(withHeader).retryAfterMs).toBe(3_000);
    expect(toAppError(withHeader).toData()).toMatchObject({ code: "throttled", retryAfterMs: 3_000 });
    expect(toAppError(awsError("InvalidRequestException", 400)).retryAfterMs).toBeUndefined();
  });

  it("keeps AWS's Retry-After within 0 to 60 seconds", () => {
    const hinted = (value: string) =>
      toAppError(Object.assign(awsError("ThrottlingException", 429), { $response: { headers: { "retry-after": value } } })).retryAfterMs;
    expect(hinted("3600")).toBe(60_000);
    expect(hinted("60")).toBe(60_000);
    expect(hinted("-5")).toBe(0);
    expect(hinted(new Date(Date.now() + 3_600_000).toUTCString())).toBe(60_000);
    expect(hinted(new Date(Date.now() - 3_600_000).toUTCString())).toBe(0);
  });
});

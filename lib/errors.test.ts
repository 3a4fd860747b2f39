import { describe, expect, it } from "vitest";
import { AppError } from "./errors";

class NarrowError extends AppError {}

describe("AppError across copies of its module", () => {
  it("recognises an AppError made by another copy of the class (another route bundle)", () => {
    // What another copy of lib/errors.ts makes: its own class, the same process-wide mark.
    const foreign = Object.defineProperty(new Error("queue full"), Symbol.for("fleet-console.app-error"), { value: true });
    expect(foreign instanceof AppError).toBe(true);
  });

  it("still tells other errors apart, and subclasses check as usual", () => {
    expect(new Error("plain") instanceof AppError).toBe(false);
    expect(Object.assign(new Error("look-alike"), { name: "AppError", code: "throttled" }) instanceof AppError).toBe(false);
    expect((null as unknown) instanceof AppError).toBe(false);
    expect(new AppError("throttled") instanceof AppError).toBe(true);
    expect(new NarrowError("throttled") instanceof AppError).toBe(true);
    expect(new AppError("throttled") instanceof NarrowError).toBe(false);
    expect(new NarrowError("throttled") instanceof NarrowError).toBe(true);
  });
});

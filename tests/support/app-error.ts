import { expect } from "vitest";
import { AppError } from "@/lib/errors";

/** Awaits a call that must fail with an AppError (the console's error taxonomy) and returns it. */
export async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected the call to fail with an AppError");
}

import { describe, expect, it } from "vitest";
import { shadowQuerySchema, shadowViewRoute } from "./api";
import { isShadowConflict, shadowFromParam, shadowParam } from "./types";

describe("shadow API contract", () => {
  it("builds the URL for classic and named shadows", () => {
    expect(shadowViewRoute.url("agent-1", null)).toBe("/api/things/agent-1/shadows");
    expect(shadowViewRoute.url("a:b", "$cfg")).toBe("/api/things/a%3Ab/shadows?name=%24cfg");
  });

  it("accepts valid shadow names only, and no other parameter", () => {
    expect(shadowQuerySchema.safeParse({ name: "config" }).success).toBe(true);
    expect(shadowQuerySchema.safeParse({}).success).toBe(true);
    expect(shadowQuerySchema.safeParse({ name: "bad name" }).success).toBe(false);
    expect(shadowQuerySchema.safeParse({ name: "x".repeat(65) }).success).toBe(false);
    expect(shadowQuerySchema.safeParse({ other: "1" }).success).toBe(false);
  });

  it("maps the URL's ?shadow= to a shadow name (classic = null)", () => {
    expect(shadowFromParam(null)).toBeNull();
    expect(shadowFromParam("classic")).toBeNull();
    expect(shadowFromParam("config")).toBe("config");
    expect(shadowFromParam("no spaces")).toBeNull();
    expect(shadowParam(null)).toBe("classic");
    expect(shadowParam("config")).toBe("config");
  });

  it("recognises a conflict that carries the current document (as JSON text)", () => {
    expect(isShadowConflict({ code: "conflict", message: "m", currentJson: "null" })).toBe(true);
    expect(isShadowConflict({ code: "conflict", message: "m", currentJson: '{"version":3}' })).toBe(true);
    expect(isShadowConflict({ code: "conflict", message: "m" })).toBe(false);
    // An object would have lost its `__proto__` keys on the way to the browser.
    expect(isShadowConflict({ code: "conflict", message: "m", current: { version: 3 } })).toBe(false);
    expect(isShadowConflict({ code: "throttled", message: "m", currentJson: "null" })).toBe(false);
  });
});

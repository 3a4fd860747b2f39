import { describe, expect, it } from "vitest";
import { normaliseQuery } from "./normalise";

describe("normaliseQuery", () => {
  it("trims and collapses whitespace between terms", () => {
    expect(normaliseQuery("  attributes.os:linux \t AND\n  connectivity.connected:false ")).toBe("attributes.os:linux AND connectivity.connected:false");
  });

  it("keeps spacing inside phrases and escaped spaces, and keeps case", () => {
    expect(normaliseQuery('  thingName:"a   b"   Attr:X ')).toBe('thingName:"a   b" Attr:X');
    expect(normaliseQuery("a\\  b")).toBe("a\\  b");
    expect(normaliseQuery('"x\\"  y"  z')).toBe('"x\\"  y" z');
  });

  it("leaves no-break spaces alone (they are part of a term for AWS)", () => {
    expect(normaliseQuery("a\u00a0\u00a0b")).toBe("a\u00a0\u00a0b");
  });
});

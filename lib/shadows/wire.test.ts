import { describe, expect, it } from "vitest";
import { compareShadow } from "./compare";
import { ShadowConflictError } from "./conflict-error";
import { isShadowConflict, type ShadowDocument, type ShadowViewResponse } from "./types";
import { documentFromText, documentToText, viewFromText, viewToText } from "./wire";

// As the console reads it from AWS: JSON.parse keeps `__proto__` as an own key.
const doc: ShadowDocument = {
  thingName: "t",
  shadowName: null,
  desired: JSON.parse('{"__proto__":{"x":1},"constructor":"c"}'),
  reported: JSON.parse('{"__proto__":{"x":2}}'),
  delta: JSON.parse('{"__proto__":{"x":1},"constructor":"c"}'),
  metadata: {
    desired: JSON.parse('{"__proto__":{"x":{"timestamp":10}},"constructor":{"timestamp":10}}'),
    reported: JSON.parse('{"__proto__":{"x":{"timestamp":9}}}'),
  },
  version: 4,
  timestampMs: 11_000,
};
const rows = (d: ShadowDocument | null) => (d ? compareShadow(d).rows.map((r) => [r.path.join("."), r.status, r.desiredAtMs, r.inDelta]) : null);

describe("shadow documents as JSON text (the RSC boundary)", () => {
  it("carries keys named __proto__ and constructor through, as own keys", () => {
    const back = documentFromText(documentToText(doc))!;
    expect(Object.keys(back.desired!)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(back.desired)).toBe(Object.prototype);
    expect(rows(back)).toEqual([
      ["__proto__.x", "pending", 10_000, true],
      ["constructor", "pending", 10_000, true],
    ]);
    expect(rows(back)).toEqual(rows(doc));
  });

  it("carries the prefetched view, and null", () => {
    const view: ShadowViewResponse = { thingName: "t", namedShadows: ["a"], shadowName: null, document: doc };
    const back = viewFromText(viewToText(view))!;
    expect(back.namedShadows).toEqual(["a"]);
    expect(rows(back.document)).toEqual(rows(doc));
    expect(viewFromText(viewToText(null))).toBeNull();
    expect(viewFromText(undefined)).toBeNull();
    expect(viewFromText("{not json")).toBeNull();
    expect(documentFromText(documentToText(null))).toBeNull();
  });

  it("is how a version conflict carries the current document to the browser", () => {
    const data = new ShadowConflictError(doc, 3).toData();
    expect(isShadowConflict(data)).toBe(true);
    expect(typeof data.currentJson).toBe("string");
    expect(rows(documentFromText(data.currentJson))).toEqual(rows(doc));
    const deleted = new ShadowConflictError(null, 3).toData();
    expect(isShadowConflict(deleted)).toBe(true);
    expect(documentFromText(deleted.currentJson)).toBeNull();
  });
});

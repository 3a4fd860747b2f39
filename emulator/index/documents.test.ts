import { describe, expect, it } from "vitest";
import type { ThingRecord } from "../services/iot/state";
import type { StoredShadow } from "../services/iotdata/shadow-types";
import { thingDocument } from "./documents";

const thing: ThingRecord = { name: "t", id: "id-1", attributes: {}, version: 1, createdMs: 0 };
const shadowNamed = (shadowName: string | null, text: string): StoredShadow => ({
  thingName: "t",
  shadowName,
  state: JSON.parse(text),
  metadata: {},
  version: 2,
  timestamp: 0,
});

describe("thingDocument's shadow JSON", () => {
  it("keeps a named shadow called __proto__, and state keys named __proto__", () => {
    // Shadow names are [$a-zA-Z0-9:_-]{1,64}: "__proto__" is a valid one.
    const shadows = new Map<string | null, StoredShadow>([
      [null, shadowNamed(null, '{"desired":{"__proto__":{"x":1}}}')],
      ["__proto__", shadowNamed("__proto__", '{"reported":{"a":1}}')],
    ]);
    const doc = thingDocument(
      thing,
      { registry: true, shadow: true, connectivity: false, defender: false, namedShadows: ["__proto__"] },
      (n) => shadows.get(n),
      undefined,
    );
    const shadow = JSON.parse(doc.shadow!);
    expect(Object.keys(shadow.desired)).toEqual(["__proto__"]);
    expect(Object.keys(shadow.delta)).toEqual(["__proto__"]);
    expect(Object.keys(shadow.name)).toEqual(["__proto__"]);
    expect(shadow.name.__proto__).toMatchObject({ reported: { a: 1 }, version: 2, hasDelta: false });
  });
});

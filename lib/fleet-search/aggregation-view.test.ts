import { describe, expect, it } from "vitest";
import type { IndexField } from "./contract";
import { bucketFieldChoices, connectedSplit, numericFieldChoices, percentLabel } from "./aggregation-view";

const fields: IndexField[] = [
  { name: "thingName", type: "String", source: "managed" },
  { name: "thingTypeName", type: "String", source: "managed" },
  { name: "registry.version", type: "Number", source: "managed" },
  { name: "connectivity.connected", type: "Boolean", source: "managed" },
  { name: "connectivity.timestamp", type: "Number", source: "managed" },
  { name: "connectivity.disconnectReason", type: "String", source: "managed" },
  { name: "shadow.name.cfg.version", type: "Number", source: "managed" },
  { name: "attributes.customer", type: "String", source: "custom" },
  { name: "shadow.reported.cpu", type: "Number", source: "custom" },
  { name: "attributes.os", type: "String", source: "attribute" },
];

describe("field choices", () => {
  it("buckets String/Boolean managed and custom fields, preferred ones first, never names or plain attributes", () => {
    expect(bucketFieldChoices(fields)).toEqual(["attributes.customer", "thingTypeName", "connectivity.disconnectReason", "connectivity.connected"]);
  });

  it("offers Number fields, custom first, without versions", () => {
    expect(numericFieldChoices(fields)).toEqual(["shadow.reported.cpu", "connectivity.timestamp"]);
  });
});

describe("connectedSplit / percentLabel", () => {
  it("reads the Boolean statistics: sum is the connected count", () => {
    expect(connectedSplit({ count: 200, sum: 150, average: 0.75 })).toEqual({ connected: 150, disconnected: 50, total: 200 });
    expect(connectedSplit({ count: 10, average: 0.3 })).toEqual({ connected: 3, disconnected: 7, total: 10 });
    expect(connectedSplit({ count: 0 })).toEqual({ connected: 0, disconnected: 0, total: 0 });
  });

  it("rounds shares, never showing 0% or 100% for a part that is neither", () => {
    expect(percentLabel(1, 1000)).toBe("<1%");
    expect(percentLabel(999, 1000)).toBe(">99%");
    expect(percentLabel(500, 1000)).toBe("50%");
    expect(percentLabel(0, 0)).toBe("0%");
  });
});

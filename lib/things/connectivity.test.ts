import { describe, expect, it } from "vitest";
import { chunk, disconnectReasonLabel, isAbnormalDisconnect, thingNamesParam } from "./connectivity";

describe("thingNamesParam", () => {
  it("splits, trims and de-duplicates", () => {
    expect(thingNamesParam.parse("a, b,,a,c-1:x")).toEqual(["a", "b", "c-1:x"]);
  });
  it("rejects empty, oversized and malformed lists", () => {
    expect(thingNamesParam.safeParse(",,").success).toBe(false);
    expect(thingNamesParam.safeParse(Array.from({ length: 51 }, (_, i) => `t${i}`).join(",")).success).toBe(false);
    expect(thingNamesParam.safeParse("ok,not ok").success).toBe(false);
    expect(thingNamesParam.safeParse(undefined).success).toBe(false);
  });
});

describe("chunk", () => {
  it("splits into slices of at most n", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow();
  });
});

describe("disconnect reasons", () => {
  it("labels known reasons and falls back for new ones", () => {
    expect(disconnectReasonLabel("MQTT_KEEP_ALIVE_TIMEOUT")).toBe("keep-alive timeout");
    expect(disconnectReasonLabel("SOME_NEW_REASON")).toBe("some new reason");
    expect(disconnectReasonLabel(null)).toBeNull();
  });
  it("flags abnormal disconnects only", () => {
    expect(isAbnormalDisconnect("CONNECTION_LOST")).toBe(true);
    expect(isAbnormalDisconnect("AUTH_ERROR")).toBe(true);
    expect(isAbnormalDisconnect("CLIENT_INITIATED_DISCONNECT")).toBe(false);
    expect(isAbnormalDisconnect(null)).toBe(false);
  });
});

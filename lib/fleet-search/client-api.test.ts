import { describe, expect, it } from "vitest";
import { isRetryingThrottled, searchApi, searchRetryDelayMs, shouldRetrySearch, THROTTLE_RETRIES } from "./client-api";

describe("searchApi", () => {
  it("encodes the query and leaves out empty parameters", () => {
    expect(searchApi.page("attributes.customer:acme AND thingName:a*", null)).toBe("/api/search?q=attributes.customer%3Aacme+AND+thingName%3Aa*&pageSize=100");
    expect(searchApi.page("x", "tok/+=")).toBe("/api/search?q=x&nextToken=tok%2F%2B%3D&pageSize=100");
    expect(searchApi.count("a b")).toBe("/api/search/count?q=a+b");
    expect(searchApi.aggregate("*", "attributes.customer", "buckets", { maxBuckets: 10 })).toBe("/api/search/aggregate?q=*&field=attributes.customer&type=buckets&maxBuckets=10");
    expect(searchApi.aggregate("*", "n", "percentiles", { percents: [50, 99] })).toBe("/api/search/aggregate?q=*&field=n&type=percentiles&percents=50%2C99");
    expect(searchApi.export("*", "csv", ["thingName", "attributes.os"])).toBe("/api/search/export?q=*&format=csv&columns=thingName%2Cattributes.os");
  });
});

describe("retry policy", () => {
  it("retries throttling several times, invalid queries never, other failures once", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(shouldRetrySearch(0, err("throttled"))).toBe(true);
    expect(shouldRetrySearch(THROTTLE_RETRIES - 1, err("throttled"))).toBe(true);
    expect(shouldRetrySearch(THROTTLE_RETRIES, err("throttled"))).toBe(false);
    expect(shouldRetrySearch(0, err("invalid_input"))).toBe(false);
    expect(shouldRetrySearch(0, err("unavailable"))).toBe(false);
    expect(shouldRetrySearch(0, err("internal"))).toBe(true);
    expect(shouldRetrySearch(1, err("internal"))).toBe(false);
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(searchRetryDelayMs(0, () => 0)).toBe(250);
    expect(searchRetryDelayMs(0, () => 1)).toBe(500);
    expect(searchRetryDelayMs(3, () => 1)).toBe(4000);
    expect(searchRetryDelayMs(20, () => 1)).toBe(10_000);
  });

  it("says 'retrying' only while a throttled query is being fetched again", () => {
    const throttled = { code: "throttled" };
    expect(isRetryingThrottled({ fetchStatus: "fetching", failureCount: 1, failureReason: throttled })).toBe(true);
    expect(isRetryingThrottled({ fetchStatus: "idle", failureCount: 1, failureReason: throttled })).toBe(false);
    expect(isRetryingThrottled({ fetchStatus: "fetching", failureCount: 0, failureReason: null })).toBe(false);
  });
});

import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { searchAggregateRoute, searchCountRoute, searchExportRoute, searchPageRoute } from "@/lib/fleet-search/routes";
import { groupMembersRoute } from "@/lib/groups/api";
import { driftSummaryRoute, driftThingsRoute } from "@/lib/shadow-drift/routes";
import { shadowViewRoute } from "@/lib/shadows/api";
import { connectivityRoute, thingsRoute } from "@/lib/things/api";
import { buildUrl, queryObject, type AnyRoute } from "./contract";

vi.mock("server-only", () => ({}));
const { contractHandler } = await import("./route");

/** A URL the browser builds, parsed back with the route's own schema (as the handler does). */
function parse(route: AnyRoute, url: string) {
  const u = new URL(url, "http://console.test");
  return route.query.safeParse(queryObject(u.searchParams));
}

// Written by hand: what the browser requests, as the handlers and the old per-feature url() helpers knew it.
describe("URL builders write the URLs the handlers expect", () => {
  it("search: page, count, aggregate, export", () => {
    expect(searchPageRoute.url("attributes.customer:acme AND thingName:a*", null)).toBe(
      "/api/search?q=attributes.customer%3Aacme+AND+thingName%3Aa*&pageSize=100",
    );
    expect(searchPageRoute.url("x", "tok/+=")).toBe("/api/search?q=x&nextToken=tok%2F%2B%3D&pageSize=100");
    expect(searchCountRoute.url("a b")).toBe("/api/search/count?q=a+b");
    expect(searchAggregateRoute.url("*", "attributes.customer", "buckets", { maxBuckets: 10 })).toBe(
      "/api/search/aggregate?q=*&field=attributes.customer&type=buckets&maxBuckets=10",
    );
    expect(searchAggregateRoute.url("*", "n", "percentiles", { percents: [50, 99] })).toBe(
      "/api/search/aggregate?q=*&field=n&type=percentiles&percents=50%2C99",
    );
    expect(searchExportRoute.url("*", "csv", ["thingName", "attributes.os"])).toBe("/api/search/export?q=*&format=csv&columns=thingName%2Cattributes.os");
  });

  it("drift summary and things", () => {
    expect(driftSummaryRoute.url("config")).toBe("/api/drift/summary?shadow=config");
    expect(driftThingsRoute.url({ scope: "classic", type: "sensor", group: null, key: "policy.mode" }, 50)).toBe(
      "/api/drift/things?shadow=classic&type=sensor&key=policy.mode&limit=50",
    );
    expect(driftThingsRoute.url({ scope: "any", type: null, group: "acme:fra1", key: null }, 200)).toBe("/api/drift/things?group=acme%3Afra1&limit=200");
  });

  it("things, connectivity, group members, shadows", () => {
    const filters = { type: "gateway", attribute: { name: "site", value: "paris/b=1", prefix: true }, size: 250 };
    expect(thingsRoute.url(filters, "AQID+/token==")).toBe(
      "/api/things?type=gateway&attr=site&value=paris%2Fb%3D1&prefix=1&size=250&nextToken=AQID%2B%2Ftoken%3D%3D",
    );
    expect(thingsRoute.url({ type: null, attribute: null, size: 25 }, null)).toBe("/api/things?size=25");
    expect(connectivityRoute.url(["a", "b:c"])).toBe("/api/connectivity?things=a%2Cb%3Ac");
    expect(groupMembersRoute.url("g-1", true, "t")).toBe("/api/groups/members?group=g-1&recursive=1&nextToken=t");
    expect(groupMembersRoute.url("g-1", false, null)).toBe("/api/groups/members?group=g-1");
    expect(shadowViewRoute.url("agent-1", "config")).toBe("/api/things/agent-1/shadows?name=config");
  });
});

describe("URL builders round-trip through the route's schema", () => {
  it("search", () => {
    expect(parse(searchPageRoute, searchPageRoute.url("attributes.os:linux AND thingName:a*", "tok/+="))).toMatchObject({
      success: true,
      data: { q: "attributes.os:linux AND thingName:a*", nextToken: "tok/+=", pageSize: 100 },
    });
    expect(parse(searchAggregateRoute, searchAggregateRoute.url("*", "attributes.cpu", "percentiles", { percents: [50, 99] })).data).toEqual({
      q: "*",
      field: "attributes.cpu",
      type: "percentiles",
      percents: [50, 99],
    });
    expect(parse(searchExportRoute, searchExportRoute.url("*", "jsonl", ["thingName", "attributes.os"])).data).toEqual({
      q: "*",
      format: "jsonl",
      columns: ["thingName", "attributes.os"],
    });
  });

  it("things, connectivity and group members", () => {
    const filters = { type: "gateway", attribute: { name: "site", value: "paris/b=1", prefix: true }, size: 250 };
    expect(parse(thingsRoute, thingsRoute.url(filters, "AQID+/token==")).data).toEqual({ filters, nextToken: "AQID+/token==" });
    expect(parse(thingsRoute, thingsRoute.url({ type: null, attribute: null, size: 25 }, null)).data).toEqual({
      filters: { type: null, attribute: null, size: 25 },
      nextToken: null,
    });
    expect(parse(connectivityRoute, connectivityRoute.url(["a", "b:c"])).data).toEqual({ things: ["a", "b:c"] });
    expect(parse(groupMembersRoute, groupMembersRoute.url("g-1", true, "t")).data).toEqual({ group: "g-1", recursive: true, nextToken: "t" });
    expect(parse(groupMembersRoute, groupMembersRoute.url("g-1", false, null)).data).toEqual({ group: "g-1", recursive: false });
  });

  it("drift (the default scope left out) and shadows (path segment encoded)", () => {
    expect(driftSummaryRoute.url("any")).toBe("/api/drift/summary");
    expect(parse(driftSummaryRoute, driftSummaryRoute.url("config")).data).toEqual({ shadow: "config" });
    const f = { scope: "classic", type: "sensor", group: null, key: "policy.mode" };
    expect(parse(driftThingsRoute, driftThingsRoute.url(f, 50)).data).toEqual({
      shadow: "classic",
      type: "sensor",
      group: null,
      key: "policy.mode",
      limit: 50,
    });
    expect(shadowViewRoute.url("agent-1", null)).toBe("/api/things/agent-1/shadows");
    expect(shadowViewRoute.url("a:b", "$cfg")).toBe("/api/things/a%3Ab/shadows?name=%24cfg");
    expect(parse(shadowViewRoute, shadowViewRoute.url("a:b", "$cfg")).data).toEqual({ name: "$cfg" });
  });

  it("leaves out empty values and writes true as 1", () => {
    expect(buildUrl("/x/[id]", { path: { id: "a b" }, query: { a: "", b: null, c: undefined, d: false, e: true, f: 0 } })).toBe("/x/a%20b?e=1&f=0");
    expect(() => buildUrl("/x/[id]", {})).toThrow(/\[id\]/);
  });

  it("gives each read its key", () => {
    expect(searchPageRoute.key("q", null)).toEqual(["search", "results", "q"]);
    expect(shadowViewRoute.key("t", null)).toEqual(["shadows", "t", "classic"]);
  });
});

describe("contractHandler", () => {
  const call = (route: AnyRoute, url: string, run: () => unknown, params: Record<string, string> = {}) =>
    contractHandler(route, async () => run() as never)(new NextRequest(new URL(url, "http://console.test")), params, undefined);

  it("answers 400 with the first issue, before running the handler", async () => {
    const run = vi.fn(() => ({}));
    const res = await call(driftThingsRoute, "/api/drift/things?limit=0", run);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid_input", message: "limit: a whole number from 1 to 5000." } });
    // The parameter is named once: the schemas' messages leave it to firstIssueMessage.
    const message = async (route: AnyRoute, url: string) => ((await (await call(route, url, run)).json()) as { error: { message: string } }).error.message;
    expect(await message(searchPageRoute, "/api/search?q=*&pageSize=500")).toBe("pageSize: a whole number from 1 to 100.");
    expect(await message(searchAggregateRoute, "/api/search/aggregate?q=*&field=f&type=median")).toBe(
      "type: one of buckets, statistics, percentiles, cardinality.",
    );
    expect(await message(driftThingsRoute, "/api/drift/things?type=a%2Fb")).toBe("type: letters, digits, ':', '_' and '-', at most 128 characters.");
    expect(await message(groupMembersRoute, "/api/groups/members?group=g&recursive=yes")).toBe("recursive: use 1 or 0.");
    expect(await message(thingsRoute, "/api/things?size=1.5")).toBe("size: a whole number.");
    const unknown = await call(thingsRoute, "/api/things?tpye=gateway", run);
    expect(await unknown.json()).toEqual({ error: { code: "invalid_input", message: "Unknown query parameter(s): tpye." } });
    const badPath = await call(shadowViewRoute, "/api/things/x/shadows", run, { thingName: "bad thing" });
    expect(badPath.status).toBe(400);
    expect(run).not.toHaveBeenCalled();
  });

  it("answers the handler's result as JSON, never cached", async () => {
    const res = await call(driftSummaryRoute, "/api/drift/summary?shadow=classic", () => ({ ok: 1 }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: 1 });
  });

  it("turns throttling into 429 with Retry-After (whole seconds, at least 1), the body as before", async () => {
    const throttled = (ms?: number) => () => {
      throw new AppError("throttled", "slow down", ms === undefined ? undefined : { retryAfterMs: ms });
    };
    const res = await call(searchPageRoute, "/api/search?q=*", throttled(2_500));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({ error: { code: "throttled", message: "slow down" } });
    const quick = await call(connectivityRoute, "/api/connectivity?things=a", throttled(10));
    expect(quick.headers.get("retry-after")).toBe("1");
    expect((await call(connectivityRoute, "/api/connectivity?things=a", throttled())).headers.get("retry-after")).toBe("1");
  });

  it("leaves other errors to route()", async () => {
    await expect(
      call(searchPageRoute, "/api/search?q=*", () => {
        throw new AppError("not_found");
      }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});

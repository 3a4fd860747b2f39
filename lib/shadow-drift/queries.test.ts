import { describe, expect, it } from "vitest";
import { parseQuery } from "@/lib/fleet-query";
import { thingsParams, summaryParams } from "./params";
import { deltaField, drillDownQuery, driftedQuery, hasDeltaField, scopeShadows, searchHref, thingShadowHref, withShadowQuery } from "./queries";

const INDEXED = ["classic", "config"];
const f = (o: Partial<{ scope: string; type: string | null; group: string | null; key: string | null }>) => ({
  scope: "any",
  type: null,
  group: null,
  key: null,
  ...o,
});

describe("fleet queries of the drift view", () => {
  it("names the hasDelta and delta fields of classic and named shadows", () => {
    expect(hasDeltaField("classic")).toBe("shadow.hasDelta");
    expect(hasDeltaField("config")).toBe("shadow.name.config.hasDelta");
    expect(deltaField("classic", "policy.mode")).toBe("shadow.delta.policy.mode");
    expect(deltaField("config", "logLevel")).toBe("shadow.name.config.delta.logLevel");
  });

  it("asks for drifted things and things with the shadow, one shadow or several", () => {
    expect(driftedQuery(["classic"])).toBe("shadow.hasDelta:true");
    expect(driftedQuery(INDEXED)).toBe("shadow.hasDelta:true OR shadow.name.config.hasDelta:true");
    expect(withShadowQuery(INDEXED)).toBe("shadow.hasDelta:* OR shadow.name.config.hasDelta:*");
    expect(scopeShadows("any", INDEXED)).toEqual(INDEXED);
    expect(scopeShadows("config", INDEXED)).toEqual(["config"]);
    expect(scopeShadows("other", INDEXED)).toEqual([]);
  });

  it("builds a drill-down query that parses, escaping what needs it", () => {
    expect(drillDownQuery(f({ scope: "classic", type: "linux-agent" }), INDEXED)).toBe("shadow.hasDelta:true AND thingTypeName:linux-agent");
    expect(drillDownQuery(f({ type: "gateway", group: "acme-fra1-pos" }), INDEXED)).toBe(
      "(shadow.hasDelta:true OR shadow.name.config.hasDelta:true) AND thingTypeName:gateway AND thingGroupNames:acme-fra1-pos",
    );
    expect(drillDownQuery(f({ scope: "classic", key: "policy.mode" }), INDEXED)).toBe("shadow.delta.policy.mode:*");
    expect(drillDownQuery(f({ scope: "config", key: "log level", group: "g" }), INDEXED)).toBe("shadow.name.config.delta.log\\ level:* AND thingGroupNames:g");
    for (const q of [drillDownQuery(f({ key: "a(b)" }), INDEXED)!, drillDownQuery(f({ type: "AND" }), INDEXED)!]) expect(parseQuery(q).ok).toBe(true);
    expect(drillDownQuery(f({ scope: "nope" }), INDEXED)).toBeNull();
  });

  it("refuses a drill-down query AWS would refuse (over 12 terms): no link", () => {
    const many = Array.from({ length: 12 }, (_, i) => `s${i}`);
    expect(drillDownQuery(f({ type: "t" }), many)).toBeNull();
  });

  it("links to the search workbench (q, cols) and to a thing's shadow diff", () => {
    const href = searchHref("shadow.hasDelta:true AND thingTypeName:gateway", ["shadow.delta.policy.mode"]);
    const u = new URL(href, "http://x");
    expect(u.pathname).toBe("/search");
    expect(u.searchParams.get("q")).toBe("shadow.hasDelta:true AND thingTypeName:gateway");
    expect(u.searchParams.get("cols")).toBe("thingName,thingTypeName,connectivity.connected,shadow.delta.policy.mode");
    expect(thingShadowHref("agent:1", "config")).toBe("/things/agent%3A1?tab=shadows&shadow=config");
    expect(thingShadowHref("agent-1", "classic")).toBe("/things/agent-1?tab=shadows&shadow=classic");
  });
});

describe("drift route parameters", () => {
  it("defaults the scope to every shadow and the list to 200 rows", () => {
    expect(summaryParams.parse({})).toEqual({ shadow: "any" });
    expect(thingsParams.parse({})).toEqual({ shadow: "any", type: null, group: null, key: null, limit: 200 });
    expect(thingsParams.parse({ shadow: "config", type: "linux-agent", group: "acme:fra1", key: "policy.mode", limit: "50" })).toEqual({
      shadow: "config",
      type: "linux-agent",
      group: "acme:fra1",
      key: "policy.mode",
      limit: 50,
    });
  });

  it("refuses names AWS could not hold, control characters in keys, unknown parameters, absurd limits", () => {
    expect(summaryParams.safeParse({ shadow: "has space" }).success).toBe(false);
    expect(thingsParams.safeParse({ type: "a/b" }).success).toBe(false);
    expect(thingsParams.safeParse({ group: "x".repeat(129) }).success).toBe(false);
    expect(thingsParams.safeParse({ key: "a\nb" }).success).toBe(false);
    expect(thingsParams.safeParse({ key: "" }).success).toBe(false);
    expect(thingsParams.safeParse({ limit: "0" }).success).toBe(false);
    expect(thingsParams.safeParse({ limit: "99999" }).success).toBe(false);
    expect(thingsParams.safeParse({ q: "*" }).success).toBe(false);
  });
});

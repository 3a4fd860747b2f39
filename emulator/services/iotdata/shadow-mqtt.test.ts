import { describe, expect, it } from "vitest";
import { isBrokerOnlyShadowTopic, parseShadowTopic, shadowTopicPrefix } from "./shadow-mqtt";

describe("shadow topics", () => {
  it("parses classic and named shadow topics", () => {
    expect(parseShadowTopic("$aws/things/t-1/shadow/update")).toEqual({ thingName: "t-1", shadowName: null, stub: "update" });
    expect(parseShadowTopic("$aws/things/t-1/shadow/get/accepted")).toEqual({ thingName: "t-1", shadowName: null, stub: "get/accepted" });
    expect(parseShadowTopic("$aws/things/t-1/shadow/name/cfg/delete")).toEqual({ thingName: "t-1", shadowName: "cfg", stub: "delete" });
    expect(parseShadowTopic("$aws/things/t-1/shadow/name/cfg/update/documents")).toEqual({ thingName: "t-1", shadowName: "cfg", stub: "update/documents" });
    // A shadow called "name" is still a named shadow.
    expect(parseShadowTopic("$aws/things/t/shadow/name/name/get")).toEqual({ thingName: "t", shadowName: "name", stub: "get" });
    // Too short to be a named shadow topic: classic, with a stub that is no operation.
    expect(parseShadowTopic("$aws/things/t/shadow/name/cfg")).toEqual({ thingName: "t", shadowName: null, stub: "name/cfg" });
    expect(parseShadowTopic("$aws/things/t/shadow")).toEqual({ thingName: "t", shadowName: null, stub: "" });
  });

  it("ignores topics outside a shadow's namespace", () => {
    for (const topic of ["things/t/shadow/update", "$aws/things/t/jobs/get", "$aws/things/t", "$aws/events/presence/connected/t", "fleet/x"]) {
      expect(parseShadowTopic(topic)).toBeUndefined();
    }
  });

  it("builds the topic prefixes", () => {
    expect(shadowTopicPrefix("t", null)).toBe("$aws/things/t/shadow");
    expect(shadowTopicPrefix("t", "cfg")).toBe("$aws/things/t/shadow/name/cfg");
  });

  it("lets clients publish only on the request topics of a shadow", () => {
    for (const topic of ["$aws/things/t/shadow/get", "$aws/things/t/shadow/update", "$aws/things/t/shadow/delete", "$aws/things/t/shadow/name/s/update"]) {
      expect(isBrokerOnlyShadowTopic(topic), topic).toBe(false);
    }
    for (const stub of [
      "get/accepted",
      "get/rejected",
      "update/accepted",
      "update/rejected",
      "update/delta",
      "update/documents",
      "delete/accepted",
      "delete/rejected",
      "foo",
    ]) {
      expect(isBrokerOnlyShadowTopic(`$aws/things/t/shadow/${stub}`), stub).toBe(true);
      expect(isBrokerOnlyShadowTopic(`$aws/things/t/shadow/name/s/${stub}`), stub).toBe(true);
    }
    for (const topic of ["fleet/t/shadow/update/accepted", "$aws/things/t/jobs/get/accepted", "telemetry"]) {
      expect(isBrokerOnlyShadowTopic(topic), topic).toBe(false);
    }
  });
});

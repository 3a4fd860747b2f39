import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import {
  IoTClient,
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateBillingGroupCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteThingCommand,
  DescribeIndexCommand,
  GetBucketsAggregationCommand,
  GetCardinalityCommand,
  GetIndexingConfigurationCommand,
  GetPercentilesCommand,
  GetStatisticsCommand,
  IndexNotReadyException,
  InvalidAggregationException,
  InvalidQueryException,
  InvalidRequestException,
  ListIndicesCommand,
  ResourceNotFoundException,
  SearchIndexCommand,
  UpdateIndexingConfigurationCommand,
  UpdateThingCommand,
  type SearchIndexCommandInput,
  type ThingDocument,
  type ThingIndexingConfiguration,
} from "@aws-sdk/client-iot";
import { DeleteThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { expectAwsError, startHarness, type Harness } from "./harness";

/**
 * Fleet indexing through the real @aws-sdk/client-iot: configuration and its validation,
 * index states, every example query of the developer guide's "Query syntax" and "Example
 * thing queries" pages against a small fleet with known answers, paging, the document
 * shape, aggregations, and the index following registry, shadow and connectivity changes.
 */

process.env.EMULATOR_INDEX_SETTLE_MS = "300";

let h: Harness<IoTClient>;
let data: IoTDataPlaneClient;
const clients: MqttClient[] = [];

beforeAll(async () => {
  h = await startHarness(IoTClient);
  data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  data.destroy();
  await h.stop();
});

const FULL: ThingIndexingConfiguration = {
  thingIndexingMode: "REGISTRY_AND_SHADOW",
  thingConnectivityIndexingMode: "STATUS",
  namedShadowIndexingMode: "ON",
  filter: { namedShadowNames: ["config"] },
  customFields: [
    { name: "attributes.myAttribute", type: "Number" },
    { name: "attributes.model", type: "String" },
    { name: "shadow.reported.stats.battery", type: "Number" },
    { name: "shadow.reported.online", type: "Boolean" },
  ],
};

const configure = (thingIndexingConfiguration: ThingIndexingConfiguration) =>
  h.iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration }));
const describeIndex = () => h.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }));
const shadow = (thingName: string, doc: unknown, shadowName?: string) =>
  data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: new TextEncoder().encode(JSON.stringify(doc)) }));

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const waitActive = () => waitFor(async () => (await describeIndex()).indexStatus === "ACTIVE", "index ACTIVE");

async function connect(clientId: string): Promise<MqttClient> {
  const c = mqtt.connect(h.emulator.mqttUrl, { clientId, reconnectPeriod: 0, protocolVersion: 4 });
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", reject);
  });
  clients.push(c);
  return c;
}

/** Every thing a query matches, paging to the end. */
async function searchAll(queryString: string, input: Partial<SearchIndexCommandInput> = {}): Promise<ThingDocument[]> {
  const out: ThingDocument[] = [];
  let nextToken: string | undefined;
  do {
    const page = await h.iot.send(new SearchIndexCommand({ queryString, nextToken, maxResults: 100, ...input }));
    out.push(...page.things!);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

const names = async (q: string) => (await searchAll(q)).map((t) => t.thingName!).sort();

describe("a fresh emulator", () => {
  it("has indexing off, like a new AWS account", async () => {
    const cfg = await h.iot.send(new GetIndexingConfigurationCommand({}));
    expect(cfg.thingIndexingConfiguration?.thingIndexingMode).toBe("OFF");
    expect(cfg.thingGroupIndexingConfiguration?.thingGroupIndexingMode).toBe("OFF");
    expect(cfg.thingIndexingConfiguration?.managedFields).toBeUndefined();
    expect((await h.iot.send(new ListIndicesCommand({}))).indexNames).toEqual([]);
    await expectAwsError(describeIndex(), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "*" })), ResourceNotFoundException, 404);
  });
});

describe("UpdateIndexingConfiguration validation", () => {
  const bad = (c: ThingIndexingConfiguration) => expectAwsError(configure(c), InvalidRequestException, 400);

  it("refuses connectivity, named shadows or Defender without thing indexing", async () => {
    await bad({ thingIndexingMode: "OFF", thingConnectivityIndexingMode: "STATUS" });
    await bad({ thingIndexingMode: "OFF", namedShadowIndexingMode: "ON" });
    await bad({ thingIndexingMode: "OFF", deviceDefenderIndexingMode: "VIOLATIONS" });
  });

  it("refuses unknown modes with the model's validation message", async () => {
    const err = await bad({ thingIndexingMode: "EVERYTHING" as never });
    expect(err.message).toContain("thingIndexingConfiguration.thingIndexingMode");
    expect(err.message).toContain("enum value set");
  });

  it("refuses custom fields the mode does not index, managed fields and duplicates", async () => {
    const err = await bad({ thingIndexingMode: "REGISTRY", customFields: [{ name: "shadow.desired.power", type: "Boolean" }] });
    expect(err.message).toMatch(/REGISTRY_AND_SHADOW/);
    await bad({ thingIndexingMode: "REGISTRY_AND_SHADOW", customFields: [{ name: "shadow.name.other.reported.x", type: "Number" }] });
    await bad({ thingIndexingMode: "REGISTRY", customFields: [{ name: "thingName", type: "String" }] });
    await bad({ thingIndexingMode: "REGISTRY", customFields: [{ name: "connectivity.connected", type: "Boolean" }] });
    await bad({ thingIndexingMode: "REGISTRY", customFields: [{ name: "nonsense", type: "String" }] });
    await bad({
      thingIndexingMode: "REGISTRY",
      customFields: [
        { name: "attributes.a", type: "Number" },
        { name: "attributes.a", type: "String" },
      ],
    });
    await bad({ thingIndexingMode: "REGISTRY", customFields: [{ name: "attributes.a", type: "Integer" as never }] });
  });

  it("allows at most 10 named shadows, with valid names", async () => {
    const names11 = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const err = await bad({ thingIndexingMode: "REGISTRY", namedShadowIndexingMode: "ON", filter: { namedShadowNames: names11 } });
    expect(err.message).toMatch(/10/);
    await bad({ thingIndexingMode: "REGISTRY", namedShadowIndexingMode: "ON", filter: { namedShadowNames: ["bad name"] } });
    // Nothing was applied.
    expect((await h.iot.send(new GetIndexingConfigurationCommand({}))).thingIndexingConfiguration?.thingIndexingMode).toBe("OFF");
  });
});

// The fleet of the examples. Expected answers were worked out by hand from this table.
//
// name         type groups        billing    attributes                                              classic shadow (reported / desired)                    named "config"              connectivity
// myThingName  aa   [a]           -          myAttribute=75 serialNumber=abcd attr1=abc attr2=3       {stats:{battery:80}, myvalues:[1,2,3], location:"lab"}  filament pla / pla          connected
//                                            attr3=5 model=legacy                                     / {}
// thingmy      aa   [abc-group]   -          myAttribute=80 serialNumber=abce attr1=abc attr2=7       {stats:{battery:75}, location:"home", online:true}      filament abs / pla (delta)  disconnected by the client
//                                            model=v2                                                 / {stats:{battery:100}}  (delta)
// abc          bb   []            a-billing  myAttribute=iot attr1=abc attr2=1 attr3=20               -                                                      -                           never connected
// abd          bb   [a]           -          myAttribute=76 serialNumber=abcg                         {stats:{battery:95}, note:"v3", online:false}           -                           never connected
// tvset        bb   []            -          -                                                        -                                                      -                           never connected
describe("search", () => {
  let connectedAt = 0;

  beforeAll(async () => {
    await configure(FULL);
    // First enable: BUILDING, and queries are refused until it is ACTIVE.
    expect((await describeIndex()).indexStatus).toBe("BUILDING");
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "*" })), IndexNotReadyException, 400);
    await waitActive();

    for (const t of ["aa", "bb"]) await h.iot.send(new CreateThingTypeCommand({ thingTypeName: t }));
    for (const g of ["a", "abc-group"]) await h.iot.send(new CreateThingGroupCommand({ thingGroupName: g }));
    // CreateThing refuses a billing group that does not exist.
    await h.iot.send(new CreateBillingGroupCommand({ billingGroupName: "a-billing" }));
    const thing = (thingName: string, thingTypeName: string, attributes: Record<string, string>, billingGroupName?: string) =>
      h.iot.send(new CreateThingCommand({ thingName, thingTypeName, attributePayload: { attributes }, billingGroupName }));
    await thing("myThingName", "aa", { myAttribute: "75", serialNumber: "abcd", attr1: "abc", attr2: "3", attr3: "5", model: "legacy" });
    await thing("thingmy", "aa", { myAttribute: "80", serialNumber: "abce", attr1: "abc", attr2: "7", model: "v2" });
    await thing("abc", "bb", { myAttribute: "iot", attr1: "abc", attr2: "1", attr3: "20" }, "a-billing");
    await thing("abd", "bb", { myAttribute: "76", serialNumber: "abcg" });
    await thing("tvset", "bb", {});
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: "myThingName", thingGroupName: "a" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: "abd", thingGroupName: "a" }));
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: "thingmy", thingGroupName: "abc-group" }));

    await shadow("myThingName", { state: { reported: { stats: { battery: 80 }, myvalues: [1, 2, 3], location: "lab" } } });
    await shadow("thingmy", { state: { reported: { stats: { battery: 75 }, location: "home", online: true }, desired: { stats: { battery: 100 } } } });
    await shadow("abd", { state: { reported: { stats: { battery: 95 }, note: "v3", online: false } } });
    await shadow("myThingName", { state: { reported: { filament: "pla" }, desired: { filament: "pla" } } }, "config");
    await shadow("thingmy", { state: { reported: { filament: "abs" }, desired: { filament: "pla" } } }, "config");

    connectedAt = Date.now();
    await connect("myThingName");
    const c = await connect("thingmy");
    await c.endAsync();
    await waitFor(
      async () => (await names("connectivity.disconnectReason:*")).length === 1 && (await names("connectivity.connected:true")).length === 1,
      "connectivity",
    );
  });

  // Developer guide, "Example thing queries" (live page), with <shadowName> = config.
  const examples: Array<[string, string[]]> = [
    ["abc", ["abc", "myThingName", "thingmy"]],
    ["thingName:myThingName", ["myThingName"]],
    ["thingName:my*", ["myThingName"]],
    ["thingName:*my", ["thingmy"]],
    ["thingName:*my*", ["myThingName", "thingmy"]],
    ["thingName:ab?", ["abc", "abd"]],
    ["thingTypeName:aa", ["myThingName", "thingmy"]],
    ["thingGroupNames:a", ["abd", "myThingName"]],
    ["thingGroupNames:a*", ["abc", "abd", "myThingName", "thingmy"]],
    ["attributes.myAttribute:75", ["myThingName"]],
    ["attributes.myAttribute:[75 TO 80]", ["abd", "myThingName", "thingmy"]],
    ["attributes.myAttribute:{75 TO 80]", ["abd", "thingmy"]],
    ['attributes.serialNumber:["abcd" TO "abcf"]', ["myThingName", "thingmy"]],
    ["attributes.myAttribute:i*t", ["abc"]],
    ["attributes.attr1:abc AND attributes.attr2<5 NOT attributes.attr3>10", ["myThingName"]],
    ["shadow.hasDelta:true", ["thingmy"]],
    ["NOT attributes.model:legacy", ["abc", "abd", "thingmy", "tvset"]],
    ["shadow.reported.stats.battery:{70 TO 100} (v2 OR v3) NOT attributes.model:legacy", ["abd", "thingmy"]],
    ["shadow.reported.myvalues:2", ["myThingName"]],
    ["shadow.reported.location:* NOT shadow.desired.stats.battery:*", ["myThingName"]],
    ["shadow.name.config.hasDelta:true", ["thingmy"]],
    ["shadow.name.config.desired.filament:*", ["myThingName", "thingmy"]],
    ["connectivity.connected:true", ["myThingName"]],
    ["connectivity.connected:false", ["abc", "abd", "thingmy", "tvset"]],
    ["connectivity.connected:true AND connectivity.timestamp : [1557651600000 TO 1557867600000]", []],
    ["connectivity.connected:false AND connectivity.timestamp : [1557651600000 TO 1557867600000]", []],
    ["connectivity.connected:true AND connectivity.timestamp > 1557651600000", ["myThingName"]],
    ["connectivity.connected:*", ["abc", "abd", "myThingName", "thingmy", "tvset"]],
    ["connectivity.disconnectReason:*", ["thingmy"]],
    ["connectivity.disconnectReason:CLIENT_INITIATED_DISCONNECT", ["thingmy"]],
    ["deviceDefender.violationCount:[0 TO 100]", []],
    ["deviceDefender.prof.beh.inViolation:true", []],
    ["deviceDefender.prof.beh.lastViolationValue.number<2", []],
    // "Query syntax" page.
    ["thingName:(tv* AND -plasma)", ["tvset"]],
    ["thingName:abc thingType:xyz", []],
    ["thingName:abc AND thingType:xyz", []],
  ];
  it.each(examples)("%s", async (q, expected) => {
    expect(await names(q)).toEqual(expected);
  });

  it("compares connectivity timestamps in milliseconds", async () => {
    const lo = connectedAt - 60_000;
    const hi = Date.now() + 60_000;
    expect(await names(`connectivity.connected:true AND connectivity.timestamp:[${lo} TO ${hi}]`)).toEqual(["myThingName"]);
    expect(await names(`connectivity.timestamp < ${lo}`)).toEqual([]);
  });

  it("matches values case-insensitively but field names case-sensitively", async () => {
    expect(await names("thingName:MYTHINGNAME")).toEqual(["myThingName"]);
    expect(await names("attributes.model:LEGACY")).toEqual(["myThingName"]);
    expect(await names("ThingName:myThingName")).toEqual([]);
  });

  it("supports phrases, escapes, ? and grouping", async () => {
    expect(await names('thingName:"myThingName"')).toEqual(["myThingName"]);
    expect(await names("thingName:ab? AND NOT thingName:abd")).toEqual(["abc"]);
    expect(await names("(thingTypeName:aa OR thingTypeName:bb) AND -attributes.attr1:*")).toEqual(["abd", "tvset"]);
    expect(await names("attributes.myAttribute:(75 OR 80)")).toEqual(["myThingName", "thingmy"]);
  });

  it("ranges are numeric on numbers and textual on quoted bounds", async () => {
    expect(await names("attributes.attr2:[1 TO 3]")).toEqual(["abc", "myThingName"]);
    expect(await names("attributes.attr2>=3")).toEqual(["myThingName", "thingmy"]);
    expect(await names('attributes.attr2:["1" TO "3"]')).toEqual(["abc", "myThingName"]);
    expect(await names("attributes.serialNumber:{abcd TO *]")).toEqual(["abd", "thingmy"]);
    expect(await names("shadow.reported.stats.battery>=95")).toEqual(["abd"]);
  });

  it("searches booleans, delta and metadata sections", async () => {
    expect(await names("shadow.reported.online:true")).toEqual(["thingmy"]);
    expect(await names("shadow.delta.stats.battery:100")).toEqual(["thingmy"]);
    expect(await names("shadow.name.config.delta.filament:pla")).toEqual(["thingmy"]);
    expect(await names("shadow.metadata.reported.stats.battery.timestamp>0")).toEqual(["abd", "myThingName", "thingmy"]);
  });

  it("refuses malformed queries and unsearchable fields with InvalidQueryException", async () => {
    for (const q of [
      "thingName:(abc",
      "attributes.x:[1 TO",
      "AND",
      "shadow.version:3",
      "registry.version:1",
      "connectivity.foo:1",
      "shadow.bogus.x:1",
      "deviceDefender.p.b.inViolation:false",
      "a b c d e f g h i j k l m",
      "thingName:*a AND thingGroupNames:*b",
    ]) {
      const err = await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: q })), InvalidQueryException, 400);
      expect(err.message.length).toBeGreaterThan(10);
    }
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "" })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "*", indexName: "Nope" })), ResourceNotFoundException, 404);
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "*", maxResults: 0 })), InvalidRequestException, 400);
  });

  it("returns the ThingDocument shape: shadow as a JSON string, connectivity in ms", async () => {
    const [doc] = await searchAll("thingName:thingmy");
    expect(Object.keys(doc).sort()).toEqual(["attributes", "connectivity", "shadow", "thingGroupNames", "thingId", "thingName", "thingTypeName"]);
    expect(doc.thingTypeName).toBe("aa");
    expect(doc.thingGroupNames).toEqual(["abc-group"]);
    expect(doc.attributes).toEqual({ myAttribute: "80", serialNumber: "abce", attr1: "abc", attr2: "7", model: "v2" });
    expect(typeof doc.shadow).toBe("string");
    const s = JSON.parse(doc.shadow!);
    expect(s.reported).toEqual({ stats: { battery: 75 }, location: "home", online: true });
    expect(s.desired).toEqual({ stats: { battery: 100 } });
    expect(s.delta).toEqual({ stats: { battery: 100 } });
    expect(s.hasDelta).toBe(true);
    expect(s.version).toBe(1);
    expect(s.metadata.reported.stats.battery.timestamp).toEqual(expect.any(Number));
    expect(s.name.config.hasDelta).toBe(true);
    expect(s.name.config.reported).toEqual({ filament: "abs" });
    expect(doc.connectivity?.connected).toBe(false);
    expect(doc.connectivity?.disconnectReason).toBe("CLIENT_INITIATED_DISCONNECT");
    expect(doc.connectivity!.timestamp!).toBeGreaterThan(connectedAt - 1000);
    expect(doc.connectivity!.timestamp!).toBeLessThan(Date.now() + 1000);

    const [never] = await searchAll("thingName:tvset");
    expect(never.connectivity).toEqual({ connected: false });
    expect(never.shadow).toBeUndefined();
    expect(never.thingGroupNames).toBeUndefined();
    const [billed] = await searchAll("thingName:abc");
    expect(billed.thingGroupNames).toEqual(["a-billing"]);
  });

  it("aggregates: statistics by type, cardinality, percentiles, buckets", async () => {
    const stats = (aggregationField: string, queryString = "*") =>
      h.iot.send(new GetStatisticsCommand({ queryString, aggregationField })).then((o) => o.statistics!);
    const num = await stats("attributes.myAttribute");
    // "iot" is not a number: ignored. 75, 80, 76.
    expect(num.count).toBe(3);
    expect(num.sum).toBe(231);
    expect(num.minimum).toBe(75);
    expect(num.maximum).toBe(80);
    expect(num.average).toBeCloseTo(77);
    expect(num.sumOfSquares).toBe(75 * 75 + 80 * 80 + 76 * 76);
    expect(num.variance).toBeCloseTo((4 + 9 + 1) / 3);
    expect(num.stdDeviation).toBeCloseTo(Math.sqrt(14 / 3));
    expect(await stats("attributes.model")).toEqual({ count: 2 });
    const bool = await stats("connectivity.connected");
    expect(bool).toMatchObject({ count: 5, sum: 1, minimum: 0, maximum: 1 });
    expect(bool.average).toBeCloseTo(0.2);
    expect((await stats("shadow.reported.online")).average).toBeCloseTo(0.5);
    // Default field: registry.version, every thing.
    expect((await h.iot.send(new GetStatisticsCommand({ queryString: "*" }))).statistics!.count).toBe(5);
    expect((await stats("attributes.myAttribute", "thingName:nothing")).count).toBe(0);

    expect((await h.iot.send(new GetCardinalityCommand({ queryString: "*", aggregationField: "registry.thingTypeName" }))).cardinality).toBe(2);
    expect((await h.iot.send(new GetCardinalityCommand({ queryString: "thingName:nothing", aggregationField: "registry.thingTypeName" }))).cardinality).toBe(0);

    const p = await h.iot.send(new GetPercentilesCommand({ queryString: "*", aggregationField: "shadow.reported.stats.battery" }));
    expect(p.percentiles!.map((x) => x.percent)).toEqual([1, 5, 25, 50, 75, 95, 99]);
    expect(p.percentiles!.find((x) => x.percent === 50)!.value).toBe(80);
    const p2 = await h.iot.send(new GetPercentilesCommand({ queryString: "*", aggregationField: "shadow.reported.stats.battery", percents: [0, 100] }));
    expect(p2.percentiles).toEqual([
      { percent: 0, value: 75 },
      { percent: 100, value: 95 },
    ]);
    const none = await h.iot.send(new GetPercentilesCommand({ queryString: "thingName:nothing", aggregationField: "shadow.reported.stats.battery" }));
    expect(none.percentiles).toEqual([]);

    const b = await h.iot.send(
      new GetBucketsAggregationCommand({
        queryString: "*",
        aggregationField: "registry.thingTypeName",
        bucketsAggregationType: { termsAggregation: { maxBuckets: 10 } },
      }),
    );
    expect(b.totalCount).toBe(5);
    expect(b.buckets).toEqual([
      { keyValue: "bb", count: 3 },
      { keyValue: "aa", count: 2 },
    ]);
    const nb = await h.iot.send(
      new GetBucketsAggregationCommand({
        queryString: "thingTypeName:aa",
        aggregationField: "attributes.myAttribute",
        bucketsAggregationType: { termsAggregation: { maxBuckets: 1 } },
      }),
    );
    expect(nb.totalCount).toBe(2);
    expect(nb.buckets).toHaveLength(1);
    expect(typeof nb.buckets![0].keyValue).toBe("string");
    const groups = await h.iot.send(
      new GetBucketsAggregationCommand({
        queryString: "*",
        aggregationField: "registry.thingGroupNames",
        bucketsAggregationType: { termsAggregation: { maxBuckets: 10 } },
      }),
    );
    expect(groups.buckets).toEqual([
      { keyValue: "a", count: 2 },
      { keyValue: "a-billing", count: 1 },
      { keyValue: "abc-group", count: 1 },
    ]);
  });

  it("refuses aggregations on fields that are neither managed nor custom, and percentiles on non-numbers", async () => {
    await expectAwsError(
      h.iot.send(new GetStatisticsCommand({ queryString: "*", aggregationField: "attributes.serialNumber" })),
      InvalidAggregationException,
      400,
    );
    await expectAwsError(h.iot.send(new GetPercentilesCommand({ queryString: "*", aggregationField: "attributes.model" })), InvalidAggregationException, 400);
    await expectAwsError(
      h.iot.send(
        new GetBucketsAggregationCommand({ queryString: "*", aggregationField: "thingName", bucketsAggregationType: { termsAggregation: { maxBuckets: 0 } } }),
      ),
      InvalidRequestException,
      400,
    );
    await expectAwsError(
      h.iot.send(new GetStatisticsCommand({ queryString: "thingName:(", aggregationField: "registry.version" })),
      InvalidQueryException,
      400,
    );
  });

  it("follows registry, shadow and connectivity changes at once", async () => {
    await h.iot.send(new UpdateThingCommand({ thingName: "tvset", attributePayload: { attributes: { model: "legacy" }, merge: true } }));
    expect(await names("attributes.model:legacy")).toEqual(["myThingName", "tvset"]);
    await h.iot.send(new AddThingToThingGroupCommand({ thingName: "tvset", thingGroupName: "abc-group" }));
    expect(await names("thingGroupNames:abc-group")).toEqual(["thingmy", "tvset"]);
    await shadow("tvset", { state: { reported: { stats: { battery: 10 } } } });
    expect(await names("shadow.reported.stats.battery<20")).toEqual(["tvset"]);
    await shadow("tvset", { state: { reported: { stats: { battery: null } } } });
    expect(await names("shadow.reported.stats.battery<20")).toEqual([]);
    await data.send(new DeleteThingShadowCommand({ thingName: "tvset" }));
    expect(await names("thingName:tvset AND shadow.reported.stats:*")).toEqual([]);
    await connect("tvset");
    await waitFor(async () => (await names("connectivity.connected:true")).includes("tvset"), "tvset connected");
    // A shadow of a thing that is not in the registry is not indexed.
    await shadow("ghost", { state: { reported: { stats: { battery: 1 } } } });
    expect(await names("shadow.reported.stats.battery:1")).toEqual([]);
    await h.iot.send(new CreateThingCommand({ thingName: "ghost" }));
    expect(await names("shadow.reported.stats.battery:1")).toEqual(["ghost"]);
    await h.iot.send(new DeleteThingCommand({ thingName: "ghost" }));
    expect(await names("thingName:ghost")).toEqual([]);
  });

  it("indexes shadows by the documented rules (arrays of objects, nulls, dotted keys)", async () => {
    await h.iot.send(new CreateThingCommand({ thingName: "rules" }));
    await shadow("rules", {
      state: { reported: { list: [{ a: 1 }], one: { two: { three: "v1" } }, "one.two.three": "v2", nums: [5, 6], flag: false } },
    });
    expect(await names("shadow.reported.list.a:1")).toEqual([]);
    expect(await names("shadow.reported.one.two.three:v1")).toEqual(["rules"]);
    expect(await names("shadow.reported.one.two.three:v2")).toEqual(["rules"]);
    expect(await names("shadow.reported.nums:[6 TO 7]")).toEqual(["rules"]);
    expect(await names("shadow.reported.flag:false")).toEqual(["rules"]);
    expect(await names("shadow.reported.one:*")).toEqual(["rules"]);
  });
});

describe("paging", () => {
  it("pages to the end with an opaque token, at most 100 per page", async () => {
    for (let i = 0; i < 130; i++)
      await h.iot.send(new CreateThingCommand({ thingName: `page-${String(i).padStart(3, "0")}`, attributePayload: { attributes: { batch: "p" } } }));
    const first = await h.iot.send(new SearchIndexCommand({ queryString: "attributes.batch:p", maxResults: 500 }));
    expect(first.things).toHaveLength(100);
    expect(first.nextToken).toEqual(expect.any(String));
    const seen = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.iot.send(new SearchIndexCommand({ queryString: "attributes.batch:p", maxResults: 7, nextToken }));
      expect(page.things!.length).toBeLessThanOrEqual(7);
      for (const t of page.things!) seen.add(t.thingName!);
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(seen.size).toBe(130);
    expect(pages).toBe(Math.ceil(130 / 7));
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "attributes.batch:q", nextToken: first.nextToken })), InvalidRequestException, 400);
    await expectAwsError(h.iot.send(new SearchIndexCommand({ queryString: "attributes.batch:p", nextToken: "garbage!" })), InvalidRequestException, 400);
  });
});

describe("the thing group index (AWS_ThingGroups)", () => {
  it("searches thing groups once thing group indexing is on", async () => {
    await expectAwsError(h.iot.send(new SearchIndexCommand({ indexName: "AWS_ThingGroups", queryString: "*" })), ResourceNotFoundException, 404);
    await h.iot.send(
      new CreateThingGroupCommand({
        thingGroupName: "site-x",
        parentGroupName: "a",
        thingGroupProperties: { thingGroupDescription: "Site X", attributePayload: { attributes: { region: "eu" } } },
      }),
    );
    await h.iot.send(new UpdateIndexingConfigurationCommand({ thingGroupIndexingConfiguration: { thingGroupIndexingMode: "ON" } }));
    await waitFor(async () => (await h.iot.send(new DescribeIndexCommand({ indexName: "AWS_ThingGroups" }))).indexStatus === "ACTIVE", "group index ACTIVE");
    expect((await h.iot.send(new ListIndicesCommand({}))).indexNames).toEqual(["AWS_ThingGroups", "AWS_Things"]);
    const out = await h.iot.send(new SearchIndexCommand({ indexName: "AWS_ThingGroups", queryString: "parentGroupNames:a AND attributes.region:EU" }));
    expect(out.thingGroups).toEqual([
      { thingGroupName: "site-x", thingGroupId: expect.any(String), thingGroupDescription: "Site X", attributes: { region: "eu" }, parentGroupNames: ["a"] },
    ]);
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.iot.send(new SearchIndexCommand({ indexName: "AWS_ThingGroups", queryString: "thingGroupName:a*", maxResults: 1, nextToken }));
      all.push(...page.thingGroups!.map((g) => g.thingGroupName!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual(["a", "abc-group"]);
    const cfg = await h.iot.send(new GetIndexingConfigurationCommand({}));
    expect(cfg.thingGroupIndexingConfiguration?.managedFields?.map((f) => f.name)).toContain("thingGroupName");
  });
});

describe("configuration changes", () => {
  it("reports REBUILDING after a change (queries allowed), then ACTIVE; customFields replace the list", async () => {
    await configure({ ...FULL, customFields: [{ name: "attributes.attr2", type: "Number" }] });
    expect((await describeIndex()).indexStatus).toBe("REBUILDING");
    expect((await describeIndex()).schema).toBe("MULTI_INDEXING_MODE");
    expect((await h.iot.send(new SearchIndexCommand({ queryString: "thingName:abc" }))).things).toHaveLength(1);
    const cfg = await h.iot.send(new GetIndexingConfigurationCommand({}));
    expect(cfg.thingIndexingConfiguration?.customFields).toEqual([{ name: "attributes.attr2", type: "Number" }]);
    expect(cfg.thingIndexingConfiguration?.managedFields?.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "thingName",
        "thingId",
        "registry.version",
        "registry.thingTypeName",
        "registry.thingGroupNames",
        "shadow.hasDelta",
        "connectivity.connected",
        "connectivity.timestamp",
      ]),
    );
    expect(cfg.thingIndexingConfiguration?.filter?.namedShadowNames).toEqual(["config"]);
    await waitActive();
    await expectAwsError(
      h.iot.send(new GetStatisticsCommand({ queryString: "*", aggregationField: "attributes.myAttribute" })),
      InvalidAggregationException,
      400,
    );
  });

  it("indexes only the configured sources", async () => {
    await configure({ thingIndexingMode: "REGISTRY" });
    expect((await describeIndex()).schema).toBe("REGISTRY");
    const [doc] = await searchAll("thingName:thingmy");
    expect(doc.shadow).toBeUndefined();
    expect(doc.connectivity).toBeUndefined();
    expect(await names("shadow.hasDelta:true")).toEqual([]);
    expect(await names("connectivity.connected:*")).toEqual([]);
    await configure({ thingIndexingMode: "REGISTRY", thingConnectivityIndexingMode: "STATUS" });
    expect((await describeIndex()).schema).toBe("REGISTRY_AND_CONNECTIVITY_STATUS");
    expect(await names("connectivity.connected:true")).toEqual(["myThingName", "tvset"]);
    await configure({ thingIndexingMode: "REGISTRY_AND_SHADOW", thingConnectivityIndexingMode: "STATUS" });
    expect((await describeIndex()).schema).toBe("REGISTRY_AND_SHADOW_AND_CONNECTIVITY_STATUS");
    expect(await names("shadow.hasDelta:true")).toEqual(["thingmy"]);
    expect(await names("shadow.name.config.hasDelta:true")).toEqual([]);
  });

  it("drops the index when turned off", async () => {
    await configure({ thingIndexingMode: "OFF" });
    await expectAwsError(describeIndex(), ResourceNotFoundException, 404);
    expect((await h.iot.send(new ListIndicesCommand({}))).indexNames).toEqual(["AWS_ThingGroups"]);
    await configure({ thingIndexingMode: "REGISTRY" });
    expect((await describeIndex()).indexStatus).toBe("BUILDING");
    await waitActive();
  });

  it("survives a restart with the same data directory", async () => {
    await configure({ thingIndexingMode: "REGISTRY", customFields: [{ name: "attributes.attr2", type: "Number" }] });
    await waitActive();
    const { dataDir } = h;
    await h.emulator.close();
    const again = await startHarness(IoTClient, { dataDir });
    try {
      const cfg = await again.iot.send(new GetIndexingConfigurationCommand({}));
      expect(cfg.thingIndexingConfiguration?.customFields).toEqual([{ name: "attributes.attr2", type: "Number" }]);
      expect((await again.iot.send(new DescribeIndexCommand({ indexName: "AWS_Things" }))).indexStatus).toBe("ACTIVE");
      const out = await again.iot.send(new SearchIndexCommand({ queryString: "attributes.attr2<5" }));
      expect(out.things!.map((t) => t.thingName).sort()).toEqual(["abc", "myThingName"]);
    } finally {
      await again.stop();
      // The outer harness's emulator is closed already: remove its data and give afterAll a fresh one.
      h.iot.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      h = await startHarness(IoTClient);
      data.destroy();
      data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
    }
  });
});

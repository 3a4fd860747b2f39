import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import {
  IoTClient,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  GetThingConnectivityDataCommand,
  ListAttachedPoliciesCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  ListThingTypesCommand,
} from "@aws-sdk/client-iot";
import { startHarness, type Harness } from "../tests/emulator/harness";
import { seedFleet } from "./seed";
import { runAgents } from "./agents";
import { canConnect, planFleet } from "./plan";
import { POLICY_NAME, THING_TYPES } from "./catalog";
import { Rng } from "./rng";
import { readSeededThings } from "./marker";
import { GetThingShadowCommand, IoTDataPlaneClient, ListNamedShadowsForThingCommand } from "@aws-sdk/client-iot-data-plane";
import { CONFIG_SHADOW, CURRENT_BLOCKLIST_VERSION } from "./agent-state";

const SIZE = 40;
const ATTR_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;
let h: Harness<IoTClient>;
let simDir: string;
const quiet = () => undefined;

beforeAll(async () => {
  h = await startHarness(IoTClient);
  simDir = mkdtempSync(join(tmpdir(), "sim-test-"));
  await seedFleet({ ...h.clientConfig, dataDir: simDir, fleetSize: SIZE, seed: 7, log: quiet });
});
afterAll(async () => {
  await h.stop();
  rmSync(simDir, { recursive: true, force: true });
});

async function allThings(iot: IoTClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await iot.send(new ListThingsCommand({ maxResults: 250, nextToken }));
    names.push(...(out.things ?? []).map((t) => t.thingName!));
    nextToken = out.nextToken;
  } while (nextToken);
  return names;
}

describe("seeding", () => {
  it("creates the thing types with descriptions and searchable attributes", async () => {
    const out = await h.iot.send(new ListThingTypesCommand({}));
    const types = new Map((out.thingTypes ?? []).map((t) => [t.thingTypeName, t.thingTypeProperties]));
    for (const t of THING_TYPES) {
      expect(types.get(t.name)?.thingTypeDescription).toBe(t.description);
      expect(types.get(t.name)?.searchableAttributes).toEqual(t.searchableAttributes);
    }
  });

  it("puts every thing in exactly one leaf group 2-4 levels deep, with one certificate and the agent policy", async () => {
    const groups = [];
    let nextToken: string | undefined;
    do {
      const out = await h.iot.send(new ListThingGroupsCommand({ maxResults: 250, nextToken }));
      groups.push(...(out.thingGroups ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    const parents = new Set<string>();
    const depth = new Map<string, number>();
    for (const g of groups) {
      const d = await h.iot.send(new DescribeThingGroupCommand({ thingGroupName: g.groupName }));
      depth.set(g.groupName!, (d.thingGroupMetadata?.rootToParentThingGroups?.length ?? 0) + 1);
      if (d.thingGroupMetadata?.parentGroupName) parents.add(d.thingGroupMetadata.parentGroupName);
    }
    expect(Math.max(...depth.values())).toBe(4);

    const names = await allThings(h.iot);
    expect(names).toHaveLength(SIZE);
    const statuses = new Map<string, number>();
    for (const name of names) {
      const thing = await h.iot.send(new DescribeThingCommand({ thingName: name }));
      expect(THING_TYPES.map((t) => t.name)).toContain(thing.thingTypeName);
      const attrs = thing.attributes ?? {};
      expect(Object.keys(attrs).sort()).toEqual(["agentVersion", "customer", "os", "region", "site"]);
      for (const v of Object.values(attrs)) expect(v).toMatch(ATTR_VALUE);

      const inGroups = (await h.iot.send(new ListThingGroupsForThingCommand({ thingName: name }))).thingGroups ?? [];
      expect(inGroups).toHaveLength(1);
      const leaf = inGroups[0].groupName!;
      expect(parents.has(leaf)).toBe(false);
      expect(depth.get(leaf)).toBeGreaterThanOrEqual(2);

      const principals = (await h.iot.send(new ListThingPrincipalsCommand({ thingName: name }))).principals ?? [];
      expect(principals).toHaveLength(1);
      const policies = (await h.iot.send(new ListAttachedPoliciesCommand({ target: principals[0] }))).policies ?? [];
      expect(policies.map((p) => p.policyName)).toEqual([POLICY_NAME]);
      const cert = await h.iot.send(new DescribeCertificateCommand({ certificateId: principals[0].split("/").pop() }));
      const status = cert.certificateDescription!.status!;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(statuses.get("ACTIVE")).toBeGreaterThan(SIZE * 0.8);
  });

  it("gives every agent a classic shadow with the desired policy and its first report, and some a named config shadow", async () => {
    const data = new IoTDataPlaneClient({ ...h.clientConfig, maxAttempts: 1 });
    try {
      let named = 0;
      let lagging = 0;
      for (const name of await allThings(h.iot)) {
        const out = await data.send(new GetThingShadowCommand({ thingName: name }));
        const doc = JSON.parse(new TextDecoder().decode(out.payload));
        expect(doc.state.desired.blocklist.version).toBe(CURRENT_BLOCKLIST_VERSION);
        expect(doc.state.reported.agent.version).toMatch(/^\d+\.\d+\.\d+/);
        expect(typeof doc.state.reported.health.memoryMb).toBe("number");
        if (doc.state.delta?.blocklist) lagging++;
        const { results = [] } = await data.send(new ListNamedShadowsForThingCommand({ thingName: name }));
        expect(results.filter((n) => n !== CONFIG_SHADOW)).toEqual([]);
        named += results.length;
      }
      // Drift and named shadows are a share of the fleet, never all or nothing.
      expect(named).toBeGreaterThan(0);
      expect(named).toBeLessThan(SIZE);
      expect(lagging).toBeLessThan(SIZE);
    } finally {
      data.destroy();
    }
  });

  it("is idempotent, and adds only the missing things when the fleet grows", async () => {
    const before = await allThings(h.iot);
    const again = await seedFleet({ ...h.clientConfig, dataDir: simDir, fleetSize: SIZE, seed: 7, log: quiet });
    expect(again.added).toBe(0);
    expect(await allThings(h.iot)).toEqual(before);

    const grown = await seedFleet({ ...h.clientConfig, dataDir: simDir, fleetSize: SIZE + 5, seed: 7, log: quiet });
    expect(grown.added).toBe(5);
    const after = await allThings(h.iot);
    expect(after).toHaveLength(SIZE + 5);
    expect(after).toEqual(expect.arrayContaining(before));
  });
});

describe("agents", () => {
  it("connect, churn with both disconnect kinds, and leave offline things offline", async () => {
    const things = planFleet(7, SIZE + 5).things;
    expect(readSeededThings(simDir)?.map((t) => t.name)).toEqual(things.map((t) => t.name));
    const port = h.emulator.mqttPort;
    const observer = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: "test-observer", reconnectPeriod: 0 });
    const reasons: string[] = [];
    observer.on("message", (_t, p) => reasons.push(JSON.parse(p.toString()).disconnectReason));
    await observer.subscribeAsync("$aws/events/presence/disconnected/+", { qos: 1 });

    const agents = runAgents({
      mqttUrl: h.emulator.mqttUrl,
      seed: 7,
      fleetSize: SIZE + 5,
      things: readSeededThings(simDir),
      churnPercent: 60,
      connectRate: 1000,
      onlineMs: [200, 600],
      offlineMs: [100, 300],
      statusEveryMs: 0,
      log: quiet,
    });
    try {
      expect(await agents.allUp(10_000)).toBe(true);
      const steady = things.find((t) => canConnect(t) && !agentsFlaky(7, t.index, 60))!;
      const off = things.find((t) => !canConnect(t));
      const conn = await h.iot.send(new GetThingConnectivityDataCommand({ thingName: steady.name }));
      expect(conn.connected).toBe(true);
      if (off) {
        const c = await h.iot.send(new GetThingConnectivityDataCommand({ thingName: off.name }));
        expect(c).toMatchObject({ connected: false });
        expect(c.timestamp).toBeUndefined();
      }
      const deadline = Date.now() + 8000;
      while (!(reasons.includes("CLIENT_INITIATED_DISCONNECT") && reasons.includes("CONNECTION_LOST")) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(reasons).toContain("CLIENT_INITIATED_DISCONNECT");
      expect(reasons).toContain("CONNECTION_LOST");
    } finally {
      await agents.stop();
      await observer.endAsync();
    }
  });
});

/** The same draw runAgents makes: which agents are flaky. */
function agentsFlaky(seed: number, index: number, churnPercent: number): boolean {
  return Rng.for(seed, "agent", index).chance(churnPercent / 100);
}

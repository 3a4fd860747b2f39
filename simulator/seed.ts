import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DescribeEndpointCommand,
  DescribeThingTypeCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
  UpdateIndexingConfigurationCommand,
} from "@aws-sdk/client-iot";
import { POLICY_NAME, THING_TYPES } from "./catalog";
import { deviceCsr, loadOrCreateDeviceCa, vendorCertificate, type DeviceCa } from "./certs";
import { readMarker, readSeededThings, writeMarker, writeSeededThings, type SeededThing } from "./marker";
import { canConnect, planFleet, type FleetPlan, type ThingPlan } from "./plan";
import { agentPolicyDocument } from "./policy";
import { forEachLimit } from "./pool";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { agentShadowPlan, CONFIG_SHADOW } from "./agent-state";
import { FLEET_INDEXING_CONFIGURATION } from "./indexing";

export interface AwsTarget {
  /** The emulator's URL; omit for real AWS IoT (default endpoint and credential chain). */
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface SeedOptions extends AwsTarget {
  dataDir: string;
  fleetSize: number;
  /** Ignored when DATA_DIR was already seeded with another seed (the fleet is what it is). */
  seed?: number;
  /** Requests in flight. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  seed: number;
  fleetSize: number;
  /** Things added by this run (0 when the fleet was already seeded). */
  added: number;
  ms: number;
}

export function iotClient(target: AwsTarget): IoTClient {
  return new IoTClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    // Control-plane APIs are rate-limited per account: back off and slow down on ThrottlingException.
    retryMode: "adaptive",
    maxAttempts: 10,
  });
}

/**
 * Seeds the simulated fleet through the public IoT API only, so it works against the
 * emulator and a real account alike. Idempotent: a finished seeding is recorded in
 * DATA_DIR/simulator.json and only missing things are added when FLEET_SIZE grows.
 */
export async function seedFleet(opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const log = opts.log ?? ((line: string) => console.log(`[simulator] ${line}`));
  const marker = readMarker(opts.dataDir);
  const seed = marker?.seed ?? opts.seed ?? 1;
  if (marker && opts.seed !== undefined && opts.seed !== marker.seed) log(`DATA_DIR holds a fleet seeded with FLEET_SEED=${marker.seed}; keeping it`);
  const done = marker?.fleetSize ?? 0;
  const resuming = marker?.seeding !== undefined;
  if (done >= opts.fleetSize && !resuming) {
    log(`fleet already seeded (${done} things)`);
    return { seed, fleetSize: done, added: 0, ms: performance.now() - started };
  }

  writeMarker(opts.dataDir, { seed, fleetSize: done, seededAt: marker?.seededAt, seeding: { target: opts.fleetSize, startedAt: new Date().toISOString() } });
  const plan = planFleet(seed, Math.max(opts.fleetSize, done));
  const iot = iotClient(opts);
  const data = await dataClient(iot, opts);
  const concurrency = opts.concurrency ?? 16;
  try {
    // First seeding only: an indexing configuration changed later is the admin's to keep.
    if (done === 0) await enableFleetIndexing(iot);
    const accountId = await ensureThingTypes(iot);
    await ensurePolicy(iot, opts.region, accountId);
    await ensureGroups(iot, plan, concurrency);
    const ca = await loadOrCreateDeviceCa(opts.dataDir);

    const todo = plan.things.slice(done, opts.fleetSize);
    log(`${resuming ? "resuming seeding" : "seeding"} ${todo.length} things (${done} already there)`);
    const progress = progressLogger(todo.length, log);
    await forEachLimit(todo, concurrency, async (t) => {
      await seedThing(iot, t, ca, resuming);
      await seedShadows(data, seed, t);
      progress();
    });

    const fleetSize = Math.max(done, opts.fleetSize);
    const seeded = (readSeededThings(opts.dataDir) ?? plan.things.slice(0, done).map(seededThing)).slice(0, done);
    writeSeededThings(opts.dataDir, [...seeded, ...todo.map(seededThing)]);
    writeMarker(opts.dataDir, { seed, fleetSize, seededAt: new Date().toISOString() });
    const ms = performance.now() - started;
    log(`seeded ${todo.length} things in ${(ms / 1000).toFixed(1)} s; ${summary(todo)}`);
    return { seed, fleetSize, added: todo.length, ms };
  } finally {
    iot.destroy();
    data.destroy();
  }
}

function seededThing(t: ThingPlan): SeededThing {
  return { name: t.name, index: t.index, connects: canConnect(t) };
}

async function ensureThingTypes(iot: IoTClient): Promise<string> {
  let arn = "";
  for (const t of THING_TYPES) {
    const out = await ignoreExists(() =>
      iot.send(
        new CreateThingTypeCommand({
          thingTypeName: t.name,
          thingTypeProperties: { thingTypeDescription: t.description, searchableAttributes: t.searchableAttributes },
          tags: [{ Key: "managed-by", Value: "fleet-simulator" }],
        }),
      ),
    );
    arn ||= out?.thingTypeArn ?? (await iot.send(new DescribeThingTypeCommand({ thingTypeName: t.name }))).thingTypeArn ?? "";
  }
  // arn:aws:iot:<region>:<account>:thingtype/<name>: the account the policy is written for.
  return arn.split(":")[4] || "*";
}

async function ensurePolicy(iot: IoTClient, region: string, accountId: string): Promise<void> {
  await ignoreExists(() => iot.send(new CreatePolicyCommand({ policyName: POLICY_NAME, policyDocument: agentPolicyDocument(region, accountId) })));
}

/** Parents before children: one depth level at a time. */
async function ensureGroups(iot: IoTClient, plan: FleetPlan, concurrency: number): Promise<void> {
  const maxDepth = Math.max(...plan.groups.map((g) => g.depth));
  for (let depth = 1; depth <= maxDepth; depth++) {
    const level = plan.groups.filter((g) => g.depth === depth);
    await forEachLimit(level, concurrency, async (g) => {
      await ignoreExists(() =>
        iot.send(
          new CreateThingGroupCommand({
            thingGroupName: g.name,
            parentGroupName: g.parent,
            thingGroupProperties: { thingGroupDescription: g.description, attributePayload: { attributes: g.attributes } },
          }),
        ),
      );
    });
  }
}

export async function enableFleetIndexing(iot: IoTClient): Promise<void> {
  const c = FLEET_INDEXING_CONFIGURATION;
  await iot.send(
    new UpdateIndexingConfigurationCommand({
      thingIndexingConfiguration: {
        thingIndexingMode: c.thingIndexingMode,
        thingConnectivityIndexingMode: c.thingConnectivityIndexingMode,
        namedShadowIndexingMode: c.namedShadowIndexingMode,
        filter: { namedShadowNames: [...c.filter.namedShadowNames] },
        customFields: c.customFields.map((f) => ({ ...f })),
      },
    }),
  );
}

/** The device data plane: the emulator's own endpoint, or the account's ATS data endpoint on AWS. */
async function dataClient(iot: IoTClient, target: AwsTarget): Promise<IoTDataPlaneClient> {
  let endpoint = target.endpoint;
  if (!endpoint) {
    const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
    endpoint = `https://${endpointAddress}`;
  }
  return new IoTDataPlaneClient({
    region: target.region,
    endpoint,
    ...(target.credentials ? { credentials: target.credentials } : {}),
    retryMode: "adaptive",
    maxAttempts: 10,
  });
}

/**
 * The operators' desired state and the agent's first report at installation (agents
 * report again whenever they connect). Named `config` shadow for the agents that keep one.
 */
async function seedShadows(data: IoTDataPlaneClient, seed: number, t: ThingPlan): Promise<void> {
  const plan = agentShadowPlan(seed, t);
  const update = (shadowName: string | undefined, state: { desired: object; reported: object }) =>
    data.send(new UpdateThingShadowCommand({ thingName: t.name, shadowName, payload: new TextEncoder().encode(JSON.stringify({ state })) }));
  await update(undefined, { desired: plan.desired, reported: plan.reported });
  if (plan.config) await update(CONFIG_SHADOW, plan.config);
}

async function seedThing(iot: IoTClient, t: ThingPlan, ca: DeviceCa, resuming: boolean): Promise<void> {
  await ignoreExists(() => iot.send(new CreateThingCommand({ thingName: t.name, thingTypeName: t.type, attributePayload: { attributes: t.attributes } })));
  await iot.send(new AddThingToThingGroupCommand({ thingGroupName: t.group, thingName: t.name }));
  if (resuming) {
    // A cut-short run may have got this far already: do not give the thing a second certificate.
    const { principals = [] } = await iot.send(new ListThingPrincipalsCommand({ thingName: t.name }));
    if (principals.length > 0) {
      for (const p of principals) await iot.send(new AttachPolicyCommand({ policyName: POLICY_NAME, target: p }));
      return;
    }
  }
  const certificateArn = await issueCertificate(iot, t, ca);
  await iot.send(new AttachThingPrincipalCommand({ thingName: t.name, principal: certificateArn }));
  await iot.send(new AttachPolicyCommand({ policyName: POLICY_NAME, target: certificateArn }));
}

async function issueCertificate(iot: IoTClient, t: ThingPlan, ca: DeviceCa): Promise<string> {
  const active = t.cert.status === "ACTIVE";
  let certificateArn: string | undefined;
  let certificateId: string | undefined;
  if (t.cert.kind === "csr") {
    const out = await iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: await deviceCsr(t.name), setAsActive: active }));
    ({ certificateArn, certificateId } = out);
  } else {
    const register = async (plan = t.cert) =>
      iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: await vendorCertificate(ca, t.name, plan), status: active ? "ACTIVE" : "INACTIVE" }));
    let out;
    try {
      out = await register();
    } catch (err) {
      // Should an endpoint refuse expired certificates, the thing still gets a nearly expired one.
      if ((err as Error).name !== "CertificateValidationException" || t.cert.validity !== "expired") throw err;
      out = await register({ ...t.cert, validity: "expiring-soon" });
    }
    ({ certificateArn, certificateId } = out);
  }
  if (!certificateArn || !certificateId) throw new Error(`no certificate returned for ${t.name}`);
  if (t.cert.status === "REVOKED") await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: "REVOKED" }));
  return certificateArn;
}

async function ignoreExists<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if ((err as Error).name === "ResourceAlreadyExistsException") return undefined;
    throw err;
  }
}

function progressLogger(total: number, log: (line: string) => void): () => void {
  const started = performance.now();
  let count = 0;
  let lastLog = started;
  return () => {
    count++;
    const now = performance.now();
    if (now - lastLog >= 2000 && count < total) {
      lastLog = now;
      log(`seeded ${count}/${total} things (${Math.round((count * 1000) / (now - started))}/s)`);
    }
  };
}

function summary(things: ThingPlan[]): string {
  const n = (p: (t: ThingPlan) => boolean) => things.filter(p).length;
  const vendor = n((t) => t.cert.kind === "vendor");
  return (
    `${things.length - vendor} AWS-signed and ${vendor} vendor certificates ` +
    `(${n((t) => t.cert.validity === "expiring-soon")} expiring within 30 days, ${n((t) => t.cert.validity === "expired")} expired), ` +
    `${n((t) => t.cert.status === "INACTIVE")} inactive, ${n((t) => t.cert.status === "REVOKED")} revoked`
  );
}

import "reflect-metadata";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { EmulatorConfig } from "./config";
import { Store } from "./store/store";
import { BlobStore } from "./store/blobs";
import { tightenTree } from "../lib/fs/private-files";
import { createHttpServer, type ServiceBinding } from "./server/http";
import { FaultInjector } from "./server/faults";
import { OperationMetrics } from "./server/metrics";
import { MAX_REGIONS, Regions } from "./server/regions";
import { CLOCK_META_KEY, EmulatorClock } from "./clock";
import { adminRoutes } from "./server/admin";
import { startBroker, type Broker } from "./mqtt/broker";
import type { ConnectivityTracker } from "./mqtt/connectivity";
import { EmulatorCa } from "./certs/ca";
import type { EmulatorService, ServiceRegion } from "./service";
import { SERVICES } from "./services/registry";

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:4566 */
  endpoint: string;
  /** e.g. mqtt://127.0.0.1:1883 */
  mqttUrl: string;
  httpPort: number;
  mqttPort: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Services beyond the registry's (tests of the seam). */
  extraServices?: EmulatorService[];
  /** One line per AWS request (EMULATOR_LOG_REQUESTS=1 in main.ts). */
  logRequests?: boolean;
}

/** Starts the whole emulator: store, per-region services, HTTP endpoint (AWS wire protocol) and MQTT broker. */
export async function startEmulator(config: EmulatorConfig, opts: StartOptions = {}): Promise<RunningEmulator> {
  // DATA_DIR holds the CA's private key, device keys, password hashes: owner-only, and
  // a directory made by an earlier version is fixed here.
  if (config.dataDir !== ":memory:") tightenTree(config.dataDir);
  const store = new Store(config.dataDir === ":memory:" ? ":memory:" : join(config.dataDir, "emulator.sqlite"));
  const services = [...SERVICES, ...(opts.extraServices ?? [])];
  const base: EmulatorConfig = { ...config };
  // One CA for the account, kept in the store's own (unprefixed) metadata: devices trust
  // one emulator-ca.pem whatever region registered them, as every AWS region's device
  // certificates chain to the same Amazon roots; the emulator serves one account.
  // A failed load (a damaged key in the store) is forgotten, so the next call tries again.
  let ca: Promise<EmulatorCa> | undefined;
  const loadCa = () =>
    (ca ??= EmulatorCa.loadOrCreate(store, config.dataDir).catch((err: unknown) => {
      ca = undefined;
      throw err;
    }));
  // Object bodies (S3): opened only when a service asks for them.
  let blobs: BlobStore | undefined;
  const openBlobs = () => (blobs ??= config.dataDir === ":memory:" ? BlobStore.temporary() : new BlobStore(config.dataDir));
  // One clock for every region, its offset kept in the store so a restart does not rewind it.
  const clock = new EmulatorClock({ load: () => store.getMeta(CLOCK_META_KEY), save: (v) => store.setMeta(CLOCK_META_KEY, v) });
  const regions = new Regions(store, services, base, { ca: loadCa, blobs: openBlobs }, MAX_REGIONS, clock);
  const home = regions.start();

  // The broker serves the home region: its connectivity, shadow topics and principals.
  const hooked = services.filter((s) => s.broker).map((s) => ({ s, r: home.services.get(s.name)! }));
  const connectivity = hooked.map(({ s, r }) => s.broker!.connectivity?.(r)).find((c): c is ConnectivityTracker => c !== undefined);
  if (!connectivity) throw new Error("no service provides the broker's connectivity");
  const broker: Broker = await startBroker({
    host: config.host,
    port: config.mqttPort,
    connectivity,
    principalOf: (clientId) => hooked.map(({ s, r }) => s.broker!.principalOf?.(r, clientId)).find((p) => p !== undefined),
    brokerOnlyTopic: (topic) => hooked.some(({ s }) => s.broker!.brokerOnlyTopic?.(topic) === true),
  });
  for (const { s, r } of hooked) await s.broker!.attach?.(r, broker);
  regions.setPorts({ mqttPort: broker.port });

  const faults = new FaultInjector();
  const requestCounts = new Map<string, number>();
  const metrics = new OperationMetrics();
  const bindings: ServiceBinding[] = services.map((s) => ({
    name: s.name,
    signingNames: s.signingNames,
    protocol: s.protocol,
    errors: s.errors,
    maxBodyBytes: s.maxBodyBytes,
    // Every region has the same routes: the home region's match the operation before a
    // request may build (and so use up) a region.
    routes: (home.services.get(s.name) as ServiceRegion).router,
    router: (region) => (regions.get(region).services.get(s.name) as ServiceRegion).router,
  }));
  const server = createHttpServer({
    services: bindings,
    faults,
    admin: adminRoutes({ faults, requestCounts, metrics, store, clock, regions: () => regions.list().map((r) => r.region) }),
    region: config.region,
    requestCounts,
    metrics,
    log: opts.logRequests ? (line) => console.log(line) : undefined,
    store,
    callers: { allowedOrigins: config.allowedOrigins ?? [], allowedHosts: config.allowedHosts ?? [], ownHost: config.host },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.httpPort, config.host, () => resolve());
  });
  const httpPort = (server.address() as AddressInfo).port;
  regions.setPorts({ httpPort });

  return {
    endpoint: `http://${config.host}:${httpPort}`,
    mqttUrl: `mqtt://${config.host}:${broker.port}`,
    httpPort,
    mqttPort: broker.port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await broker.close();
      store.close();
      blobs?.close();
    },
  };
}

import "reflect-metadata";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { EmulatorConfig } from "./config";
import { Store } from "./store/store";
import { tightenTree } from "../lib/fs/private-files";
import { Router } from "./server/router";
import { createHttpServer } from "./server/http";
import { FaultInjector, type Fault } from "./server/faults";
import { ConnectivityTracker } from "./mqtt/connectivity";
import { startBroker, type Broker } from "./mqtt/broker";
import { createIotService } from "./services/iot";
import { createIotDataService, isBrokerOnlyShadowTopic } from "./services/iotdata";
import { registerFleetIndexing } from "./services/iot/indexing";

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:4566 */
  endpoint: string;
  /** e.g. mqtt://127.0.0.1:1883 */
  mqttUrl: string;
  httpPort: number;
  mqttPort: number;
  close(): Promise<void>;
}

/** Starts the whole emulator: store, HTTP endpoint (AWS wire protocol) and MQTT broker. */
export async function startEmulator(config: EmulatorConfig): Promise<RunningEmulator> {
  // DATA_DIR holds the CA's private key, device keys, password hashes: owner-only, and
  // a directory made by an earlier version is fixed here.
  if (config.dataDir !== ":memory:") tightenTree(config.dataDir);
  const store = new Store(config.dataDir === ":memory:" ? ":memory:" : join(config.dataDir, "emulator.sqlite"));
  const connectivity = new ConnectivityTracker(store);
  const faults = new FaultInjector();

  const deps = { config: { ...config }, store, connectivity };
  const iot = createIotService(deps);
  // Device shadows and Publish; `iotData.shadows` is the ShadowReader the fleet index follows.
  const iotData = createIotDataService(deps);
  // Fleet indexing (SearchIndex, aggregations, dynamic thing groups) over registry, shadows and connectivity.
  registerFleetIndexing({ router: iot.router, registry: iot.registry, store, connectivity, shadows: iotData.shadows });

  const broker: Broker = await startBroker({
    host: config.host,
    port: config.mqttPort,
    connectivity,
    // AWS reports the certificate id of the connecting client as its principal.
    principalOf: (clientId) => iot.registry.things.get(clientId)?.principals?.[0]?.principal.split("cert/")[1],
    // A shadow's response topics (update/accepted, ...) are Subscribe-only for clients.
    brokerOnlyTopic: isBrokerOnlyShadowTopic,
  });
  // Publish, and the shadow topics ($aws/things/{thing}/shadow/...) answered from the shadow store.
  await iotData.attachBroker(broker);
  const mqttPort = broker.port;
  deps.config.mqttPort = mqttPort;
  const requestCounts = new Map<string, number>();
  const admin = adminRoutes(faults, requestCounts, store);
  const server = createHttpServer({
    services: [
      { names: ["iot", "execute-api"], errorTable: "iot", router: iot.router },
      { names: ["iotdata", "iotdevicegateway"], errorTable: "iotdata", router: iotData.router },
    ],
    faults,
    admin,
    region: config.region,
    requestCounts,
    store,
    callers: { allowedOrigins: config.allowedOrigins ?? [], allowedHosts: config.allowedHosts ?? [], ownHost: config.host },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.httpPort, config.host, () => resolve());
  });
  const httpPort = (server.address() as AddressInfo).port;
  deps.config.httpPort = httpPort;

  return {
    endpoint: `http://${config.host}:${httpPort}`,
    mqttUrl: `mqtt://${config.host}:${mqttPort}`,
    httpPort,
    mqttPort,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await broker.close();
      store.close();
    },
  };
}

function adminRoutes(faults: FaultInjector, requestCounts: Map<string, number>, store: Store): Router {
  const admin = new Router();
  admin.add("Health", "GET", "/_emulator/health", () => ({ body: { status: "ok" } }));
  // How many AWS requests each operation answered since start (or the last reset): lets a
  // benchmark prove what the console sends, e.g. one SearchIndex per cache period.
  admin.add("ListRequestCounts", "GET", "/_emulator/requests", () => ({ body: { counts: Object.fromEntries(requestCounts) } }));
  admin.add("ResetRequestCounts", "DELETE", "/_emulator/requests", () => {
    requestCounts.clear();
    return { status: 204, raw: "" };
  });
  admin.add("ListFaults", "GET", "/_emulator/faults", () => ({ body: { faults: faults.list() } }));
  admin.add("AddFault", "POST", "/_emulator/faults", (ctx) => {
    let f: Partial<Fault>;
    try {
      f = JSON.parse(ctx.rawBody.toString("utf8") || "{}") as Partial<Fault>;
    } catch {
      return { status: 400, body: { message: "the body must be a JSON object" } };
    }
    if (typeof f !== "object" || f === null || typeof f.service !== "string" || typeof f.code !== "string") {
      return { status: 400, body: { message: "service and code are required strings" } };
    }
    const wrong = (["method", "pathPrefix", "message"] as const).find((k) => f[k] !== undefined && typeof f[k] !== "string")
      ?? (["status", "remaining"] as const).find((k) => f[k] !== undefined && !Number.isInteger(f[k]));
    if (wrong) return { status: 400, body: { message: `${wrong} has the wrong type` } };
    faults.add({ service: f.service, code: f.code, method: f.method, pathPrefix: f.pathPrefix, message: f.message, status: f.status, remaining: f.remaining ?? 1 });
    return { status: 201, body: {} };
  });
  admin.add("ClearFaults", "DELETE", "/_emulator/faults", () => {
    faults.clear();
    return { status: 204, raw: "" };
  });
  // A full disk, for tests and demos: the store file may not grow (SQLite answers
  // SQLITE_FULL) until DELETE. Writes then fail with 503 and are kept for a retry.
  admin.add("FillStore", "POST", "/_emulator/store/full", () => {
    store.limitPages(0);
    return { status: 204, raw: "" };
  });
  admin.add("FreeStore", "DELETE", "/_emulator/store/full", () => {
    store.limitPages(null);
    return { status: 204, raw: "" };
  });
  admin.add("DescribeStore", "GET", "/_emulator/store", () => ({ body: { pendingChanges: store.pendingCount, failure: store.failure?.message ?? null } }));
  return admin;
}

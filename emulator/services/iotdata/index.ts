import { Router } from "../../server/router";
import { restJson1 } from "../../server/protocol";
import type { EmulatorService, ServiceRegion } from "../../service";
import type { RecordStore } from "../../store/store";
import type { Broker } from "../../mqtt/broker";
import { SHADOW_KINDS, ShadowStore } from "./shadow-store";
import { registerShadowRoutes } from "./shadow-routes";
import { registerPublishRoute, type Publisher } from "./publish-route";
import { isBrokerOnlyShadowTopic, startShadowTopics } from "./shadow-mqtt";

export type { ShadowStore, UpdateResult } from "./shadow-store";
export type { ShadowReader, ShadowChange, StoredShadow } from "./shadow-types";
export { isBrokerOnlyShadowTopic } from "./shadow-mqtt";

export interface IotDataDeps {
  store: RecordStore;
  /** Why Publish cannot reach a broker until one is attached (another region's: the broker serves one). */
  noBroker?: string;
}

export interface IotDataService extends ServiceRegion {
  router: Router;
  /** The shadows, for the fleet index (ShadowReader) and the MQTT shadow topics (update/delete). */
  shadows: ShadowStore;
  /**
   * Connects Publish and the shadow MQTT topics to the broker, which starts after the HTTP
   * services are built. Resolves once the shadow request topics are subscribed.
   */
  attachBroker(broker: Pick<Broker, "publish" | "subscribe">): Promise<void>;
}

export type IotDataRegion = IotDataService;

/**
 * The `iotdata` data plane (signing name `iotdata`; `iotdevicegateway` for hand-signed
 * requests): device shadows over REST, and Publish.
 */
export function createIotDataService(deps: IotDataDeps): IotDataService {
  const router = new Router();
  const shadows = new ShadowStore(deps.store);
  let publisher: Publisher | undefined;
  registerShadowRoutes(router, shadows);
  registerPublishRoute(router, () => publisher, deps.noBroker);
  return {
    router,
    shadows,
    async attachBroker(broker) {
      publisher = (topic, payload, opts) => broker.publish(topic, payload, opts);
      await startShadowTopics(shadows, broker);
    },
  };
}

export const iotDataService: EmulatorService<IotDataRegion> = {
  name: "iotdata",
  signingNames: ["iotdata", "iotdevicegateway"],
  protocol: restJson1,
  errors: {
    ThrottlingException: 429,
    RequestEntityTooLargeException: 413,
    MethodNotAllowedException: 405,
    UnsupportedDocumentEncodingException: 415,
    ForbiddenException: 403,
  },
  kinds: [SHADOW_KINDS.shadow, SHADOW_KINDS.tombstone].map((kind) => ({ kind, version: 0 })),
  createRegion: (ctx) =>
    createIotDataService({
      store: ctx.store,
      noBroker: ctx.region === ctx.home ? undefined : `The emulator's MQTT broker serves the region ${ctx.home} only`,
    }),
  broker: {
    // A shadow's response topics (update/accepted, ...) are Subscribe-only for clients.
    brokerOnlyTopic: isBrokerOnlyShadowTopic,
    // Publish, and the shadow topics ($aws/things/{thing}/shadow/...) answered from the shadow store.
    attach: (r, broker) => r.attachBroker(broker),
  },
};

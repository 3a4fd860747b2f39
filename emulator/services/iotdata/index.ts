import { Router } from "../../server/router";
import type { Store } from "../../store/store";
import type { Broker } from "../../mqtt/broker";
import { ShadowStore } from "./shadow-store";
import { registerShadowRoutes } from "./shadow-routes";
import { registerPublishRoute, type Publisher } from "./publish-route";
import { startShadowTopics } from "./shadow-mqtt";

export type { ShadowStore, UpdateResult } from "./shadow-store";
export type { ShadowReader, ShadowChange, StoredShadow } from "./shadow-types";
export { isBrokerOnlyShadowTopic } from "./shadow-mqtt";

export interface IotDataDeps {
  store: Store;
}

export interface IotDataService {
  router: Router;
  /** The shadows, for the fleet index (ShadowReader) and the MQTT shadow topics (update/delete). */
  shadows: ShadowStore;
  /**
   * Connects Publish and the shadow MQTT topics to the broker, which starts after the HTTP
   * services are built. Resolves once the shadow request topics are subscribed.
   */
  attachBroker(broker: Pick<Broker, "publish" | "subscribe">): Promise<void>;
}

/**
 * The `iotdata` data plane (signing name `iotdata`; `iotdevicegateway` for hand-signed
 * requests): device shadows over REST, and Publish.
 */
export function createIotDataService(deps: IotDataDeps): IotDataService {
  const router = new Router();
  const shadows = new ShadowStore(deps.store);
  let publisher: Publisher | undefined;
  registerShadowRoutes(router, shadows);
  registerPublishRoute(router, () => publisher);
  return {
    router,
    shadows,
    async attachBroker(broker) {
      publisher = (topic, payload, opts) => broker.publish(topic, payload, opts);
      await startShadowTopics(shadows, broker);
    },
  };
}

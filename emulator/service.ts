import type { EmulatorConfig } from "./config";
import type { RecordStore, KindDefinition } from "./store/store";
import type { Router } from "./server/router";
import type { ErrorTable } from "./server/errors";
import type { Protocol } from "./server/protocol";
import type { Broker } from "./mqtt/broker";
import type { ConnectivityTracker } from "./mqtt/connectivity";
import type { EmulatorCa } from "./certs/ca";
import type { BlobStore } from "./store/blobs";
import type { EmulatorClock } from "./clock";

/**
 * One AWS service (or API family) of the emulator: everything the dispatcher, the store
 * and the broker need to serve it, so adding a service is writing one of these and
 * listing it in services/registry.ts. State is per (account, region): `createRegion`
 * builds one region's state and router from that region's store view.
 */
export interface EmulatorService<R extends ServiceRegion = ServiceRegion> {
  /** The name in request counts, metrics and faults (`iot`). */
  name: string;
  /** SigV4 signing names that reach it: the first is the service's own, the rest aliases. */
  signingNames: string[];
  protocol: Protocol;
  /** exception → HTTP status, beyond the common ones (server/errors.ts). */
  errors: ErrorTable;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** The store kinds it owns in each region's view, with their schema versions. */
  kinds: KindDefinition[];
  /** Other services of the same region it is built from (built first; see `RegionContext.use`). */
  uses?: string[];
  createRegion(ctx: RegionContext): R;
  /** For the home region only: the MQTT broker serves one region. */
  broker?: BrokerHooks<R>;
}

export interface ServiceRegion {
  router: Router;
}

export interface RegionContext {
  account: string;
  region: string;
  /** The configured region, the one the MQTT broker serves. */
  home: string;
  /** A copy of the emulator's configuration with `region` set to this region. */
  config: EmulatorConfig;
  /** The store seen through `${account}/${region}/`. */
  store: RecordStore;
  /** The region's instance of a service named in `uses`. */
  use<T extends ServiceRegion>(name: string): T;
  /** Per-account resources, shared by every region. */
  shared: AccountResources;
  /** The emulator's clock (wall time plus what tests advanced): timeouts, schedules, rollouts. */
  clock: EmulatorClock;
}

export interface AccountResources {
  /** The emulator CA, created (or loaded) on first use. */
  ca(): Promise<EmulatorCa>;
  /** The blob area (object bodies, ADR 0007), opened on first use and closed with the emulator. */
  blobs(): BlobStore;
}

export interface BrokerHooks<R> {
  /** The connectivity the broker records sessions in (one service provides it). */
  connectivity?(region: R): ConnectivityTracker;
  /** The principal reported for a client id in lifecycle events. */
  principalOf?(region: R, clientId: string): string | undefined;
  /** Topics clients may only subscribe to (the service's response topics). */
  brokerOnlyTopic?(topic: string): boolean;
  /** Connects the service to the running broker (topics it answers, publishing). */
  attach?(region: R, broker: Pick<Broker, "publish" | "subscribe">): Promise<void>;
}

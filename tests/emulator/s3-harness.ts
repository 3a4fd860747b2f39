import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createHttpServer } from "../../emulator/server/http";
import { FaultInjector } from "../../emulator/server/faults";
import { Regions } from "../../emulator/server/regions";
import { Router } from "../../emulator/server/router";
import { Store } from "../../emulator/store/store";
import { BlobStore } from "../../emulator/store/blobs";
import { s3Service, type S3Region } from "../../emulator/services/s3";
import { EmulatorClock } from "../../emulator/clock";

/**
 * The S3 service alone behind the real HTTP endpoint (the dispatcher, its commit gate),
 * with its region object at hand: for what no SDK call reaches (`S3Objects`, the
 * emulator's own presigning key in the store's metadata). Pass the `store` and `blobs` of
 * a stopped one to start again on the same state (a restart); `clock` to move time.
 */
export interface S3Alone {
  endpoint: string;
  region: S3Region;
  store: Store;
  blobs: BlobStore;
  clock: EmulatorClock;
  /** Stops the server; the store and blob area are closed too unless they were passed in. */
  stop(): Promise<void>;
}

export interface S3AloneOptions {
  region?: string;
  store?: Store;
  blobs?: BlobStore;
  clock?: EmulatorClock;
}

export async function startS3Alone(opts: S3AloneOptions = {}): Promise<S3Alone> {
  const region = opts.region ?? "us-east-1";
  const store = opts.store ?? new Store(":memory:");
  const blobs = opts.blobs ?? BlobStore.temporary();
  const clock = opts.clock ?? new EmulatorClock();
  const config = { host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir: ":memory:", region, accountId: "000000000000" };
  const shared = { ca: () => Promise.reject(new Error("no CA here")), blobs: () => blobs };
  const regions = new Regions(store, [s3Service], config, shared, undefined, clock);
  const home = regions.start();
  const routerOf = (r: string) => (regions.get(r).services.get("s3") as S3Region).router;
  const server: Server = createHttpServer({
    services: [{ ...s3Service, routes: routerOf(region), router: routerOf }],
    faults: new FaultInjector(),
    admin: new Router(),
    region,
    store,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  regions.setPorts({ httpPort: port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: home.services.get("s3") as S3Region,
    store,
    blobs,
    clock,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.committed();
      if (!opts.store) store.close();
      if (!opts.blobs) blobs.close();
    },
  };
}

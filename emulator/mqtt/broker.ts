import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import type { ConnectivityTracker } from "./connectivity";

export interface Broker {
  port: number;
  close(): Promise<void>;
}

/** PLACEHOLDER until the aedes broker lands: listens so the emulator can start. */
export async function startBroker(opts: { host: string; port: number; connectivity: ConnectivityTracker }): Promise<Broker> {
  const server: Server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(opts.port, opts.host, () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

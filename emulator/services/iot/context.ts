import type { EmulatorConfig } from "../../config";
import type { Store } from "../../store/store";
import type { ConnectivityTracker } from "../../mqtt/connectivity";

/** What the `iot` control-plane service is built from. */
export interface IotDeps {
  config: EmulatorConfig;
  store: Store;
  connectivity: ConnectivityTracker;
}

export function arn(config: EmulatorConfig, resource: string): string {
  return `arn:aws:iot:${config.region}:${config.accountId}:${resource}`;
}

/** restJson1 timestamps in a JSON body are epoch seconds (may be fractional). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

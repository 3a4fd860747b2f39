import type { EmulatorConfig } from "../../config";
import type { RecordStore } from "../../store/store";
import type { ConnectivityTracker } from "../../mqtt/connectivity";
import type { EmulatorCa } from "../../certs/ca";

/** What the `iot` control-plane service is built from, for one (account, region). */
export interface IotDeps {
  /** The region's copy of the configuration: `region` is this region. */
  config: EmulatorConfig;
  /** The region's store view. */
  store: RecordStore;
  connectivity: ConnectivityTracker;
  /** The account's CA (one for every region; made on first use in emulator.ts). */
  ca: () => Promise<EmulatorCa>;
}

/** The ARN partition of a region (`aws-cn` for China, `aws-us-gov` for GovCloud). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  return "aws";
}

export function arn(config: EmulatorConfig, resource: string): string {
  return `arn:${partitionOf(config.region)}:iot:${config.region}:${config.accountId}:${resource}`;
}

/** restJson1 timestamps in a JSON body are epoch seconds (may be fractional). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

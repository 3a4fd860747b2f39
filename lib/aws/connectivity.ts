import "server-only";
import { GetThingConnectivityDataCommand } from "@aws-sdk/client-iot";
import type { Connectivity, ConnectivityResult } from "@/lib/things/types";
import { readIot } from "./client";
import { toAppError } from "./errors";

/**
 * GetThingConnectivityData is one call per thing. It spends the registry budget, whose
 * bound on calls in flight is shared by the whole process, so several open tables cannot
 * multiply the request rate against AWS; identical reads in flight share one call.
 */

export async function getConnectivity(thingName: string): Promise<Connectivity> {
  const out = await readIot({ operation: "GetThingConnectivityData", budget: "registry", key: { thingName } }, (c) =>
    c.send(new GetThingConnectivityDataCommand({ thingName })),
  );
  const at = out.timestamp instanceof Date ? out.timestamp.getTime() : null;
  return {
    thingName,
    connected: Boolean(out.connected),
    changedAtMs: at !== null && Number.isFinite(at) ? at : null,
    disconnectReason: out.connected ? null : (out.disconnectReason ?? null),
  };
}

/** Connectivity of several things; one failing thing does not fail the batch. */
export async function getConnectivityBatch(thingNames: readonly string[]): Promise<Record<string, ConnectivityResult>> {
  const settled = await Promise.allSettled(thingNames.map((n) => getConnectivity(n)));
  const results: Record<string, ConnectivityResult> = {};
  settled.forEach((s, i) => {
    results[thingNames[i]] =
      s.status === "fulfilled" ? { ok: true, data: s.value } : { ok: false, error: toAppError(s.reason, { operation: "GetThingConnectivityData" }).toData() };
  });
  return results;
}

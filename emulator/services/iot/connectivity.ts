import type { Router } from "../../server/router";
import type { IotDeps } from "./context";
import { notFound } from "../../server/errors";

/**
 * GetThingConnectivityData: `POST /things/{thingName}/connectivity-data`. Connectivity is
 * tracked per MQTT client id, which for a thing is its name. A thing that never connected
 * reports `connected: false` with no timestamp or reason, as AWS does.
 */
export function registerConnectivityRoutes(router: Router, deps: IotDeps, thingExists?: (name: string) => boolean): void {
  router.add("GetThingConnectivityData", "POST", "/things/{thingName}/connectivity-data", (ctx) => {
    const name = ctx.params.thingName;
    if (thingExists && !thingExists(name)) throw notFound(`Thing ${name} cannot be found.`);
    const rec = deps.connectivity.get(name);
    if (!rec) return { body: { thingName: name, connected: false } };
    return {
      body: {
        thingName: name,
        connected: rec.connected,
        timestamp: rec.timestampMs / 1000,
        ...(rec.connected ? {} : { disconnectReason: rec.disconnectReason }),
      },
    };
  });
}

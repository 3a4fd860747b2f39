import { Router } from "../../server/router";
import type { IotDeps } from "./context";
import { registerEndpointRoutes } from "./endpoint";
import { registerConnectivityRoutes } from "./connectivity";
import { IotState } from "./state";
import { registerThingRoutes } from "./things";
import { registerThingTypeRoutes } from "./thing-types";
import { registerThingGroupRoutes } from "./thing-groups";
import { registerCertificateRoutes } from "./certificates";
import { registerPolicyRoutes } from "./policies";
import { registerPrincipalRoutes } from "./principals";

export type { IotState } from "./state";

/**
 * The `iot` control plane: registry (things, thing types, static thing groups),
 * certificates, policies, principals, connectivity. `registry` is the shared in-memory
 * state, for other parts of the emulator that need to read it (broker, indexing, jobs).
 */
export function createIotService(deps: IotDeps): { router: Router; registry: IotState } {
  const router = new Router();
  const registry = new IotState(deps);
  registerEndpointRoutes(router, deps);
  registerConnectivityRoutes(router, deps, (name) => registry.things.has(name));
  registerThingRoutes(router, registry);
  registerThingTypeRoutes(router, registry);
  registerThingGroupRoutes(router, registry);
  registerCertificateRoutes(router, registry);
  registerPolicyRoutes(router, registry);
  registerPrincipalRoutes(router, registry);
  return { router, registry };
}

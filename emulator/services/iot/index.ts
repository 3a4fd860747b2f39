import { Router } from "../../server/router";
import type { IotDeps } from "./context";
import { registerEndpointRoutes } from "./endpoint";
import { registerConnectivityRoutes } from "./connectivity";

/** The `iot` control plane: registry, groups, certificates, policies, connectivity. */
export function createIotService(deps: IotDeps): { router: Router } {
  const router = new Router();
  registerEndpointRoutes(router, deps);
  registerConnectivityRoutes(router, deps);
  return { router };
}

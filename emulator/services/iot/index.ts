import { Router } from "../../server/router";
import { restJson1 } from "../../server/protocol";
import type { EmulatorService, ServiceRegion } from "../../service";
import { CONNECTIVITY_KIND, ConnectivityTracker } from "../../mqtt/connectivity";
import type { IotDeps } from "./context";
import { registerEndpointRoutes } from "./endpoint";
import { registerConnectivityRoutes } from "./connectivity";
import { IotState, REGISTRY_KINDS } from "./state";
import { registerThingRoutes } from "./things";
import { registerThingTypeRoutes } from "./thing-types";
import { registerThingGroupRoutes } from "./thing-groups";
import { registerBillingGroupRoutes } from "./billing-groups";
import { registerCertificateRoutes } from "./certificates";
import { registerPolicyRoutes } from "./policies";
import { registerPrincipalRoutes } from "./principals";
import { registerPrincipalPolicyRoutes } from "./principal-policies";
import { CONFIG_KIND, registerFleetIndexing, type FleetIndexing } from "./indexing";
import type { IotDataRegion } from "../iotdata";
import type { S3Region } from "../s3";
import { JOBS_KINDS, registerJobs, type IotJobs } from "../jobs";

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
  registerBillingGroupRoutes(router, registry);
  registerCertificateRoutes(router, registry);
  registerPolicyRoutes(router, registry);
  registerPrincipalRoutes(router, registry);
  registerPrincipalPolicyRoutes(router, registry);
  return { router, registry };
}

export interface IotRegion extends ServiceRegion {
  registry: IotState;
  connectivity: ConnectivityTracker;
  indexing: FleetIndexing;
  /** The Jobs engine: `JobsDataPlane` for iot-jobs-data, plus the engine itself. */
  jobs: IotJobs;
}

/** The `iot` service of the emulator: the registry, and fleet indexing over registry, shadows and connectivity. */
export const iotService: EmulatorService<IotRegion> = {
  name: "iot",
  // `execute-api`: what hand-signed requests (awscurl's default) carry.
  signingNames: ["iot", "execute-api"],
  protocol: restJson1,
  errors: {
    ResourceAlreadyExistsException: 409,
    VersionConflictException: 409,
    InvalidStateTransitionException: 409,
    ThrottlingException: 400,
    LimitExceededException: 410,
    CertificateStateException: 406,
    CertificateValidationException: 400,
    DeleteConflictException: 409,
    VersionsLimitExceededException: 409,
    InvalidQueryException: 400,
    IndexNotReadyException: 400,
    InvalidAggregationException: 400,
    ResourceRegistrationFailureException: 400,
    MalformedPolicyException: 400,
    ConflictingResourceUpdateException: 409,
    TransferAlreadyCompletedException: 410,
  },
  kinds: [...REGISTRY_KINDS, CONFIG_KIND, CONNECTIVITY_KIND, ...JOBS_KINDS].map((kind) => ({ kind, version: 0 })),
  uses: ["iotdata", "s3"],
  createRegion(ctx) {
    const connectivity = new ConnectivityTracker(ctx.store);
    const { router, registry } = createIotService({ config: ctx.config, store: ctx.store, connectivity, ca: ctx.shared.ca });
    const shadows = ctx.use<IotDataRegion>("iotdata").shadows;
    const indexing = registerFleetIndexing({ router, registry, store: ctx.store, connectivity, shadows });
    const s3 = ctx.use<S3Region>("s3");
    const jobs = registerJobs({ router, registry, store: ctx.store, clock: ctx.clock, config: ctx.config, objects: () => s3?.objects });
    return { router, registry, connectivity, indexing, jobs };
  },
  broker: {
    connectivity: (r) => r.connectivity,
    // AWS reports the certificate id of the connecting client as its principal.
    principalOf: (r, clientId) => r.registry.things.get(clientId)?.principals?.[0]?.principal.split("cert/")[1],
  },
};

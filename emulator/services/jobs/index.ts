import type { Router } from "../../server/router";
import type { EmulatorConfig } from "../../config";
import type { EmulatorClock } from "../../clock";
import type { RecordStore } from "../../store/store";
import type { IotState } from "../iot/state";
import type { S3Objects } from "../s3/api";
import type { JobsDataPlane } from "./data-plane-api";
import { EngineDataPlane } from "./data-plane";
import { JobsEngine } from "./engine";
import { JobsControlPlane } from "./model";
import { JOB_KINDS } from "./records";
import { registerJobRoutes } from "./routes";
import { registerJobTemplateRoutes } from "./template-routes";

export { JOB_KINDS } from "./records";

/** The store kinds the Jobs engine writes (the iot service declares them). */
export const JOBS_KINDS: readonly string[] = Object.values(JOB_KINDS);

export interface JobsDeps {
  router: Router;
  registry: IotState;
  store: RecordStore;
  clock: EmulatorClock;
  config: EmulatorConfig;
  /** The region's S3 objects (documentSource, presigned URLs), when the s3 service is there. */
  objects: () => S3Objects | undefined;
}

/** What the iot region exposes of Jobs: the data plane for iot-jobs-data, and the engine for tools and tests. */
export interface IotJobs extends JobsDataPlane {
  engine: JobsEngine;
  controlPlane: JobsControlPlane;
}

/** Builds the Jobs engine of one region and registers the control-plane routes on the iot router. */
export function registerJobs(deps: JobsDeps): IotJobs {
  const engine = new JobsEngine({ store: deps.store, clock: deps.clock, registry: deps.registry });
  const controlPlane = new JobsControlPlane(engine, deps.config, deps.objects, deps.store);
  registerJobRoutes(deps.router, controlPlane);
  registerJobTemplateRoutes(deps.router, controlPlane);
  const dataPlane = new EngineDataPlane(engine, deps.objects);
  // Membership changes reach CONTINUOUS jobs (static groups, dynamic groups, deleted things).
  deps.registry.membershipListeners.add((thingName) => engine.membershipChanged(thingName));
  return {
    engine,
    controlPlane,
    getPending: (t) => dataPlane.getPending(t),
    startNext: (t, i) => dataPlane.startNext(t, i),
    describe: (t, j, o) => dataPlane.describe(t, j, o),
    update: (t, j, i) => dataPlane.update(t, j, i),
    onPendingChange: (l) => dataPlane.onPendingChange(l),
    afterCommit: (fn) => engine.afterCommit(fn),
  };
}

import { Router } from "../../server/router";
import { restJson1 } from "../../server/protocol";
import type { EmulatorService, ServiceRegion } from "../../service";
import type { Broker } from "../../mqtt/broker";
import type { IotRegion } from "../iot";
import { registerJobsDataRoutes } from "./routes";
import { startJobsTopics } from "./mqtt";
import { isBrokerOnlyJobsTopic } from "./topics";

export { isBrokerOnlyJobsTopic } from "./topics";

export interface IotJobsDataRegion extends ServiceRegion {
  router: Router;
  /** Connects the Jobs MQTT topics (requests, notify, notify-next) to the broker; resolves once subscribed. */
  attachBroker(broker: Pick<Broker, "publish" | "subscribe">): Promise<void>;
}

/**
 * The Jobs data plane, `iot-jobs-data` (endpoint prefix `data.jobs.iot`; the emulator's
 * one endpoint, as DescribeEndpoint `iot:Jobs` answers), over HTTP and over the broker's
 * reserved `$aws/things/{thing}/jobs/…` topics. It holds no state of its own: executions
 * are the Jobs engine's, in the iot service.
 */
export const iotJobsDataService: EmulatorService<IotJobsDataRegion> = {
  name: "iot-jobs-data",
  signingNames: ["iot-jobs-data"],
  protocol: restJson1,
  // The 2017-09-29 model's statuses (ThrottlingException is 429 here, 400 on iot).
  errors: {
    ThrottlingException: 429,
    InvalidStateTransitionException: 409,
    TerminalStateException: 410,
    CertificateValidationException: 400,
    ConflictException: 409,
    ValidationException: 400,
    InternalServerException: 500,
    ServiceQuotaExceededException: 402,
  },
  kinds: [],
  uses: ["iot"],
  createRegion(ctx) {
    // The engine is the iot service's (emulator/services/jobs/, exposed as `jobs`).
    const iot = ctx.use<IotRegion>("iot");
    const router = new Router();
    const thingExists = (name: string) => iot.registry.things.has(name);
    registerJobsDataRoutes(router, () => iot.jobs, thingExists);
    return {
      router,
      async attachBroker(broker) {
        await startJobsTopics({ plane: iot.jobs, thingExists, now: () => Math.floor(ctx.clock.now() / 1000) }, broker);
      },
    };
  },
  broker: {
    // Answers and notifications are the service's; clients publish requests only.
    brokerOnlyTopic: isBrokerOnlyJobsTopic,
    attach: (r, broker) => r.attachBroker(broker),
  },
};

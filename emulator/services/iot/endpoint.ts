import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { IotDeps } from "./context";

const ENDPOINT_TYPES = new Set(["iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"]);

/** DescribeEndpoint: `GET /endpoint?endpointType=`. The emulator answers with its own address. */
export function registerEndpointRoutes(router: Router, { config }: IotDeps): void {
  router.add("DescribeEndpoint", "GET", "/endpoint", (ctx) => {
    const type = ctx.query.get("endpointType") ?? "iot:Data";
    if (!ENDPOINT_TYPES.has(type)) throw invalid(`Invalid endpoint type: ${type}`);
    return { body: { endpointAddress: `${config.host}:${config.httpPort}` } };
  });
}

import type { Router } from "../../server/router";
import type { JobsDataPlane } from "../jobs/data-plane-api";
import { describeOrNone } from "./describe-next";
import { pendingAnswer } from "./documents";
import { checkJobId, checkThingName, parseStartNext, parseUpdate, queryBoolean, queryLong } from "./validation";

/**
 * The iot-jobs-data REST API (restJson1, signing name `iot-jobs-data`; paths from the
 * 2017-09-29 model). `GET /things/{thingName}/jobs[/{jobId}]` are also iot control-plane
 * paths: the dispatcher tells the two apart by the credential scope, never by the path.
 * StartCommandExecution (`POST /command-executions`, the newer "commands" feature) is not
 * served.
 */
export function registerJobsDataRoutes(router: Router, plane: () => JobsDataPlane, thingExists: (thingName: string) => boolean): void {
  router.add("GetPendingJobExecutions", "GET", "/things/{thingName}/jobs", (ctx) => {
    const thingName = checkThingName(ctx.params.thingName);
    return { body: pendingAnswer(plane().getPending(thingName)) };
  });

  // `$next` is a literal segment: the router tries it before the `{jobId}` routes.
  router.add("StartNextPendingJobExecution", "PUT", "/things/{thingName}/jobs/$next", async (ctx) => {
    const thingName = checkThingName(ctx.params.thingName);
    const execution = await plane().startNext(thingName, parseStartNext(ctx.body));
    // Nothing pending: "the response does not include the execution field".
    return { body: execution ? { execution } : {} };
  });

  router.add("DescribeJobExecution", "GET", "/things/{thingName}/jobs/{jobId}", async (ctx) => {
    const thingName = checkThingName(ctx.params.thingName);
    const jobId = checkJobId(ctx.params.jobId, true);
    const executionNumber = queryLong(ctx.query.get("executionNumber"), "executionNumber");
    // The model: includeJobDocument defaults to true.
    const includeJobDocument = queryBoolean(ctx.query.get("includeJobDocument"), "includeJobDocument") ?? true;
    const execution = await describeOrNone(plane(), thingExists, thingName, jobId, {
      ...(executionNumber !== undefined ? { executionNumber } : {}),
      includeJobDocument,
    });
    return { body: execution ? { execution } : {} };
  });

  router.add("UpdateJobExecution", "POST", "/things/{thingName}/jobs/{jobId}", async (ctx) => {
    const thingName = checkThingName(ctx.params.thingName);
    const jobId = checkJobId(ctx.params.jobId, false);
    const input = parseUpdate(ctx.body);
    const out = await plane().update(thingName, jobId, input);
    // Both parts are opt-in (default false in the model).
    return {
      body: {
        ...(input.includeJobExecutionState && out.executionState ? { executionState: out.executionState } : {}),
        ...(input.includeJobDocument && out.jobDocument !== undefined ? { jobDocument: out.jobDocument } : {}),
      },
    };
  });
}

import { AwsError } from "../../server/errors";
import type { DataPlaneExecution, JobsDataPlane } from "../jobs/data-plane-api";

/**
 * DescribeJobExecution, where `$next` of a registered thing with nothing pending answers
 * without `execution` rather than with an error: device SDK users report an accepted
 * answer with no execution over MQTT (aws-iot-device-sdk-cpp-v2 #101), as
 * StartNextPendingJobExecution documents for its own answer. HTTP answers `{}` the same
 * way (unverified against AWS). An unknown thing stays ResourceNotFoundException.
 */
export async function describeOrNone(
  plane: JobsDataPlane,
  thingExists: (thingName: string) => boolean,
  thingName: string,
  jobId: string,
  opts: { executionNumber?: number; includeJobDocument: boolean },
): Promise<DataPlaneExecution | undefined> {
  try {
    return await plane.describe(thingName, jobId, opts);
  } catch (err) {
    if (jobId === "$next" && err instanceof AwsError && err.code === "ResourceNotFoundException" && thingExists(thingName)) return undefined;
    throw err;
  }
}

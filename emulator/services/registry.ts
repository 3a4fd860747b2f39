import type { EmulatorService } from "../service";
import { iotService } from "./iot";
import { iotDataService } from "./iotdata";
import { iotJobsDataService } from "./iotjobs";
import { s3Service } from "./s3";

/**
 * Every AWS service the emulator serves. Adding one is writing its `EmulatorService`
 * (emulator/service.ts, docs/emulator.md) and listing it here; emulator.ts assembles
 * whatever this lists.
 */
export const SERVICES: readonly EmulatorService[] = [s3Service, iotService, iotDataService, iotJobsDataService] as EmulatorService[];

import type { EmulatorService } from "../service";
import { iotService } from "./iot";
import { iotDataService } from "./iotdata";

/**
 * Every AWS service the emulator serves. Adding one is writing its `EmulatorService`
 * (emulator/service.ts, docs/emulator.md) and listing it here; emulator.ts assembles
 * whatever this lists.
 */
export const SERVICES: readonly EmulatorService[] = [iotService, iotDataService] as EmulatorService[];

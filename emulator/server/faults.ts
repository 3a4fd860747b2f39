import { AwsError } from "./errors";

/**
 * Injected failures, for tests and demos of the console's error handling: "the next N
 * calls to this service (optionally of one operation, method, path prefix or region)
 * fail with this exception". Set through the emulator's admin route `POST /_emulator/faults`.
 */
export interface Fault {
  /** The service's name (`iot`, `iotdata`), as in request counts. */
  service: string;
  /** The AWS operation name (`SearchIndex`): the way to aim a fault. */
  operation?: string;
  method?: string;
  pathPrefix?: string;
  region?: string;
  code: string;
  message?: string;
  status?: number;
  remaining: number;
}

/** What a fault is matched against: one request, once its operation is known. */
export interface FaultTarget {
  service: string;
  operation: string;
  method: string;
  path: string;
  region: string;
}

export class FaultInjector {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  /** How many faults are waiting. */
  get size(): number {
    return this.faults.length;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  take(t: FaultTarget): AwsError | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.service === t.service &&
        (!f.operation || f.operation === t.operation) &&
        (!f.method || f.method === t.method) &&
        (!f.pathPrefix || t.path.startsWith(f.pathPrefix)) &&
        (!f.region || f.region === t.region),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.remaining <= 0) this.faults.splice(i, 1);
    return new AwsError(f.code, f.message ?? defaultMessage(f.code), f.status);
  }
}

function defaultMessage(code: string): string {
  return code === "ThrottlingException" ? "Rate exceeded" : `Injected ${code}`;
}

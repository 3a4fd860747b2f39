import { AwsError, type ServiceName } from "./errors";

/**
 * Injected failures, for tests and demos of the console's error handling: "the next N
 * calls to this service (optionally matching a method and path prefix) fail with this
 * exception". Set through the emulator's admin route `POST /_emulator/faults`.
 */
export interface Fault {
  service: ServiceName;
  method?: string;
  pathPrefix?: string;
  code: string;
  message?: string;
  status?: number;
  remaining: number;
}

export class FaultInjector {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  take(service: ServiceName, method: string, path: string): AwsError | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.service === service &&
        (!f.method || f.method === method) &&
        (!f.pathPrefix || path.startsWith(f.pathPrefix)),
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

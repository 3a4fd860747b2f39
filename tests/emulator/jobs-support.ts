import "reflect-metadata";
import { Store } from "../../emulator/store/store";
import { ConnectivityTracker } from "../../emulator/mqtt/connectivity";
import { IotState } from "../../emulator/services/iot/state";
import { createThingGroup, addThingToThingGroup } from "../../emulator/services/iot/thing-groups-model";
import { Router } from "../../emulator/server/router";
import { EmulatorClock } from "../../emulator/clock";
import { registerJobs, type IotJobs } from "../../emulator/services/jobs";
import type { CreateJobInput } from "../../emulator/services/jobs/model";
import type { S3Objects } from "../../emulator/services/s3/api";

/**
 * The Jobs engine of one region built in-process, on an in-memory store, with a clock
 * that only moves when the test advances it: rollouts, timeouts and schedules are then
 * exact, whatever the machine's speed.
 */
export const ACCOUNT = "000000000000";
export const REGION = "us-east-1";
export const thingArn = (n: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${n}`;
export const groupArn = (n: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${n}`;

export interface EngineWorld {
  store: Store;
  registry: IotState;
  clock: EmulatorClock;
  jobs: IotJobs;
  router: Router;
  /** Things notified through onPendingChange, in order. */
  notified: string[];
  objects: FakeObjects;
  addThings(names: string[], group?: string): void;
  addGroup(name: string, parent?: string): void;
  create(input: Partial<CreateJobInput> & { jobId: string; targets: string[] }): Promise<ReturnType<IotJobs["engine"]["requireJob"]>>;
  /** Moves time forward and lets the timers that came due run. */
  advance(seconds: number): Promise<void>;
  /** Lets queued commits and after-commit work run. */
  settle(): Promise<void>;
  /** A fresh engine on the same store (a restart). */
  restart(): EngineWorld;
  close(): void;
}

export class FakeObjects implements S3Objects {
  readonly files = new Map<string, Buffer>();
  async read(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined> {
    const b = this.files.get(`${bucket}/${key}`);
    if (b && b.length > maxBytes) throw new Error("too large");
    return b;
  }
  presignGet(bucket: string, key: string, expiresInSec: number): string {
    return `http://127.0.0.1:9/${bucket}/${key}?X-Amz-Expires=${expiresInSec}&X-Amz-Signature=abc`;
  }
}

const config = { host: "127.0.0.1", httpPort: 0, mqttPort: 0, dataDir: ":memory:", region: REGION, accountId: ACCOUNT };

/** The wall clock stands still at this instant: only advances move emulator time. */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

export function engineWorld(opts: { store?: Store; objects?: FakeObjects } = {}): EngineWorld {
  const store = opts.store ?? new Store(":memory:");
  const view = store.view(`${ACCOUNT}/${REGION}/`);
  const clock = new EmulatorClock({ load: () => store.getMeta("clock"), save: (v) => store.setMeta("clock", v) }, () => T0);
  const registry = new IotState({ config, store: view, connectivity: new ConnectivityTracker(view), ca: () => Promise.reject(new Error("no CA here")) });
  const router = new Router();
  const objects = opts.objects ?? new FakeObjects();
  const jobs = registerJobs({ router, registry, store: view, clock, config, objects: () => objects });
  const notified: string[] = [];
  jobs.onPendingChange((t) => notified.push(t));
  // Due clock timers fire on a 0 ms timeout (armed before this one, so they run first), the
  // store flushes on setImmediate, and after-commit work follows it: three rounds of both.
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => setImmediate(r));
    }
  };
  const world: EngineWorld = {
    store,
    registry,
    clock,
    jobs,
    router,
    notified,
    objects,
    addThings(names, group) {
      for (const name of names) {
        const t = { name, id: name, attributes: {}, version: 1, createdMs: 0 };
        registry.putThing(t);
        if (group) addThingToThingGroup(registry, registry.requireGroup(group), registry.requireThing(name), false);
      }
    },
    addGroup(name, parent) {
      createThingGroup(registry, { name, parentName: parent, attributes: {} });
    },
    create: (input) => jobs.controlPlane.createJob({ targetSelection: "SNAPSHOT", document: '{"operation":"test"}', ...input }),
    async advance(seconds) {
      clock.advance(seconds);
      await settle();
    },
    settle,
    restart() {
      jobs.engine.close();
      return engineWorld({ store, objects });
    },
    close() {
      jobs.engine.close();
      store.close();
    },
  };
  return world;
}

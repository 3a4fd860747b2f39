import type { Broker } from "../../mqtt/broker";
import { JobsDataError, type JobsDataPlane } from "../jobs/data-plane-api";
import { describeOrNone } from "./describe-next";
import { documentObject, errorDocument, MqttRequestError, mqttExecution, notifyDocument, pendingAnswer } from "./documents";
import { JOBS_FILTER, jobsTopic, parseJobsTopic, type JobsRequest } from "./topics";
import { checkJobId, checkThingName, clientTokenOf, parseDescribeMessage, parseStartNext, parseUpdate } from "./validation";

/**
 * The Jobs MQTT API over the emulator's broker: requests on the reserved topics answered
 * on `…/accepted` (once the change is committed, as the shadow topics and HTTP answers
 * wait) / `…/rejected`, and `jobs/notify` / `jobs/notify-next` published after
 * every change to a thing's pending executions, whether it came over MQTT, HTTP or from
 * the engine (rollout, cancel, timeout). The rules live in the engine (JobsDataPlane);
 * this file only parses, calls it and writes AWS's documents.
 *
 * AWS sends the answers of a request to the client that made it only; the broker here
 * publishes them on the answer topic, so any client subscribed to it sees them (as the
 * shadow topics do). Notifications are sent for every change, not only MQTT-made ones:
 * the guide says they are not sent *to* HTTP clients, which cannot subscribe anyway.
 */

/** QoS of the service's messages; the docs do not say. QoS 1 reaches a QoS 1 subscriber at least once. */
const QOS = 1;

export type Publish = (topic: string, doc: unknown) => void;

export interface JobsMqttDeps {
  plane: JobsDataPlane;
  /** Whether the registry has the thing (DescribeJobExecution of `$next`). */
  thingExists: (thingName: string) => boolean;
  publish: Publish;
  /** Epoch seconds, for each message's `timestamp`. */
  now: () => number;
  log?: (message: string, err: unknown) => void;
}

export interface JobsMqtt {
  /** One message seen on the jobs filter (requests are answered; answers and notifications ignored). */
  onMessage(topic: string, payload: Buffer): Promise<void>;
  /** The engine's pending-change hook: publishes notify, and notify-next when the next execution changed. */
  onPendingChange(thingName: string): Promise<void>;
}

interface SeenState {
  /** The pending list as notify showed it: job, execution number and status of each. */
  list: string;
  /** `jobId#executionNumber` of the execution notify-next announced ("" for none). */
  head: string;
}

function listKey(p: ReturnType<JobsDataPlane["getPending"]>): string {
  const key = (status: string) => (e: { jobId: string; executionNumber: number }) => `${status}:${e.jobId}#${e.executionNumber}`;
  return [...p.inProgressJobs.map(key("I")), ...p.queuedJobs.map(key("Q"))].join(",");
}

export function createJobsMqtt({ plane, thingExists, publish, now: clock, log = defaultLog }: JobsMqttDeps): JobsMqtt {
  /** Per thing, what notify and notify-next last announced. */
  const seen = new Map<string, SeenState>();
  /** Per thing, the notification work in flight: a thing's messages go out in the order of its changes. */
  const chains = new Map<string, Promise<void>>();

  async function handle(req: JobsRequest, payload: Buffer): Promise<void> {
    let clientToken: string | undefined;
    try {
      const body = parsePayload(payload);
      clientToken = clientTokenOf(body);
      const thingName = checkThingName(req.thingName);
      const answer = await accepted(req, thingName, body);
      // Like the HTTP answer, only once the change (and any change it saw) is on disk.
      const token = clientToken;
      plane.afterCommit(() => publish(`${req.topic}/accepted`, { ...answer, timestamp: clock(), ...(token !== undefined ? { clientToken: token } : {}) }));
    } catch (err) {
      const { doc, internal } = errorDocument(err, clock(), clientToken);
      if (internal) log(`jobs ${req.op} on ${req.topic} failed`, err);
      publish(`${req.topic}/rejected`, doc);
    }
  }

  async function accepted(req: JobsRequest, thingName: string, body: unknown): Promise<Record<string, unknown>> {
    switch (req.op) {
      case "get": {
        return pendingAnswer(plane.getPending(thingName));
      }
      case "start-next": {
        // No pending execution: an answer without `execution` (the guide, StartNextPendingJobExecution).
        const e = await plane.startNext(thingName, parseStartNext(body));
        return e ? { execution: mqttExecution(e) } : {};
      }
      case "describe": {
        const jobId = checkJobId(req.jobId, true);
        const e = await describeOrNone(plane, thingExists, thingName, jobId, parseDescribeMessage(body));
        return e ? { execution: mqttExecution(e) } : {};
      }
      case "update": {
        const jobId = checkJobId(req.jobId, false);
        const input = parseUpdate(body);
        const out = await plane.update(thingName, jobId, input);
        return {
          ...(input.includeJobExecutionState && out.executionState ? { executionState: out.executionState } : {}),
          ...(input.includeJobDocument && out.jobDocument !== undefined ? { jobDocument: documentObject(out.jobDocument) } : {}),
        };
      }
    }
  }

  async function notify(thingName: string): Promise<void> {
    const pending = plane.getPending(thingName);
    const head = pending.inProgressJobs[0] ?? pending.queuedJobs[0];
    const before = seen.get(thingName);
    const current: SeenState = { list: listKey(pending), head: head ? `${head.jobId}#${head.executionNumber}` : "" };
    seen.set(thingName, current);
    // notify: when an execution is queued, changes status or leaves the list (the guide's
    // ListNotification criteria), not for a progress update that leaves it IN_PROGRESS.
    if (before?.list !== current.list) publish(jobsTopic(thingName, "notify"), notifyDocument(pending, clock()));
    // notify-next: only when which execution is next changes, not when the next one's
    // details do (NextNotification). A thing not seen since start has no entry: its first
    // change announces whatever is next, or that nothing is.
    if (before?.head === current.head) return;
    if (!head) {
      publish(jobsTopic(thingName, "notify-next"), { timestamp: clock() });
      return;
    }
    let execution;
    try {
      execution = await plane.describe(thingName, head.jobId, { executionNumber: head.executionNumber, includeJobDocument: true });
    } catch (err) {
      // Finished or removed in the meantime: the change that did it sends the next notification.
      if (err instanceof JobsDataError) {
        seen.set(thingName, { ...current, head: "?" });
        return;
      }
      throw err;
    }
    publish(jobsTopic(thingName, "notify-next"), { timestamp: clock(), execution: mqttExecution(execution) });
  }

  return {
    async onMessage(topic, payload) {
      const t = parseJobsTopic(topic);
      if (!t || t.kind === "response") return;
      if (t.kind === "unknown") {
        const { doc } = errorDocument(
          new MqttRequestError("InvalidTopic", `The topic ${topic} does not map to any Jobs API`),
          clock(),
          tokenOrUndefined(payload),
        );
        publish(`${topic}/rejected`, doc);
        return;
      }
      await handle(t.request, payload);
    },
    onPendingChange(thingName) {
      const run = (chains.get(thingName) ?? Promise.resolve())
        .then(() => notify(thingName))
        .catch((err: unknown) => log(`jobs notifications for ${thingName} not published`, err))
        .finally(() => {
          if (chains.get(thingName) === run) chains.delete(thingName);
        });
      chains.set(thingName, run);
      return run;
    },
  };
}

/** An empty payload is an empty request (`{}`); anything else must be a JSON object. */
function parsePayload(payload: Buffer): unknown {
  if (payload.length === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(payload.toString("utf8"));
  } catch {
    throw new MqttRequestError("InvalidJson", "The request payload is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new MqttRequestError("InvalidJson", "The request payload must be a JSON object");
  return body;
}

function tokenOrUndefined(payload: Buffer): string | undefined {
  try {
    return clientTokenOf(parsePayload(payload));
  } catch {
    return undefined;
  }
}

function defaultLog(message: string, err: unknown): void {
  console.error(`[emulator] ${message}`, err);
}

/**
 * Connects the Jobs topics to the broker: one subscription on `$aws/things/+/jobs/#` for
 * the requests, and the engine's pending-change hook for the notifications. Returns a
 * function that disconnects both.
 */
export async function startJobsTopics(
  deps: Pick<JobsMqttDeps, "plane" | "thingExists" | "now">,
  broker: Pick<Broker, "publish" | "subscribe">,
): Promise<() => Promise<void>> {
  const { plane } = deps;
  const publish: Publish = (topic, doc) => {
    broker.publish(topic, JSON.stringify(doc), { qos: QOS, retain: false }).catch((err: unknown) => defaultLog(`jobs message on ${topic} not published`, err));
  };
  const mqtt = createJobsMqtt({ ...deps, publish });
  const stopChanges = plane.onPendingChange((thingName) => void mqtt.onPendingChange(thingName));
  let unsubscribe: () => Promise<void>;
  try {
    unsubscribe = await broker.subscribe(JOBS_FILTER, (topic, payload) => void mqtt.onMessage(topic, payload));
  } catch (err) {
    stopChanges();
    throw err;
  }
  return async () => {
    stopChanges();
    await unsubscribe();
  };
}

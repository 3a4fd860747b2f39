/**
 * The Jobs reserved MQTT topics (developer guide: "Reserved topics" → Jobs, "Jobs device
 * MQTT API operations", "Jobs notifications"), all under `$aws/things/{thingName}/jobs/`:
 *
 * | request (clients publish)      | answers (broker only)                      |
 * |--------------------------------|--------------------------------------------|
 * | `jobs/get`                     | `jobs/get/accepted`, `…/rejected`          |
 * | `jobs/start-next`              | `jobs/start-next/accepted`, `…/rejected`   |
 * | `jobs/{jobId}/get` (`$next` ok)| `jobs/{jobId}/get/accepted`, `…/rejected`  |
 * | `jobs/{jobId}/update`          | `jobs/{jobId}/update/accepted`, `…/rejected` |
 * |                                | `jobs/notify`, `jobs/notify-next`          |
 *
 * A job id may itself be `get` or `start-next` (both match `[a-zA-Z0-9_-]+`): the number of
 * levels tells them apart (`jobs/get` is GetPending, `jobs/get/get` describes job `get`).
 */

export const JOBS_PREFIX = "$aws/things/";

/** The one broker filter that sees every message in any thing's jobs namespace. */
export const JOBS_FILTER = "$aws/things/+/jobs/#";

export type JobsRequest =
  | { op: "get"; thingName: string; topic: string }
  | { op: "start-next"; thingName: string; topic: string }
  | { op: "describe"; thingName: string; jobId: string; topic: string }
  | { op: "update"; thingName: string; jobId: string; topic: string };

export type ParsedJobsTopic =
  /** A request clients publish. */
  | { kind: "request"; request: JobsRequest }
  /** An answer or a notification: only the service publishes these. */
  | { kind: "response" }
  /** In the jobs namespace but no API: answered with an `InvalidTopic` error on `{topic}/rejected`. */
  | { kind: "unknown"; thingName: string; topic: string };

const ANSWER = new Set(["accepted", "rejected"]);
const NOTIFICATIONS = new Set(["notify", "notify-next"]);

/** Undefined when the topic is not under `$aws/things/{thing}/jobs`. */
export function parseJobsTopic(topic: string): ParsedJobsTopic | undefined {
  if (!topic.startsWith(JOBS_PREFIX)) return undefined;
  const levels = topic.split("/");
  if (levels.length < 4 || levels[3] !== "jobs") return undefined;
  const thingName = levels[2];
  const rest = levels.slice(4);
  const last = rest[rest.length - 1];
  // Answers of any request (known or not), and the notifications of plain and namespaced
  // jobs (`jobs/{jobId}/notify-namespace-{ns}/`, Greengrass), are the service's to publish.
  // Any `…/accepted` or `…/rejected` is an answer, so the answer to an unknown topic is
  // never itself answered.
  if (last !== undefined && ANSWER.has(last)) return { kind: "response" };
  if (rest.length === 1 && NOTIFICATIONS.has(rest[0])) return { kind: "response" };
  if (rest.some((l) => l.startsWith("notify-namespace-"))) return { kind: "response" };
  if (rest.length === 1 && (rest[0] === "get" || rest[0] === "start-next")) return { kind: "request", request: { op: rest[0], thingName, topic } };
  if (rest.length === 2 && rest[1] === "get") return { kind: "request", request: { op: "describe", thingName, jobId: rest[0], topic } };
  if (rest.length === 2 && rest[1] === "update") return { kind: "request", request: { op: "update", thingName, jobId: rest[0], topic } };
  return { kind: "unknown", thingName, topic };
}

/**
 * Whether a client publish on this topic must be refused: the answers and notifications
 * of the jobs namespace. As for the shadow topics, the broker disconnects a client that
 * publishes there (AWS: "unsupported publish or subscribe operations to reserved topics
 * can result in a terminated connection"). Requests and unknown topics go through: an
 * unknown one is answered with `InvalidTopic`, the error code AWS documents for "a topic
 * in the AWS IoT Jobs namespace that does not map to any API".
 */
export function isBrokerOnlyJobsTopic(topic: string): boolean {
  if (!topic.startsWith(JOBS_PREFIX)) return false;
  return parseJobsTopic(topic)?.kind === "response";
}

export function jobsTopic(thingName: string, suffix: string): string {
  return `${JOBS_PREFIX}${thingName}/jobs/${suffix}`;
}

import type { Broker } from "../../mqtt/broker";
import { AwsError } from "../../server/errors";
import {
  clientTokenOf,
  deletedDocument,
  deltaDocument,
  documentsMessage,
  errorDocument,
  getDocument,
  parseTokenRequest,
  parseUpdateRequest,
  shadowError,
} from "./shadow-document";
import type { ShadowStore } from "./shadow-store";
import type { ShadowChange } from "./shadow-types";

/**
 * The Device Shadow service's reserved MQTT topics (AWS IoT developer guide: "Device
 * Shadow MQTT topics", "Reserved topics", "Interacting with shadows", "Device Shadow error
 * messages").
 *
 * Topic prefix: `$aws/things/{thingName}/shadow` (classic) or
 * `$aws/things/{thingName}/shadow/name/{shadowName}` (named). Clients publish requests on
 * `get`, `update` and `delete`; the service answers on `…/accepted` or `…/rejected` of the
 * same operation, and after every accepted update publishes `update/delta` (when desired
 * and reported still differ) and `update/documents`.
 *
 * Two paths, one set of notifications:
 * - requests arriving over MQTT (or through iot-data Publish to a request topic) are
 *   handled here; a refused one gets its error document on `…/rejected`, a `get` its
 *   document on `get/accepted`;
 * - every accepted change, whether it came over MQTT or REST, reaches the store's
 *   `onChange`, and the notifications (`update/accepted`, `update/delta`,
 *   `update/documents`, `delete/accepted`) are published from there. The guide says
 *   `update/documents` is published "whenever an update to the shadow is successfully
 *   performed" and names `update/delta` for REST updates explicitly; for `update/accepted`
 *   and `delete/accepted` it only says AWS IoT publishes them when it accepts a change or
 *   deletes a shadow, without limiting that to MQTT requests. Topic rules on
 *   `…/update/accepted` are reported to fire for UpdateThingShadow calls on the live
 *   service, so REST changes publish them too. Only error messages are MQTT-only ("If the
 *   client updates the document using the REST API, then it receives the HTTP error code
 *   ... and no MQTT error messages are emitted").
 *
 * Cost per message: the broker matches the two request filters in its topic tree; a
 * request costs one topic split and a map lookup in the store. Nothing scans shadows.
 */

/** The request stubs clients may publish on ("Reserved topics": Publish/Subscribe). */
const REQUESTS = new Set(["get", "update", "delete"]);

/** Thing and shadow names as the iot-data API allows them. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const SHADOW_NAME = /^[$a-zA-Z0-9:_-]{1,64}$/;

/** The broker filters that see every shadow request: classic and named. */
export const SHADOW_REQUEST_FILTERS = ["$aws/things/+/shadow/+", "$aws/things/+/shadow/name/+/+"] as const;

/**
 * The MQTT QoS of the service's messages. The docs do not say; QoS 1 lets a subscriber
 * that asked for QoS 1 receive at least once (the broker delivers at the lower of the two).
 */
const RESPONSE_QOS = 1;

export interface ShadowTopic {
  thingName: string;
  /** null for the classic shadow. */
  shadowName: string | null;
  /** What follows the prefix: `get`, `update/accepted`, ... (possibly unknown or empty). */
  stub: string;
}

const PREFIX = "$aws/things/";

/**
 * Splits a topic under a shadow prefix; undefined when the topic is not in a shadow's
 * namespace. `$aws/things/t/shadow/name/s/x…` is the named shadow `s`; anything else under
 * `$aws/things/t/shadow/` belongs to the classic shadow.
 */
export function parseShadowTopic(topic: string): ShadowTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const levels = topic.split("/");
  if (levels.length < 4 || levels[3] !== "shadow") return undefined;
  const thingName = levels[2];
  if (levels.length >= 7 && levels[4] === "name") return { thingName, shadowName: levels[5], stub: levels.slice(6).join("/") };
  return { thingName, shadowName: null, stub: levels.slice(4).join("/") };
}

/** `$aws/things/{thingName}/shadow[/name/{shadowName}]` */
export function shadowTopicPrefix(thingName: string, shadowName: string | null): string {
  return shadowName === null ? `${PREFIX}${thingName}/shadow` : `${PREFIX}${thingName}/shadow/name/${shadowName}`;
}

/**
 * Whether a client publish on this topic must be refused: in a shadow's namespace only the
 * request topics (`get`, `update`, `delete`) accept publishes; the response topics
 * (`…/accepted`, `…/rejected`, `update/delta`, `update/documents`) are Subscribe-only, and
 * AWS warns that "unsupported publish or subscribe operations to reserved topics can result
 * in a terminated connection". The broker refuses them as it refuses `$aws/events/`
 * publishes: the client is disconnected (AUTH_ERROR). Unknown stubs under a shadow prefix
 * are refused the same way (`$` topics cannot be created by clients).
 */
export function isBrokerOnlyShadowTopic(topic: string): boolean {
  if (!topic.startsWith(PREFIX)) return false;
  const t = parseShadowTopic(topic);
  return t !== undefined && !REQUESTS.has(t.stub);
}

type ShadowBroker = Pick<Broker, "publish" | "subscribe">;

/**
 * Connects the shadow store to the broker: answers the request topics and publishes the
 * notifications of every change. Returns a function that disconnects both.
 */
export async function startShadowTopics(shadows: ShadowStore, broker: ShadowBroker): Promise<() => Promise<void>> {
  const publish = (topic: string, doc: unknown): void => {
    broker.publish(topic, JSON.stringify(doc), { qos: RESPONSE_QOS, retain: false }).catch((err: unknown) => {
      console.error(`[emulator] shadow message on ${topic} not published`, err);
    });
  };

  // `accepted`, `delta` and `documents` go out once the change is committed: a device told
  // "accepted" never sees its update rolled back by a crash.
  const stopChanges = shadows.onChange((change) => shadows.afterCommit(() => publishChange(change, publish)));

  const onRequest = (topic: string, payload: Buffer): void => {
    const t = parseShadowTopic(topic);
    if (!t || !REQUESTS.has(t.stub)) return;
    handleRequest(shadows, t, payload, publish);
  };
  const unsubscribes: Array<() => Promise<void>> = [];
  try {
    for (const filter of SHADOW_REQUEST_FILTERS) unsubscribes.push(await broker.subscribe(filter, onRequest));
  } catch (err) {
    stopChanges();
    await Promise.all(unsubscribes.map((u) => u()));
    throw err;
  }

  return async () => {
    stopChanges();
    await Promise.all(unsubscribes.map((u) => u()));
  };
}

type Publish = (topic: string, doc: unknown) => void;

/** The notifications of one accepted change (REST or MQTT alike). */
function publishChange(change: ShadowChange, publish: Publish): void {
  const prefix = shadowTopicPrefix(change.thingName, change.shadowName);
  const { shadow, previous, clientToken, timestamp } = change;
  if (shadow) {
    if (change.accepted) publish(`${prefix}/update/accepted`, change.accepted);
    const delta = deltaDocument(shadow, timestamp, clientToken);
    if (delta) publish(`${prefix}/update/delta`, delta);
    publish(`${prefix}/update/documents`, documentsMessage(previous, shadow, timestamp, clientToken));
  } else if (previous) {
    publish(`${prefix}/delete/accepted`, deletedDocument(previous.version, timestamp, clientToken));
  }
}

/** One request from a request topic; accepted updates and deletes answer through onChange. */
function handleRequest(shadows: ShadowStore, t: ShadowTopic, payload: Buffer, publish: Publish): void {
  const prefix = shadowTopicPrefix(t.thingName, t.shadowName);
  const op = t.stub;
  let clientToken: string | undefined;
  try {
    if (op !== "update") clientToken = parseTokenRequest(payload).clientToken;
    // The docs do not say what an out-of-pattern name in a topic gets; the REST API refuses
    // such names with a 400, so the MQTT request is rejected with a 400 too.
    if (!THING_NAME.test(t.thingName)) throw shadowError(400, "Invalid thing name");
    if (t.shadowName !== null && !SHADOW_NAME.test(t.shadowName)) throw shadowError(400, "Invalid shadow name");

    if (op === "update") shadows.update(t.thingName, t.shadowName, parseUpdateRequest(payload));
    else if (op === "get") {
      // The document as it is now, sent once what it shows is on disk (as every answer).
      const doc = getDocument(shadows.require(t.thingName, t.shadowName), shadows.nowSeconds(), clientToken);
      shadows.afterCommit(() => publish(`${prefix}/get/accepted`, doc));
    } else shadows.delete(t.thingName, t.shadowName, clientToken);
  } catch (err) {
    // The request is read a second time only when it failed, to echo its token.
    if (op === "update") clientToken = clientTokenOf(payload);
    const known = err instanceof AwsError && err.status !== undefined;
    if (!known) console.error(`[emulator] shadow ${op} on ${prefix} failed`, err);
    const code = known ? err.status! : 500;
    const message = known ? err.message : "Internal service failure";
    publish(`${prefix}/${op}/rejected`, errorDocument(code, message, shadows.nowSeconds(), clientToken));
  }
}

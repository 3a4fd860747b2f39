import { randomUUID } from "node:crypto";
import type { RequestContext, Router } from "../../server/router";
import { AwsError, invalid } from "../../server/errors";

/** Publishes as the broker; undefined until the broker runs (it starts after the services). */
export type Publisher = (topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }) => Promise<void>;

/** AWS IoT message broker limits: 128 KB per message, topics of at most 256 bytes. */
export const MAX_PUBLISH_BYTES = 128 * 1024;
const MAX_TOPIC_BYTES = 256;

/** Publish's request, parsed and checked against the broker's limits. */
export interface PublishInput {
  topic: string;
  qos: 0 | 1;
  retain: boolean;
  payload: Buffer;
}

/**
 * Publish: `POST /topics/{topic}?qos&retain`. The topic is a single path label, so its
 * slashes arrive percent-encoded; the router decodes it. The body is the payload as is.
 */
export function parsePublish(ctx: RequestContext): PublishInput {
  const topic = ctx.params.topic;
  if (!topic || Buffer.byteLength(topic, "utf8") > MAX_TOPIC_BYTES) throw invalid(`Invalid topic: '${topic}'`);
  if (topic.includes("+") || topic.includes("#")) throw invalid(`Invalid topic: '${topic}' (wildcards are not allowed in a topic name)`);
  const qosRaw = ctx.query.get("qos");
  if (qosRaw !== null && qosRaw !== "0" && qosRaw !== "1") throw invalid(`Invalid qos: '${qosRaw}' (0 or 1)`);
  const retainRaw = ctx.query.get("retain");
  if (retainRaw !== null && retainRaw !== "true" && retainRaw !== "false") throw invalid(`Invalid retain: '${retainRaw}'`);
  if (ctx.rawBody.length > MAX_PUBLISH_BYTES) throw new AwsError("RequestEntityTooLargeException", "The payload exceeds the maximum size allowed", 413);
  return { topic, qos: qosRaw === "1" ? 1 : 0, retain: retainRaw === "true", payload: ctx.rawBody };
}

export function registerPublishRoute(router: Router, publisher: () => Publisher | undefined, noBroker = "The message broker is not running"): void {
  router.add(
    "Publish",
    "POST",
    "/topics/{topic}",
    async (ctx) => {
      const input = parsePublish(ctx);
      const publish = publisher();
      if (!publish) throw new AwsError("ServiceUnavailableException", noBroker, 503);
      await publish(input.topic, input.payload, { qos: input.qos, retain: input.retain });
      return { body: { message: "OK", traceId: randomUUID() } };
    },
    { payload: "blob" },
  );
}

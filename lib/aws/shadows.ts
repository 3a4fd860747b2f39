import "server-only";
import { GetThingShadowCommand, ListNamedShadowsForThingCommand, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { AppError } from "@/lib/errors";
import { ShadowConflictError } from "@/lib/shadows/conflict-error";
import { isObject } from "@/lib/shadows/json";
import type { JsonObject, ShadowDocument, ShadowName, ShadowUpdateResult } from "@/lib/shadows/types";
import { forget, forgetShared, read, shared, type ReadSpec } from "./call-policy";
import { awsData, collectPages, readData } from "./client";
import { awsErrorName } from "./errors";
import { awsRequestIdOf } from "./fleet-index";

/**
 * Device shadows (`iot-data`): GetThingShadow, ListNamedShadowsForThing and
 * UpdateThingShadow, in the console's own types. Shadow documents travel as raw JSON
 * blobs (the SDK's `payload`, a Uint8Array); they are decoded and reshaped here.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function decodePayload(payload: Uint8Array | undefined): Record<string, unknown> {
  if (!payload || payload.length === 0) return {};
  try {
    const doc = JSON.parse(decoder.decode(payload)) as unknown;
    return isObject(doc) ? doc : {};
  } catch {
    throw new AppError("internal", "AWS IoT returned a shadow document that is not valid JSON.");
  }
}

const objectOrNull = (v: unknown): JsonObject | null => (isObject(v) ? v : null);

/** A GetThingShadow document → the console's shape (pure). */
export function toShadowDocument(thingName: string, shadowName: ShadowName, doc: Record<string, unknown>): ShadowDocument {
  const state = isObject(doc.state) ? doc.state : {};
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const ts = typeof doc.timestamp === "number" && Number.isFinite(doc.timestamp) ? doc.timestamp * 1000 : null;
  return {
    thingName,
    shadowName,
    desired: objectOrNull(state.desired),
    reported: objectOrNull(state.reported),
    delta: objectOrNull(state.delta),
    metadata: { desired: objectOrNull(metadata.desired), reported: objectOrNull(metadata.reported) },
    version: typeof doc.version === "number" ? doc.version : 0,
    timestampMs: ts,
  };
}

const shadowRead = (thingName: string, shadowName: ShadowName): ReadSpec => ({
  operation: "GetThingShadow",
  budget: "dataPlane",
  key: { thingName, shadowName },
});

/** One GetThingShadow through the data-plane budget; `spec` says how it may be shared. */
function readShadow(spec: ReadSpec, thingName: string, shadowName: ShadowName): Promise<ShadowDocument | null> {
  return read(spec, async () => {
    try {
      const out = await awsData("GetThingShadow", (c) => c.send(new GetThingShadowCommand({ thingName, shadowName: shadowName ?? undefined })));
      return toShadowDocument(thingName, shadowName, decodePayload(out.payload));
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") return null;
      throw err;
    }
  });
}

/** The shadow as it is now (never a shared answer), or null when this thing has no such shadow (yet). */
export async function getThingShadow(thingName: string, shadowName: ShadowName): Promise<ShadowDocument | null> {
  return readShadow({ ...shadowRead(thingName, shadowName), coalesce: false }, thingName, shadowName);
}

/** Every named shadow of a thing, all pages, sorted (an unknown thing has none). */
export async function listNamedShadows(thingName: string): Promise<string[]> {
  const names = await collectPages(async (token) => {
    const out = await readData({ operation: "ListNamedShadowsForThing", budget: "dataPlane", key: { thingName, nextToken: token } }, (c) =>
      c.send(new ListNamedShadowsForThingCommand({ thingName, nextToken: token, pageSize: 100 })),
    );
    return { items: out.results ?? [], next: out.nextToken };
  });
  return [...new Set(names)].sort();
}

/**
 * What the shadows tab polls (every 5 s, from every open tab) is read through two small
 * per-process caches that also coalesce identical reads in flight: the list of named
 * shadows, reused for a few seconds (it changes rarely, and costs every page), and the
 * document, reused for at most a second so a device's report still shows promptly. An
 * update made through the console drops both for that thing/shadow, so the operator
 * sees their change at once.
 */
export const NAMED_SHADOWS_TTL_MS = 5_000;
export const SHADOW_DOCUMENT_TTL_MS = 1_000;

const NAMED = { name: "shadows.named", cacheMs: NAMED_SHADOWS_TTL_MS, maxEntries: 2_000 };

/** `listNamedShadows`, shared between identical calls in flight and reused for a few seconds. */
export function listNamedShadowsCached(thingName: string): Promise<string[]> {
  return shared({ ...NAMED, key: thingName }, () => listNamedShadows(thingName));
}

/** `getThingShadow`, shared between identical calls in flight and reused for at most a second. */
export function getThingShadowCached(thingName: string, shadowName: ShadowName): Promise<ShadowDocument | null> {
  return readShadow({ ...shadowRead(thingName, shadowName), cacheMs: SHADOW_DOCUMENT_TTL_MS }, thingName, shadowName);
}

/** Forgets what was read of a shadow (and the thing's list of named shadows): it just changed. */
export function invalidateShadowReads(thingName: string, shadowName: ShadowName): void {
  forget(shadowRead(thingName, shadowName));
  forgetShared(NAMED, thingName);
}

export interface DesiredUpdate {
  thingName: string;
  shadowName: ShadowName;
  /** The patch for `state.desired` (null values remove keys). */
  desired: JsonObject;
  /** The version the edit was based on; omitted for a shadow that does not exist yet. */
  version?: number;
}

/**
 * UpdateThingShadow of the desired section only, naming the version it was based on.
 * A version conflict throws ShadowConflictError with the shadow as it is now.
 */
export async function updateShadowDesired(u: DesiredUpdate): Promise<ShadowUpdateResult & { awsRequestId: string | null }> {
  const body = { state: { desired: u.desired }, ...(u.version !== undefined ? { version: u.version } : {}) };
  try {
    const out = await awsData("UpdateThingShadow", (c) =>
      c.send(new UpdateThingShadowCommand({ thingName: u.thingName, shadowName: u.shadowName ?? undefined, payload: encoder.encode(JSON.stringify(body)) })),
    );
    const accepted = decodePayload(out.payload);
    return {
      version: typeof accepted.version === "number" ? accepted.version : (u.version ?? 0) + 1,
      timestampMs: typeof accepted.timestamp === "number" ? accepted.timestamp * 1000 : null,
      awsRequestId: awsRequestIdOf(out),
    };
  } catch (err) {
    throw await explainUpdateFailure(err, u);
  } finally {
    // Whatever happened (applied, or refused because it moved on), the cached read is stale.
    invalidateShadowReads(u.thingName, u.shadowName);
  }
}

/**
 * A version conflict, with the shadow as it is now. AWS's other refusals are already in
 * the operator's words (lib/aws/errors.ts, UpdateThingShadow).
 */
async function explainUpdateFailure(err: unknown, u: DesiredUpdate): Promise<unknown> {
  if (!(err instanceof AppError)) return err;
  if (awsErrorName(err) === "ConflictException") {
    const current = await getThingShadow(u.thingName, u.shadowName).catch(() => undefined);
    if (current === undefined)
      return new AppError(
        "conflict",
        "The shadow changed while you were editing, and its latest version could not be read. Nothing was sent; reload and try again.",
        { cause: err.cause },
      );
    return new ShadowConflictError(current, u.version, { cause: err.cause });
  }
  return err;
}

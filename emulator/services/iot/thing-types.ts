import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Router } from "../../server/router";
import { AwsError, invalid } from "../../server/errors";
import type { IotState, ThingTypeRecord } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageLimit, pageOfSorted } from "./pagination";
import { bodyOf, checkName, optionalBoolean, optionalString } from "./validation";

/** ListThings can filter on up to three searchable attributes per type. */
const MAX_SEARCHABLE_ATTRIBUTES = 3;

/**
 * AWS lets a deprecated thing type be deleted only five minutes after deprecation. Tests
 * shorten the wait with EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS (read on every request).
 */
export function thingTypeDeleteWaitMs(): number {
  const raw = process.env.EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS;
  const n = raw === undefined || raw === "" ? 300 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : 300_000;
}

/** Thing types: Create, Describe, List, Update, Deprecate (and undo), Delete. */
export function registerThingTypeRoutes(router: Router, state: IotState): void {
  router.add("CreateThingType", "POST", "/thing-types/{thingTypeName}", (ctx) => {
    const name = checkName(ctx.params.thingTypeName, "thingTypeName");
    const body = bodyOf(ctx);
    const props = readProperties(body.thingTypeProperties);
    const existing = state.types.get(name);
    if (existing) {
      if (isDeepStrictEqual(propsOf(existing), props)) return { body: created(state, existing) };
      throw new AwsError("ResourceAlreadyExistsException", `Thing Type ${name} already exists in current account with different properties`, undefined, {
        resourceId: existing.id,
        resourceArn: state.typeArn(name),
      });
    }
    const type: ThingTypeRecord = { name, id: randomUUID(), deprecated: false, createdMs: Date.now(), ...props };
    if (Array.isArray(body.tags)) type.tags = body.tags;
    state.putType(type);
    return { body: created(state, type) };
  });

  router.add("DescribeThingType", "GET", "/thing-types/{thingTypeName}", (ctx) => {
    const type = requireType(state, checkName(ctx.params.thingTypeName, "thingTypeName"));
    return { body: { ...definition(state, type), thingTypeId: type.id } };
  });

  router.add("ListThingTypes", "GET", "/thing-types", (ctx) => {
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const only = ctx.query.get("thingTypeName") || undefined;
    if (only) checkName(only, "thingTypeName");
    const page = pageOfSorted(state.typeNames.view(), after, limit, only ? (n) => n === only : undefined);
    return {
      body: {
        thingTypes: page.items.map((n) => definition(state, state.types.get(n)!)),
        ...(page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {}),
      },
    };
  });

  router.add("UpdateThingType", "PATCH", "/thing-types/{thingTypeName}", (ctx) => {
    const type = requireType(state, checkName(ctx.params.thingTypeName, "thingTypeName"));
    const raw = bodyOf(ctx).thingTypeProperties as Record<string, unknown> | undefined;
    const props = readProperties(raw);
    // Only the properties present in the request change.
    const next: ThingTypeRecord = { ...type };
    if (raw && "thingTypeDescription" in raw) next.description = props.description;
    if (raw && "searchableAttributes" in raw) next.searchableAttributes = props.searchableAttributes;
    if (raw && "mqtt5Configuration" in raw) next.mqtt5Configuration = props.mqtt5Configuration;
    for (const k of ["description", "searchableAttributes", "mqtt5Configuration"] as const) if (next[k] === undefined) delete next[k];
    state.putType(next);
    return { body: {} };
  });

  router.add("DeprecateThingType", "POST", "/thing-types/{thingTypeName}/deprecate", (ctx) => {
    const type = requireType(state, checkName(ctx.params.thingTypeName, "thingTypeName"));
    const undo = optionalBoolean(bodyOf(ctx).undoDeprecate, "undoDeprecate") ?? false;
    const next: ThingTypeRecord = { ...type, deprecated: !undo };
    if (undo) delete next.deprecationMs;
    else if (!type.deprecated) next.deprecationMs = Date.now();
    state.putType(next);
    return { body: {} };
  });

  router.add("DeleteThingType", "DELETE", "/thing-types/{thingTypeName}", (ctx) => {
    const name = checkName(ctx.params.thingTypeName, "thingTypeName");
    const type = requireType(state, name);
    if (!type.deprecated) throw invalid(`Thing type ${name} must be deprecated before it can be deleted`);
    const waitMs = thingTypeDeleteWaitMs();
    if (Date.now() - (type.deprecationMs ?? 0) < waitMs) {
      throw invalid(`Thing type ${name} was deprecated less than ${Math.round(waitMs / 1000)} seconds ago; wait before deleting it`);
    }
    if ((state.thingsByType.get(name)?.size ?? 0) > 0) {
      throw invalid(`Can not delete thing type ${name}: things are still associated with it`);
    }
    state.removeType(type);
    return { body: {} };
  });
}

function requireType(state: IotState, name: string): ThingTypeRecord {
  const t = state.types.get(name);
  if (!t) throw new AwsError("ResourceNotFoundException", `Thing Type ${name} does not exist`);
  return t;
}

type TypeProps = Pick<ThingTypeRecord, "description" | "searchableAttributes" | "mqtt5Configuration">;

function readProperties(raw: unknown): TypeProps {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalid("thingTypeProperties must be an object");
  const p = raw as Record<string, unknown>;
  const out: TypeProps = {};
  const description = optionalString(p.thingTypeDescription, "thingTypeProperties.thingTypeDescription", 2028);
  if (description !== undefined) out.description = description;
  if (p.searchableAttributes !== undefined && p.searchableAttributes !== null) {
    const list = p.searchableAttributes;
    if (!Array.isArray(list) || list.some((a) => typeof a !== "string" || a.length > 128 || !/^[a-zA-Z0-9_.,@/:#-]+$/.test(a))) {
      throw invalid("thingTypeProperties.searchableAttributes must be a list of attribute names");
    }
    if (list.length > MAX_SEARCHABLE_ATTRIBUTES) throw invalid(`A thing type can have at most ${MAX_SEARCHABLE_ATTRIBUTES} searchable attributes`);
    out.searchableAttributes = list as string[];
  }
  if (p.mqtt5Configuration !== undefined && p.mqtt5Configuration !== null) out.mqtt5Configuration = p.mqtt5Configuration;
  return out;
}

function propsOf(t: ThingTypeRecord): TypeProps {
  const out: TypeProps = {};
  if (t.description !== undefined) out.description = t.description;
  if (t.searchableAttributes !== undefined) out.searchableAttributes = t.searchableAttributes;
  if (t.mqtt5Configuration !== undefined) out.mqtt5Configuration = t.mqtt5Configuration;
  return out;
}

function created(state: IotState, t: ThingTypeRecord) {
  return { thingTypeName: t.name, thingTypeArn: state.typeArn(t.name), thingTypeId: t.id };
}

/** ThingTypeDefinition as ListThingTypes (and, plus thingTypeId, DescribeThingType) return it. */
function definition(state: IotState, t: ThingTypeRecord) {
  return {
    thingTypeName: t.name,
    thingTypeArn: state.typeArn(t.name),
    thingTypeProperties: {
      ...(t.description !== undefined ? { thingTypeDescription: t.description } : {}),
      ...(t.searchableAttributes ? { searchableAttributes: t.searchableAttributes } : {}),
      ...(t.mqtt5Configuration !== undefined ? { mqtt5Configuration: t.mqtt5Configuration } : {}),
    },
    thingTypeMetadata: {
      deprecated: t.deprecated,
      ...(t.deprecationMs !== undefined ? { deprecationDate: epochSeconds(t.deprecationMs) } : {}),
      creationDate: epochSeconds(t.createdMs),
    },
  };
}

import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import { EnvError, readEnv } from "../../../lib/env";
import type { IotState, ThingTypeRecord } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageLimit } from "./pagination";
import { bodyOf, checkName, optionalBoolean, optionalString } from "./validation";
import {
  createThingType,
  deleteThingType,
  deprecateThingType,
  listThingTypes,
  requireThingType,
  updateThingType,
  type ThingTypeProps,
} from "./thing-types-model";

/** ListThings can filter on up to three searchable attributes per type. */
const MAX_SEARCHABLE_ATTRIBUTES = 3;

const DEFAULT_DELETE_WAIT_MS = 300_000;

/**
 * AWS lets a deprecated thing type be deleted only five minutes after deprecation. Tests
 * shorten the wait with EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS, read on every request so
 * a test can change it while the emulator runs; a bad value counts as the five minutes,
 * as it always has (the emulator does not validate its environment at start-up).
 */
function thingTypeDeleteWaitMs(): number {
  try {
    return readEnv(["EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS"]).EMULATOR_THING_TYPE_DELETE_WAIT_SECONDS * 1000;
  } catch (err) {
    if (err instanceof EnvError) return DEFAULT_DELETE_WAIT_MS;
    throw err;
  }
}

/**
 * Thing types: Create, Describe, List, Update, Deprecate (and undo), Delete. Each route
 * parses the request into a typed input, calls thing-types-model.ts and renders the answer.
 */
export function registerThingTypeRoutes(router: Router, state: IotState): void {
  router.add("CreateThingType", "POST", "/thing-types/{thingTypeName}", (ctx) => {
    const name = checkName(ctx.params.thingTypeName, "thingTypeName");
    const body = bodyOf(ctx);
    const type = createThingType(state, {
      name,
      props: readProperties(body.thingTypeProperties),
      ...(Array.isArray(body.tags) ? { tags: body.tags } : {}),
    });
    return { body: { thingTypeName: type.name, thingTypeArn: state.typeArn(type.name), thingTypeId: type.id } };
  });

  router.add("DescribeThingType", "GET", "/thing-types/{thingTypeName}", (ctx) => {
    const type = requireThingType(state, checkName(ctx.params.thingTypeName, "thingTypeName"));
    return { body: { ...definition(state, type), thingTypeId: type.id } };
  });

  router.add("ListThingTypes", "GET", "/thing-types", (ctx) => {
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const only = ctx.query.get("thingTypeName") || undefined;
    if (only) checkName(only, "thingTypeName");
    const page = listThingTypes(state, only, after, limit);
    return {
      body: {
        thingTypes: page.items.map((n) => definition(state, state.types.get(n)!)),
        ...(page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {}),
      },
    };
  });

  router.add("UpdateThingType", "PATCH", "/thing-types/{thingTypeName}", (ctx) => {
    const name = checkName(ctx.params.thingTypeName, "thingTypeName");
    const raw = bodyOf(ctx).thingTypeProperties as Record<string, unknown> | undefined;
    const props = readProperties(raw);
    // A member present in the request changes (or, when null, removes) that property.
    const changes: ThingTypeProps = {};
    if (raw && "thingTypeDescription" in raw) changes.description = props.description;
    if (raw && "searchableAttributes" in raw) changes.searchableAttributes = props.searchableAttributes;
    if (raw && "mqtt5Configuration" in raw) changes.mqtt5Configuration = props.mqtt5Configuration;
    updateThingType(state, name, changes);
    return { body: {} };
  });

  router.add("DeprecateThingType", "POST", "/thing-types/{thingTypeName}/deprecate", (ctx) => {
    const name = checkName(ctx.params.thingTypeName, "thingTypeName");
    deprecateThingType(state, name, optionalBoolean(bodyOf(ctx).undoDeprecate, "undoDeprecate") ?? false);
    return { body: {} };
  });

  router.add("DeleteThingType", "DELETE", "/thing-types/{thingTypeName}", (ctx) => {
    deleteThingType(state, checkName(ctx.params.thingTypeName, "thingTypeName"), thingTypeDeleteWaitMs());
    return { body: {} };
  });
}

function readProperties(raw: unknown): ThingTypeProps {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalid("thingTypeProperties must be an object");
  const p = raw as Record<string, unknown>;
  const out: ThingTypeProps = {};
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

import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { IotState, ThingRecord } from "./state";
import { decodeToken, encodeToken, pageLimit } from "./pagination";
import {
  applyAttributePayload,
  bodyOf,
  checkAttributes,
  checkName,
  optionalBoolean,
  optionalInteger,
  optionalName,
  queryBoolean,
  ATTR_NAME_PATTERN,
  ATTR_VALUE_PATTERN,
} from "./validation";
import { createThing, deleteThing, listThings, updateThing } from "./things-model";

/**
 * Things: CreateThing, DescribeThing, UpdateThing, DeleteThing, ListThings. Each route
 * parses the request into a typed input, calls things-model.ts (the rules and the state
 * change) and renders the answer.
 */
export function registerThingRoutes(router: Router, state: IotState): void {
  router.add("CreateThing", "POST", "/things/{thingName}", (ctx) => {
    const name = checkName(ctx.params.thingName, "thingName");
    const body = bodyOf(ctx);
    const typeName = optionalName(body.thingTypeName, "thingTypeName");
    const payload = (body.attributePayload ?? {}) as Record<string, unknown>;
    const t = createThing(state, {
      name,
      typeName,
      attributes: applyAttributePayload({}, checkAttributes(payload.attributes, "attributePayload.attributes"), false),
      billingGroupName: optionalName(body.billingGroupName, "billingGroupName"),
    });
    return { body: { thingName: t.name, thingArn: state.thingArn(t.name), thingId: t.id } };
  });

  router.add("DescribeThing", "GET", "/things/{thingName}", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    return { body: describe(state, t) };
  });

  router.add("UpdateThing", "PATCH", "/things/{thingName}", (ctx) => {
    const name = checkName(ctx.params.thingName, "thingName");
    const body = bodyOf(ctx);
    const typeName = optionalName(body.thingTypeName, "thingTypeName");
    const removeThingType = optionalBoolean(body.removeThingType, "removeThingType") ?? false;
    const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
    const payload = body.attributePayload as Record<string, unknown> | undefined | null;
    updateThing(state, {
      name,
      typeName,
      removeThingType,
      expectedVersion,
      ...(payload !== undefined && payload !== null
        ? {
            attributePayload: {
              attributes: checkAttributes(payload.attributes, "attributePayload.attributes"),
              merge: optionalBoolean(payload.merge, "attributePayload.merge") ?? false,
            },
          }
        : {}),
    });
    return { body: {} };
  });

  router.add("DeleteThing", "DELETE", "/things/{thingName}", (ctx) => {
    deleteThing(state, checkName(ctx.params.thingName, "thingName"), optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion"));
    return { body: {} };
  });

  router.add("ListThings", "GET", "/things", (ctx) => {
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const attrName = ctx.query.get("attributeName") || undefined;
    const attrValue = ctx.query.get("attributeValue") ?? undefined;
    const typeName = ctx.query.get("thingTypeName") || undefined;
    const prefix = queryBoolean(ctx, "usePrefixAttributeValue") ?? false;
    if (typeName) checkName(typeName, "thingTypeName");
    if (attrName !== undefined && (attrName.length > 128 || !ATTR_NAME_PATTERN.test(attrName))) throw invalid(`Invalid attributeName: ${attrName}`);
    if (attrValue !== undefined && (attrValue.length > 800 || !ATTR_VALUE_PATTERN.test(attrValue))) throw invalid(`Invalid attributeValue: ${attrValue}`);
    if (attrValue !== undefined && attrName === undefined) throw invalid("attributeValue requires attributeName");

    const page = listThings(state, {
      typeName,
      ...(attrName !== undefined ? { attribute: { name: attrName, value: attrValue, prefix } } : {}),
      after,
      limit,
    });
    const things = page.items.map((n) => summary(state, state.things.get(n)!));
    return { body: { things, ...(page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {}) } };
  });
}

function describe(state: IotState, t: ThingRecord) {
  return {
    defaultClientId: t.name,
    thingName: t.name,
    thingId: t.id,
    thingArn: state.thingArn(t.name),
    ...(t.typeName ? { thingTypeName: t.typeName } : {}),
    attributes: t.attributes,
    version: t.version,
    ...(t.billingGroupName ? { billingGroupName: t.billingGroupName } : {}),
  };
}

/** ThingAttribute as ListThings returns it. */
function summary(state: IotState, t: ThingRecord) {
  return {
    thingName: t.name,
    ...(t.typeName ? { thingTypeName: t.typeName } : {}),
    thingArn: state.thingArn(t.name),
    attributes: t.attributes,
    version: t.version,
  };
}

import { randomUUID } from "node:crypto";
import type { Router } from "../../server/router";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, ThingRecord } from "./state";
import { decodeToken, encodeToken, pageLimit, pageOfSorted, type Page } from "./pagination";
import {
  applyAttributePayload,
  bodyOf,
  checkAttributes,
  checkName,
  optionalBoolean,
  optionalInteger,
  optionalName,
  queryBoolean,
  sameAttributes,
  ATTR_NAME_PATTERN,
  ATTR_VALUE_PATTERN,
} from "./validation";

/** Attributes per thing: 3 without a thing type, 50 with one (AWS IoT quotas). */
export const MAX_ATTRIBUTES_UNTYPED = 3;
export const MAX_ATTRIBUTES_TYPED = 50;

/** Below this many candidates a filtered list is sorted per request; above, the name order is scanned. */
const SORT_CANDIDATES_MAX = 20_000;

/**
 * Things: CreateThing, DescribeThing, UpdateThing, DeleteThing, ListThings. Things are
 * listed in ascending name order (UTF-16 code units); the page token is the last name.
 */
export function registerThingRoutes(router: Router, state: IotState): void {
  router.add("CreateThing", "POST", "/things/{thingName}", (ctx) => {
    const name = checkName(ctx.params.thingName, "thingName");
    const body = bodyOf(ctx);
    const typeName = optionalName(body.thingTypeName, "thingTypeName");
    const payload = (body.attributePayload ?? {}) as Record<string, unknown>;
    const attributes = applyAttributePayload({}, checkAttributes(payload.attributes, "attributePayload.attributes"), false);
    const billingGroupName = optionalName(body.billingGroupName, "billingGroupName");

    const existing = state.things.get(name);
    if (existing) {
      // Same configuration again is a no-op success; anything else is a conflict.
      if (existing.typeName === typeName && existing.billingGroupName === billingGroupName && sameAttributes(existing.attributes, attributes)) {
        return { body: { thingName: name, thingArn: state.thingArn(name), thingId: existing.id } };
      }
      throw new AwsError("ResourceAlreadyExistsException", `Thing ${name} already exists in account with different attributes`, undefined, {
        resourceId: existing.id,
        resourceArn: state.thingArn(name),
      });
    }
    if (typeName) assignableType(state, typeName);
    checkAttributeCount(attributes, typeName);

    const thing: ThingRecord = { name, id: randomUUID(), attributes, version: 1, createdMs: Date.now() };
    if (typeName) thing.typeName = typeName;
    if (billingGroupName) thing.billingGroupName = billingGroupName;
    state.putThing(thing);
    return { body: { thingName: name, thingArn: state.thingArn(name), thingId: thing.id } };
  });

  router.add("DescribeThing", "GET", "/things/{thingName}", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    return {
      body: {
        defaultClientId: t.name,
        thingName: t.name,
        thingId: t.id,
        thingArn: state.thingArn(t.name),
        ...(t.typeName ? { thingTypeName: t.typeName } : {}),
        attributes: t.attributes,
        version: t.version,
        ...(t.billingGroupName ? { billingGroupName: t.billingGroupName } : {}),
      },
    };
  });

  router.add("UpdateThing", "PATCH", "/things/{thingName}", (ctx) => {
    const name = checkName(ctx.params.thingName, "thingName");
    const body = bodyOf(ctx);
    const typeName = optionalName(body.thingTypeName, "thingTypeName");
    const removeThingType = optionalBoolean(body.removeThingType, "removeThingType") ?? false;
    const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
    const payload = body.attributePayload as Record<string, unknown> | undefined;
    if (typeName && removeThingType) throw invalid("Cannot specify both thingTypeName and removeThingType");

    const prev = state.requireThing(name);
    if (expectedVersion !== undefined && expectedVersion !== prev.version) {
      throw new AwsError("VersionConflictException", `The version for thing ${name} does not match the expected version.`);
    }
    if (typeName && typeName !== prev.typeName) assignableType(state, typeName);

    const nextType = removeThingType ? undefined : (typeName ?? prev.typeName);
    let attributes = prev.attributes;
    if (payload !== undefined && payload !== null) {
      const given = checkAttributes(payload.attributes, "attributePayload.attributes");
      const merge = optionalBoolean(payload.merge, "attributePayload.merge") ?? false;
      attributes = applyAttributePayload(prev.attributes, given, merge);
    }
    checkAttributeCount(attributes, nextType);

    const next: ThingRecord = { ...prev, attributes, version: prev.version + 1 };
    if (nextType) next.typeName = nextType;
    else delete next.typeName;
    state.putThing(next, prev);
    return { body: {} };
  });

  router.add("DeleteThing", "DELETE", "/things/{thingName}", (ctx) => {
    const name = checkName(ctx.params.thingName, "thingName");
    const expectedVersion = optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion");
    const t = state.things.get(name);
    // Deleting a thing that does not exist succeeds (documented).
    if (!t) return { body: {} };
    if (expectedVersion !== undefined && expectedVersion !== t.version) {
      throw new AwsError("VersionConflictException", `The version for thing ${name} does not match the expected version.`);
    }
    if (t.principals?.length) throw invalid(`Cannot delete. Thing ${name} is still attached to one or more principals`);
    state.removeThing(t);
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
    // AWS refuses this combination (observed error text; not in the API reference).
    if (typeName && attrName) throw invalid("Listing things by the combination of attribute and thing type is not supported");

    let page: Page<string>;
    if (typeName) {
      const idx = state.thingsByType.get(typeName);
      page = idx ? pageOfSorted(idx.view(), after, limit) : { items: [] };
    } else if (attrName !== undefined) {
      page = pageByAttribute(state, attrName, attrValue, prefix, after, limit);
    } else {
      page = pageOfSorted(state.thingNames.view(), after, limit);
    }
    const things = page.items.map((n) => {
      const t = state.things.get(n)!;
      return {
        thingName: t.name,
        ...(t.typeName ? { thingTypeName: t.typeName } : {}),
        thingArn: state.thingArn(t.name),
        attributes: t.attributes,
        version: t.version,
      };
    });
    return { body: { things, ...(page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {}) } };
  });
}

/** A thing type a thing may be given now: it exists and is not deprecated. */
function assignableType(state: IotState, typeName: string): void {
  const type = state.types.get(typeName);
  if (!type) throw notFound(`Thing type ${typeName} does not exist`);
  if (type.deprecated) throw invalid(`Can not create new thing with deprecated thing type: ${typeName}`);
}

function checkAttributeCount(attributes: Record<string, string>, typeName: string | undefined): void {
  const max = typeName ? MAX_ATTRIBUTES_TYPED : MAX_ATTRIBUTES_UNTYPED;
  const n = Object.keys(attributes).length;
  if (n > max) {
    throw invalid(
      typeName
        ? `A thing with a thing type can have at most ${max} attributes (got ${n})`
        : `A thing without a thing type can have at most ${max} attributes (got ${n}); assign a thing type to use up to ${MAX_ATTRIBUTES_TYPED}`,
    );
  }
}

/**
 * ListThings filtered on an attribute: exact value, value prefix, or (no value) any value.
 * Uses the attribute index; when the candidates are many, walks the global name order
 * instead, where matches are then dense enough to fill a page quickly.
 */
function pageByAttribute(state: IotState, attrName: string, value: string | undefined, prefix: boolean, after: string | undefined, limit: number): Page<string> {
  const byValue = state.thingsByAttr.get(attrName);
  if (!byValue) return { items: [] };
  const matches = (v: string) => (value === undefined || (prefix ? v.startsWith(value) : v === value));
  const candidates: string[] = [];
  const collect = (entry: string | Set<string>) => {
    if (typeof entry === "string") candidates.push(entry);
    else for (const n of entry) candidates.push(n);
  };
  if (value !== undefined && !prefix) {
    const entry = byValue.get(value);
    if (entry) collect(entry);
  } else {
    for (const [v, entry] of byValue) {
      if (!matches(v)) continue;
      collect(entry);
      if (candidates.length > SORT_CANDIDATES_MAX) break;
    }
  }
  if (candidates.length <= SORT_CANDIDATES_MAX) return pageOfSorted(candidates.sort(), after, limit);
  return pageOfSorted(state.thingNames.view(), after, limit, (n) => {
    const v = state.things.get(n)?.attributes[attrName];
    return v !== undefined && matches(v);
  });
}

import { randomUUID } from "node:crypto";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, ThingRecord } from "./state";
import { pageOfSorted, type Page } from "./pagination";
import { applyAttributePayload, sameAttributes } from "./validation";
import { assignableBillingGroup } from "./billing-groups-model";

/**
 * Things: the rules and state changes (things.ts parses and renders). Things are listed in
 * ascending name order (UTF-16 code units); the page token is the last name.
 */

/** Attributes per thing: 3 without a thing type, 50 with one (AWS IoT quotas). */
export const MAX_ATTRIBUTES_UNTYPED = 3;
export const MAX_ATTRIBUTES_TYPED = 50;

/** Below this many candidates a filtered list is sorted per request; above, the name order is scanned. */
const SORT_CANDIDATES_MAX = 20_000;

export interface CreateThingInput {
  name: string;
  typeName?: string;
  attributes: Record<string, string>;
  billingGroupName?: string;
}

/** CreateThing: the same configuration again returns the existing thing; anything else is a conflict. */
export function createThing(state: IotState, input: CreateThingInput): ThingRecord {
  const { name, typeName, attributes, billingGroupName } = input;
  const existing = state.things.get(name);
  if (existing) {
    if (existing.typeName === typeName && existing.billingGroupName === billingGroupName && sameAttributes(existing.attributes, attributes)) return existing;
    throw new AwsError("ResourceAlreadyExistsException", `Thing ${name} already exists in account with different attributes`, undefined, {
      resourceId: existing.id,
      resourceArn: state.thingArn(name),
    });
  }
  if (typeName) assignableType(state, typeName);
  if (billingGroupName) assignableBillingGroup(state, billingGroupName);
  checkAttributeCount(attributes, typeName);

  const thing: ThingRecord = { name, id: randomUUID(), attributes, version: 1, createdMs: Date.now() };
  if (typeName) thing.typeName = typeName;
  if (billingGroupName) thing.billingGroupName = billingGroupName;
  state.putThing(thing);
  return thing;
}

export interface UpdateThingInput {
  name: string;
  typeName?: string;
  removeThingType: boolean;
  expectedVersion?: number;
  /** The `attributePayload`, when the request has one. */
  attributePayload?: { attributes: Record<string, string>; merge: boolean };
}

export function updateThing(state: IotState, input: UpdateThingInput): ThingRecord {
  const { name, typeName, removeThingType, expectedVersion, attributePayload } = input;
  if (typeName && removeThingType) throw invalid("Cannot specify both thingTypeName and removeThingType");
  const prev = state.requireThing(name);
  checkVersion(prev, expectedVersion);
  if (typeName && typeName !== prev.typeName) assignableType(state, typeName);

  const nextType = removeThingType ? undefined : (typeName ?? prev.typeName);
  const attributes = attributePayload ? applyAttributePayload(prev.attributes, attributePayload.attributes, attributePayload.merge) : prev.attributes;
  checkAttributeCount(attributes, nextType);

  const next: ThingRecord = { ...prev, attributes, version: prev.version + 1 };
  if (nextType) next.typeName = nextType;
  else delete next.typeName;
  state.putThing(next, prev);
  return next;
}

export function deleteThing(state: IotState, name: string, expectedVersion: number | undefined): void {
  const t = state.things.get(name);
  // Deleting a thing that does not exist succeeds (documented).
  if (!t) return;
  checkVersion(t, expectedVersion);
  if (t.principals?.length) throw invalid(`Cannot delete. Thing ${name} is still attached to one or more principals`);
  state.removeThing(t);
}

export interface ListThingsInput {
  typeName?: string;
  /** Attribute filter: exact value, value prefix (`prefix`), or (no value) any value. */
  attribute?: { name: string; value?: string; prefix: boolean };
  after?: string;
  limit: number;
}

export function listThings(state: IotState, input: ListThingsInput): Page<string> {
  const { typeName, attribute, after, limit } = input;
  // AWS refuses this combination (observed error text; not in the API reference).
  if (typeName && attribute) throw invalid("Listing things by the combination of attribute and thing type is not supported");
  if (typeName) {
    const idx = state.thingsByType.get(typeName);
    return idx ? pageOfSorted(idx.view(), after, limit) : { items: [] };
  }
  if (attribute) return pageByAttribute(state, attribute.name, attribute.value, attribute.prefix, after, limit);
  return pageOfSorted(state.thingNames.view(), after, limit);
}

function checkVersion(t: ThingRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== t.version) {
    throw new AwsError("VersionConflictException", `The version for thing ${t.name} does not match the expected version.`);
  }
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
 * ListThings filtered on an attribute. Uses the attribute index; when the candidates are
 * many, walks the global name order instead, where matches are then dense enough to fill
 * a page quickly.
 */
function pageByAttribute(
  state: IotState,
  attrName: string,
  value: string | undefined,
  prefix: boolean,
  after: string | undefined,
  limit: number,
): Page<string> {
  const byValue = state.thingsByAttr.get(attrName);
  if (!byValue) return { items: [] };
  const matches = (v: string) => value === undefined || (prefix ? v.startsWith(value) : v === value);
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

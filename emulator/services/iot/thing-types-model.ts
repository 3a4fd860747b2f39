import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { AwsError, invalid } from "../../server/errors";
import type { IotState, ThingTypeRecord } from "./state";
import { pageOfSorted, type Page } from "./pagination";

/**
 * Thing types: the rules and state changes (thing-types.ts parses and renders). A type is
 * deleted only once deprecated, after the wait, and when no thing has it.
 */

/** The properties of a thing type that CreateThingType compares and UpdateThingType changes. */
export type ThingTypeProps = Pick<ThingTypeRecord, "description" | "searchableAttributes" | "mqtt5Configuration">;

export interface CreateThingTypeInput {
  name: string;
  props: ThingTypeProps;
  tags?: unknown[];
}

/** CreateThingType: the same properties again return the existing type. */
export function createThingType(state: IotState, input: CreateThingTypeInput): ThingTypeRecord {
  const { name, props } = input;
  const existing = state.types.get(name);
  if (existing) {
    if (isDeepStrictEqual(propsOf(existing), props)) return existing;
    throw new AwsError("ResourceAlreadyExistsException", `Thing Type ${name} already exists in current account with different properties`, undefined, {
      resourceId: existing.id,
      resourceArn: state.typeArn(name),
    });
  }
  const type: ThingTypeRecord = { name, id: randomUUID(), deprecated: false, createdMs: Date.now(), ...props };
  if (input.tags) type.tags = input.tags;
  state.putType(type);
  return type;
}

export function requireThingType(state: IotState, name: string): ThingTypeRecord {
  const t = state.types.get(name);
  if (!t) throw new AwsError("ResourceNotFoundException", `Thing Type ${name} does not exist`);
  return t;
}

/** ListThingTypes, optionally narrowed to one name (`thingTypeName`). */
export function listThingTypes(state: IotState, only: string | undefined, after: string | undefined, limit: number): Page<string> {
  return pageOfSorted(state.typeNames.view(), after, limit, only ? (n) => n === only : undefined);
}

/**
 * UpdateThingType: only the properties present in the request change. A key present in
 * `changes` replaces that property; present with an undefined value, it removes it.
 */
export function updateThingType(state: IotState, name: string, changes: ThingTypeProps): ThingTypeRecord {
  const next: ThingTypeRecord = { ...requireThingType(state, name), ...changes };
  for (const k of ["description", "searchableAttributes", "mqtt5Configuration"] as const) if (next[k] === undefined) delete next[k];
  state.putType(next);
  return next;
}

/** DeprecateThingType, or with `undo` its reversal; deprecating again keeps the first date. */
export function deprecateThingType(state: IotState, name: string, undo: boolean): ThingTypeRecord {
  const type = requireThingType(state, name);
  const next: ThingTypeRecord = { ...type, deprecated: !undo };
  if (undo) delete next.deprecationMs;
  else if (!type.deprecated) next.deprecationMs = Date.now();
  state.putType(next);
  return next;
}

/** DeleteThingType: `waitMs` is how long after deprecation AWS lets it be deleted (five minutes). */
export function deleteThingType(state: IotState, name: string, waitMs: number): void {
  const type = requireThingType(state, name);
  if (!type.deprecated) throw invalid(`Thing type ${name} must be deprecated before it can be deleted`);
  if (Date.now() - (type.deprecationMs ?? 0) < waitMs) {
    throw invalid(`Thing type ${name} was deprecated less than ${Math.round(waitMs / 1000)} seconds ago; wait before deleting it`);
  }
  if ((state.thingsByType.get(name)?.size ?? 0) > 0) {
    throw invalid(`Can not delete thing type ${name}: things are still associated with it`);
  }
  state.removeType(type);
}

function propsOf(t: ThingTypeRecord): ThingTypeProps {
  const out: ThingTypeProps = {};
  if (t.description !== undefined) out.description = t.description;
  if (t.searchableAttributes !== undefined) out.searchableAttributes = t.searchableAttributes;
  if (t.mqtt5Configuration !== undefined) out.mqtt5Configuration = t.mqtt5Configuration;
  return out;
}

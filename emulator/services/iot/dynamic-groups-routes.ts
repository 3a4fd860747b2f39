import type { Router } from "../../server/router";
import { invalid, type AwsError } from "../../server/errors";
import { MAX_GROUP_ATTRIBUTES } from "./thing-groups";
import { applyAttributePayload, bodyOf, checkAttributes, checkName, optionalInteger, optionalString } from "./validation";
import type { IotState } from "./state";
import type { FleetIndexing } from "./indexing";
import {
  createDynamicGroup,
  deleteDynamicGroup,
  DYNAMIC_QUERY_VERSION,
  updateDynamicGroup,
  type CreateDynamicGroupInput,
  type UpdateDynamicGroupInput,
} from "./dynamic-groups";

/**
 * CreateDynamicThingGroup, UpdateDynamicThingGroup, DeleteDynamicThingGroup
 * (DescribeThingGroup serves both kinds): requests parsed into typed inputs here, the
 * rules in dynamic-groups.ts.
 */

function validation(value: unknown, member: string, constraint: string): AwsError {
  const shown = value === null || value === undefined ? "null" : typeof value === "string" ? value : JSON.stringify(value);
  return invalid(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function checkIndexName(value: unknown): string {
  if (value === undefined || value === null) return "AWS_Things";
  if (value !== "AWS_Things") throw invalid(`Dynamic thing groups can only use the AWS_Things index (got ${JSON.stringify(value)})`);
  return value;
}

function checkQueryVersion(value: unknown): string {
  if (value === undefined || value === null) return DYNAMIC_QUERY_VERSION;
  if (value !== DYNAMIC_QUERY_VERSION) throw invalid(`Unsupported queryVersion ${JSON.stringify(value)}: the only query version is ${DYNAMIC_QUERY_VERSION}`);
  return value;
}

export function parseCreateDynamicGroup(name: string, body: Record<string, unknown>): CreateDynamicGroupInput {
  if (body.queryString === undefined || body.queryString === null) throw validation(null, "queryString", "Member must not be null");
  if (typeof body.queryString !== "string" || body.queryString.length < 1)
    throw validation(body.queryString, "queryString", "Member must have length greater than or equal to 1");
  const queryString = body.queryString;
  const indexName = checkIndexName(body.indexName);
  const queryVersion = checkQueryVersion(body.queryVersion);
  const props = (body.thingGroupProperties ?? {}) as Record<string, unknown>;
  const description = optionalString(props.thingGroupDescription, "thingGroupProperties.thingGroupDescription", 2028);
  const payload = (props.attributePayload ?? {}) as Record<string, unknown>;
  const attributes = applyAttributePayload({}, checkAttributes(payload.attributes, "thingGroupProperties.attributePayload.attributes"), false);
  if (Object.keys(attributes).length > MAX_GROUP_ATTRIBUTES) throw invalid(`A thing group can have at most ${MAX_GROUP_ATTRIBUTES} attributes`);
  return { name, queryString, indexName, queryVersion, description, attributes, tags: Array.isArray(body.tags) ? body.tags : undefined };
}

export function parseUpdateDynamicGroup(name: string, body: Record<string, unknown>): UpdateDynamicGroupInput {
  const props = body.thingGroupProperties as Record<string, unknown> | undefined;
  if (props === undefined || props === null) throw validation(null, "thingGroupProperties", "Member must not be null");
  if (typeof props !== "object") throw invalid("thingGroupProperties must be an object");
  const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
  const indexName = body.indexName === undefined ? undefined : checkIndexName(body.indexName);
  const queryVersion = body.queryVersion === undefined ? undefined : checkQueryVersion(body.queryVersion);
  let queryString: string | undefined;
  if (body.queryString !== undefined && body.queryString !== null) {
    if (typeof body.queryString !== "string" || body.queryString.length < 1)
      throw validation(body.queryString, "queryString", "Member must have length greater than or equal to 1");
    queryString = body.queryString;
  }
  return { name, properties: props, expectedVersion, indexName, queryVersion, queryString };
}

export function registerDynamicGroupRoutes(router: Router, state: IotState, fi: FleetIndexing): void {
  const dyn = fi.dynamicGroups;

  router.add("CreateDynamicThingGroup", "POST", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const input = parseCreateDynamicGroup(checkName(ctx.params.thingGroupName, "thingGroupName"), bodyOf(ctx));
    return { body: createDynamicGroup(state, dyn, input) };
  });

  router.add("UpdateDynamicThingGroup", "PATCH", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const input = parseUpdateDynamicGroup(checkName(ctx.params.thingGroupName, "thingGroupName"), bodyOf(ctx));
    return { body: { version: updateDynamicGroup(state, dyn, input) } };
  });

  router.add("DeleteDynamicThingGroup", "DELETE", "/dynamic-thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    deleteDynamicGroup(state, dyn, name, optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion"));
    return { body: {} };
  });
}

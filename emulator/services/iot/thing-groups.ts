import type { Router } from "../../server/router";
import { invalid } from "../../server/errors";
import type { IotState, ThingGroupRecord } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, nextTokenOf, pageLimit, pageOfSorted } from "./pagination";
import {
  applyAttributePayload,
  bodyOf,
  checkAttributes,
  checkName,
  optionalBoolean,
  optionalInteger,
  optionalName,
  optionalString,
  queryBoolean,
} from "./validation";
import {
  addThingToThingGroup,
  createThingGroup,
  deleteThingGroup,
  listThingGroups,
  listThingsInThingGroup,
  removeThingFromThingGroup,
  resolveGroup,
  resolveThing,
  updateThingGroup,
  updateThingGroupsForThing,
} from "./thing-groups-model";

// dynamic-groups.ts shares the limits and the properties update.
export { MAX_DIRECT_CHILDREN, MAX_GROUP_ATTRIBUTES, MAX_GROUP_DEPTH, MAX_GROUPS_PER_THING, withGroupProperties } from "./thing-groups-model";

/**
 * Static thing group routes: each parses the request into a typed input, calls
 * thing-groups-model.ts (the rules and the state change) and renders the answer.
 */
export function registerThingGroupRoutes(router: Router, state: IotState): void {
  router.add("CreateThingGroup", "POST", "/thing-groups/{thingGroupName}", (ctx) => {
    const body = bodyOf(ctx);
    const props = (body.thingGroupProperties ?? {}) as Record<string, unknown>;
    const payload = (props.attributePayload ?? {}) as Record<string, unknown>;
    const g = createThingGroup(state, {
      name: checkName(ctx.params.thingGroupName, "thingGroupName"),
      parentName: optionalName(body.parentGroupName, "parentGroupName"),
      description: optionalString(props.thingGroupDescription, "thingGroupProperties.thingGroupDescription", 2028),
      attributes: applyAttributePayload({}, checkAttributes(payload.attributes, "thingGroupProperties.attributePayload.attributes"), false),
      ...(Array.isArray(body.tags) ? { tags: body.tags } : {}),
    });
    return { body: { thingGroupName: g.name, thingGroupArn: state.groupArn(g.name), thingGroupId: g.id } };
  });

  router.add("DescribeThingGroup", "GET", "/thing-groups/{thingGroupName}", (ctx) => {
    const g = state.requireGroup(checkName(ctx.params.thingGroupName, "thingGroupName"));
    return { body: describe(state, g) };
  });

  router.add("UpdateThingGroup", "PATCH", "/thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const body = bodyOf(ctx);
    const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
    const props = body.thingGroupProperties as Record<string, unknown> | undefined;
    if (!props || typeof props !== "object") throw invalid("thingGroupProperties is required");
    return { body: { version: updateThingGroup(state, name, props, expectedVersion).version } };
  });

  router.add("DeleteThingGroup", "DELETE", "/thing-groups/{thingGroupName}", (ctx) => {
    deleteThingGroup(state, checkName(ctx.params.thingGroupName, "thingGroupName"), optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion"));
    return { body: {} };
  });

  router.add("ListThingGroups", "GET", "/thing-groups", (ctx) => {
    const parent = ctx.query.get("parentGroup") || undefined;
    const prefix = ctx.query.get("namePrefixFilter") || undefined;
    const page = listThingGroups(state, {
      parent: parent === undefined ? undefined : checkName(parent, "parentGroup"),
      prefix: prefix === undefined ? undefined : checkName(prefix, "namePrefixFilter"),
      recursive: queryBoolean(ctx, "recursive"),
      after: decodeToken<string>(ctx.query.get("nextToken"), "string"),
      limit: pageLimit(ctx, "maxResults"),
    });
    return { body: { thingGroups: page.items.map((n) => nameAndArn(state, n)), ...nextTokenOf(page) } };
  });

  router.add("ListThingsInThingGroup", "GET", "/thing-groups/{thingGroupName}/things", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const page = listThingsInThingGroup(state, name, queryBoolean(ctx, "recursive") ?? false, after, limit);
    return { body: { things: page.items, ...nextTokenOf(page) } };
  });

  router.add("ListThingGroupsForThing", "GET", "/things/{thingName}/thing-groups", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    // Static and dynamic groups alike (the developer guide: ListThingGroupsForThing may show a deleted dynamic group for a while).
    const page = pageOfSorted([...(t.groups ?? []), ...state.dynamicGroupsOf(t.name)].sort(), after, limit);
    return { body: { thingGroups: page.items.map((n) => nameAndArn(state, n)), ...nextTokenOf(page) } };
  });

  router.add("AddThingToThingGroup", "PUT", "/thing-groups/addThingToThingGroup", (ctx) => {
    const body = bodyOf(ctx);
    const g = resolveGroup(state, body.thingGroupName, body.thingGroupArn);
    const t = resolveThing(state, body.thingName, body.thingArn);
    addThingToThingGroup(state, g, t, optionalBoolean(body.overrideDynamicGroups, "overrideDynamicGroups") ?? false);
    return { body: {} };
  });

  router.add("RemoveThingFromThingGroup", "PUT", "/thing-groups/removeThingFromThingGroup", (ctx) => {
    const body = bodyOf(ctx);
    const g = resolveGroup(state, body.thingGroupName, body.thingGroupArn);
    const t = resolveThing(state, body.thingName, body.thingArn);
    removeThingFromThingGroup(state, g, t);
    return { body: {} };
  });

  router.add("UpdateThingGroupsForThing", "PUT", "/thing-groups/updateThingGroupsForThing", (ctx) => {
    const body = bodyOf(ctx);
    if (body.thingName === undefined) throw invalid("thingName is required");
    updateThingGroupsForThing(
      state,
      checkName(body.thingName, "thingName"),
      nameList(body.thingGroupsToAdd, "thingGroupsToAdd"),
      nameList(body.thingGroupsToRemove, "thingGroupsToRemove"),
      optionalBoolean(body.overrideDynamicGroups, "overrideDynamicGroups") ?? false,
    );
    return { body: {} };
  });
}

function describe(state: IotState, g: ThingGroupRecord) {
  return {
    thingGroupName: g.name,
    thingGroupId: g.id,
    thingGroupArn: state.groupArn(g.name),
    version: g.version,
    // Without description and attributes AWS answers `"thingGroupProperties": {}` (AWS CLI
    // example for describe-thing-group), not an empty attributePayload.
    thingGroupProperties: {
      ...(g.description !== undefined ? { thingGroupDescription: g.description } : {}),
      ...(Object.keys(g.attributes).length ? { attributePayload: { attributes: g.attributes } } : {}),
    },
    thingGroupMetadata: {
      ...(g.parentName ? { parentGroupName: g.parentName } : {}),
      rootToParentThingGroups: state.ancestors(g).map((a) => ({ groupName: a.name, groupArn: state.groupArn(a.name) })),
      creationDate: epochSeconds(g.createdMs),
    },
    ...(g.dynamic ?? {}),
  };
}

function nameList(value: unknown, member: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${member} must be a list of thing group names`);
  return value.map((v) => checkName(v, member));
}

function nameAndArn(state: IotState, name: string) {
  return { groupName: name, groupArn: state.groupArn(name) };
}

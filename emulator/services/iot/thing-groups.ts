import { randomUUID } from "node:crypto";
import type { Router } from "../../server/router";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, ThingGroupRecord, ThingRecord } from "./state";
import { epochSeconds } from "./context";
import { decodeToken, encodeToken, pageLimit, pageOfSorted, type Page } from "./pagination";
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
  sameAttributes,
} from "./validation";

/** AWS IoT quotas for static thing groups. */
export const MAX_GROUP_DEPTH = 7;
export const MAX_DIRECT_CHILDREN = 100;
export const MAX_GROUPS_PER_THING = 10;
export const MAX_GROUP_ATTRIBUTES = 50;

/**
 * The next version of a group after UpdateThingGroup / UpdateDynamicThingGroup's
 * `thingGroupProperties`: description replaced or removed, attributes merged or replaced.
 */
export function withGroupProperties(g: ThingGroupRecord, props: Record<string, unknown>): ThingGroupRecord {
  const next: ThingGroupRecord = { ...g, version: g.version + 1 };
  if ("thingGroupDescription" in props) {
    const d = optionalString(props.thingGroupDescription, "thingGroupProperties.thingGroupDescription", 2028);
    if (d) next.description = d;
    else delete next.description;
  }
  const payload = props.attributePayload as Record<string, unknown> | undefined;
  if (payload) {
    const given = checkAttributes(payload.attributes, "thingGroupProperties.attributePayload.attributes");
    next.attributes = applyAttributePayload(g.attributes, given, optionalBoolean(payload.merge, "attributePayload.merge") ?? false);
    if (Object.keys(next.attributes).length > MAX_GROUP_ATTRIBUTES) throw invalid(`A thing group can have at most ${MAX_GROUP_ATTRIBUTES} attributes`);
  }
  return next;
}

/**
 * Static thing groups and membership. Rules enforced (developer guide, "Static thing
 * groups"): a group has at most one parent, set only at creation; hierarchies are at most
 * 7 deep and a group has at most 100 direct children; a thing belongs to at most 10
 * groups and never to two groups of the same hierarchy (same root group). Groups and
 * members are listed in ascending name order.
 */
export function registerThingGroupRoutes(router: Router, state: IotState): void {
  router.add("CreateThingGroup", "POST", "/thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const body = bodyOf(ctx);
    const parentName = optionalName(body.parentGroupName, "parentGroupName");
    const props = (body.thingGroupProperties ?? {}) as Record<string, unknown>;
    const description = optionalString(props.thingGroupDescription, "thingGroupProperties.thingGroupDescription", 2028);
    const payload = (props.attributePayload ?? {}) as Record<string, unknown>;
    const attributes = applyAttributePayload({}, checkAttributes(payload.attributes, "thingGroupProperties.attributePayload.attributes"), false);

    const existing = state.groups.get(name);
    if (existing) {
      if (existing.parentName === parentName && existing.description === description && sameAttributes(existing.attributes, attributes)) {
        return { body: created(state, existing) };
      }
      throw new AwsError("ResourceAlreadyExistsException", `Thing Group ${name} already exists in current account with different properties`, undefined, {
        resourceId: existing.id,
        resourceArn: state.groupArn(name),
      });
    }
    if (parentName) {
      // CreateThingGroup models no ResourceNotFoundException: a bad parent is an invalid request.
      const parent = state.groups.get(parentName);
      if (!parent) throw invalid(`Parent thing group ${parentName} does not exist`);
      if (parent.dynamic) throw invalid(`Dynamic thing group ${parentName} cannot have child groups`);
      if (state.ancestors(parent).length + 2 > MAX_GROUP_DEPTH) {
        throw invalid(`Thing group hierarchy depth would exceed ${MAX_GROUP_DEPTH} levels`);
      }
      if ((state.children.get(parentName)?.size ?? 0) >= MAX_DIRECT_CHILDREN) {
        throw invalid(`Thing group ${parentName} already has the maximum of ${MAX_DIRECT_CHILDREN} direct child groups`);
      }
    }
    if (Object.keys(attributes).length > MAX_GROUP_ATTRIBUTES) throw invalid(`A thing group can have at most ${MAX_GROUP_ATTRIBUTES} attributes`);

    const group: ThingGroupRecord = { name, id: randomUUID(), attributes, version: 1, createdMs: Date.now() };
    if (parentName) group.parentName = parentName;
    if (description !== undefined) group.description = description;
    if (Array.isArray(body.tags)) group.tags = body.tags;
    state.putGroup(group);
    return { body: created(state, group) };
  });

  router.add("DescribeThingGroup", "GET", "/thing-groups/{thingGroupName}", (ctx) => {
    const g = state.requireGroup(checkName(ctx.params.thingGroupName, "thingGroupName"));
    return {
      body: {
        thingGroupName: g.name,
        thingGroupId: g.id,
        thingGroupArn: state.groupArn(g.name),
        version: g.version,
        thingGroupProperties: {
          ...(g.description !== undefined ? { thingGroupDescription: g.description } : {}),
          attributePayload: { attributes: g.attributes },
        },
        thingGroupMetadata: {
          ...(g.parentName ? { parentGroupName: g.parentName } : {}),
          rootToParentThingGroups: state.ancestors(g).map((a) => ({ groupName: a.name, groupArn: state.groupArn(a.name) })),
          creationDate: epochSeconds(g.createdMs),
        },
        ...(g.dynamic ?? {}),
      },
    };
  });

  router.add("UpdateThingGroup", "PATCH", "/thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const body = bodyOf(ctx);
    const expectedVersion = optionalInteger(body.expectedVersion, "expectedVersion");
    const props = body.thingGroupProperties as Record<string, unknown> | undefined;
    if (!props || typeof props !== "object") throw invalid("thingGroupProperties is required");
    const g = state.requireGroup(name);
    if (g.dynamic) throw dynamicUnsupported(state, name);
    if (expectedVersion !== undefined && expectedVersion !== g.version) {
      throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
    }
    const next = withGroupProperties(g, props);
    state.putGroup(next);
    return { body: { version: next.version } };
  });

  router.add("DeleteThingGroup", "DELETE", "/thing-groups/{thingGroupName}", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    const expectedVersion = optionalInteger(ctx.query.get("expectedVersion"), "expectedVersion");
    const g = state.groups.get(name);
    // DeleteThingGroup models no ResourceNotFoundException: deleting a missing group succeeds.
    if (!g) return { body: {} };
    // Dynamic groups are deleted with DeleteDynamicThingGroup (AWS answers this exact message).
    if (g.dynamic) throw dynamicUnsupported(state, name);
    if (expectedVersion !== undefined && expectedVersion !== g.version) {
      throw new AwsError("VersionConflictException", `The version for thing group ${name} does not match the expected version.`);
    }
    if (state.children.get(name)?.size) throw invalid(`Cannot delete thing group : ${name} when there are still child groups attached to it`);
    for (const thingName of [...state.membersOf(name).view()]) {
      const t = state.things.get(thingName);
      if (!t?.groups) continue;
      t.groups = t.groups.filter((x) => x !== name);
      if (t.groups.length === 0) delete t.groups;
      state.saveThing(t);
    }
    state.detachAllPolicies(state.groupArn(name));
    state.removeGroup(g);
    return { body: {} };
  });

  router.add("ListThingGroups", "GET", "/thing-groups", (ctx) => {
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const parent = ctx.query.get("parentGroup") || undefined;
    const prefix = ctx.query.get("namePrefixFilter") ?? "";
    const recursive = queryBoolean(ctx, "recursive") ?? false;
    const keep = prefix ? (n: string) => n.startsWith(prefix) : undefined;
    let page: Page<string>;
    if (parent) {
      state.requireGroup(checkName(parent, "parentGroup"));
      const names = recursive ? state.subtree(parent).filter((n) => n !== parent) : [...(state.children.get(parent) ?? [])];
      page = pageOfSorted(names.sort(), after, limit, keep);
    } else {
      page = pageOfSorted(state.groupNames.view(), after, limit, keep);
    }
    return { body: { thingGroups: page.items.map((n) => nameAndArn(state, n)), ...next(page) } };
  });

  router.add("ListThingsInThingGroup", "GET", "/thing-groups/{thingGroupName}/things", (ctx) => {
    const name = checkName(ctx.params.thingGroupName, "thingGroupName");
    state.requireGroup(name);
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    const groups = queryBoolean(ctx, "recursive") ? state.subtree(name) : [name];
    // Take one page from each group of the subtree and merge; memberships of one
    // hierarchy are disjoint, so nothing repeats.
    const merged = groups.flatMap((g) => pageOfSorted(state.membersOf(g).view(), after, limit + 1).items);
    const sorted = [...new Set(merged)].sort();
    const items = sorted.slice(0, limit);
    const page: Page<string> = sorted.length > limit ? { items, nextKey: items[items.length - 1] } : { items };
    return { body: { things: page.items, ...next(page) } };
  });

  router.add("ListThingGroupsForThing", "GET", "/things/{thingName}/thing-groups", (ctx) => {
    const t = state.requireThing(checkName(ctx.params.thingName, "thingName"));
    const limit = pageLimit(ctx, "maxResults");
    const after = decodeToken<string>(ctx.query.get("nextToken"), "string");
    // Static and dynamic groups alike (the developer guide: ListThingGroupsForThing may show a deleted dynamic group for a while).
    const page = pageOfSorted([...(t.groups ?? []), ...state.dynamicGroupsOf(t.name)].sort(), after, limit);
    return { body: { thingGroups: page.items.map((n) => nameAndArn(state, n)), ...next(page) } };
  });

  router.add("AddThingToThingGroup", "PUT", "/thing-groups/addThingToThingGroup", (ctx) => {
    const body = bodyOf(ctx);
    const g = resolveGroup(state, body.thingGroupName, body.thingGroupArn);
    const t = resolveThing(state, body.thingName, body.thingArn);
    if (g.dynamic) throw dynamicUnsupported(state, g.name);
    const override = optionalBoolean(body.overrideDynamicGroups, "overrideDynamicGroups") ?? false;
    if (!t.groups?.includes(g.name)) setGroups(state, t, [...(t.groups ?? []), g.name], override);
    return { body: {} };
  });

  router.add("RemoveThingFromThingGroup", "PUT", "/thing-groups/removeThingFromThingGroup", (ctx) => {
    const body = bodyOf(ctx);
    const g = resolveGroup(state, body.thingGroupName, body.thingGroupArn);
    const t = resolveThing(state, body.thingName, body.thingArn);
    if (g.dynamic) throw dynamicUnsupported(state, g.name);
    if (t.groups?.includes(g.name)) setGroups(state, t, t.groups.filter((x) => x !== g.name));
    return { body: {} };
  });

  router.add("UpdateThingGroupsForThing", "PUT", "/thing-groups/updateThingGroupsForThing", (ctx) => {
    const body = bodyOf(ctx);
    if (body.thingName === undefined) throw invalid("thingName is required");
    const t = state.requireThing(checkName(body.thingName, "thingName"));
    const staticGroup = (n: string) => {
      const g = state.requireGroup(n);
      if (g.dynamic) throw dynamicUnsupported(state, g.name);
      return g.name;
    };
    const toAdd = nameList(body.thingGroupsToAdd, "thingGroupsToAdd").map(staticGroup);
    const toRemove = new Set(nameList(body.thingGroupsToRemove, "thingGroupsToRemove").map(staticGroup));
    const override = optionalBoolean(body.overrideDynamicGroups, "overrideDynamicGroups") ?? false;
    const result = (t.groups ?? []).filter((g) => !toRemove.has(g));
    for (const g of toAdd) if (!result.includes(g)) result.push(g);
    setGroups(state, t, result, override);
    return { body: {} };
  });
}

/**
 * Replaces a thing's static group memberships after checking the per-thing rules, and
 * keeps the group → members index in step.
 */
function setGroups(state: IotState, t: ThingRecord, groups: string[], overrideDynamicGroups = false): void {
  if (groups.length > MAX_GROUPS_PER_THING) {
    throw invalid(`Thing ${t.name} cannot be added to more than ${MAX_GROUPS_PER_THING} thing groups`);
  }
  // Dynamic groups count toward the limit too; with overrideDynamicGroups the static group
  // wins and the thing leaves its newest dynamic group (dynamic-groups.ts re-evaluates it).
  const dynamicCount = state.dynamicGroupsOf(t.name).length;
  if (!overrideDynamicGroups && groups.length > (t.groups?.length ?? 0) && groups.length + dynamicCount > MAX_GROUPS_PER_THING) {
    throw invalid(`Thing ${t.name} cannot be added to more than ${MAX_GROUPS_PER_THING} thing groups (it is in ${dynamicCount} dynamic thing group(s); set overrideDynamicGroups to take a slot from a dynamic group)`);
  }
  const byRoot = new Map<string, string>();
  for (const name of groups) {
    const root = state.rootOf(state.groups.get(name)!);
    const other = byRoot.get(root);
    if (other) throw invalid(`Thing ${t.name} cannot be in both ${other} and ${name}: a thing can belong to only one group of a hierarchy (root ${root})`);
    byRoot.set(root, name);
  }
  const before = new Set(t.groups ?? []);
  const after = new Set(groups);
  if (groups.length) t.groups = groups;
  else delete t.groups;
  for (const g of before) if (!after.has(g)) state.groupMembers.get(g)?.delete(t.name);
  for (const g of after) if (!before.has(g)) state.membersOf(g).add(t.name);
  state.saveThing(t);
}

function dynamicUnsupported(state: IotState, name: string): AwsError {
  return invalid(`This operation does not support dynamic thing groups. Thing group arn: ${state.groupArn(name)}`);
}

function resolveGroup(state: IotState, name: unknown, groupArn: unknown): ThingGroupRecord {
  if (name !== undefined && name !== null) return state.requireGroup(checkName(name, "thingGroupName"));
  if (typeof groupArn === "string" && groupArn) {
    const fromArn = state.groupNameFromArn(groupArn);
    const g = fromArn ? state.groups.get(fromArn) : undefined;
    if (!g) throw notFound(`Thing Group ${groupArn} does not exist`);
    return g;
  }
  throw invalid("Either thingGroupName or thingGroupArn must be specified");
}

function resolveThing(state: IotState, name: unknown, thingArn: unknown): ThingRecord {
  if (name !== undefined && name !== null) return state.requireThing(checkName(name, "thingName"));
  if (typeof thingArn === "string" && thingArn) {
    const fromArn = state.thingNameFromArn(thingArn);
    const t = fromArn ? state.things.get(fromArn) : undefined;
    if (!t) throw notFound(`Thing ${thingArn} cannot be found.`);
    return t;
  }
  throw invalid("Either thingName or thingArn must be specified");
}

function nameList(value: unknown, member: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${member} must be a list of thing group names`);
  return value.map((v) => checkName(v, member));
}

function created(state: IotState, g: ThingGroupRecord) {
  return { thingGroupName: g.name, thingGroupArn: state.groupArn(g.name), thingGroupId: g.id };
}

function nameAndArn(state: IotState, name: string) {
  return { groupName: name, groupArn: state.groupArn(name) };
}

function next(page: Page<string>) {
  return page.nextKey !== undefined ? { nextToken: encodeToken(page.nextKey) } : {};
}

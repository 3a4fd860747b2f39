import { randomUUID } from "node:crypto";
import { AwsError, invalid, notFound } from "../../server/errors";
import type { IotState, ThingGroupRecord, ThingRecord } from "./state";
import { pageOfSorted, type Page } from "./pagination";
import { applyAttributePayload, checkAttributes, checkName, optionalBoolean, optionalString, sameAttributes } from "./validation";

/**
 * Static thing groups: the rules and state changes (thing-groups.ts parses and renders).
 * Rules enforced (developer guide, "Static thing groups"): a group has at most one parent,
 * set only at creation; hierarchies are at most 7 deep and a group has at most 100 direct
 * children; a thing belongs to at most 10 groups and never to two groups of the same
 * hierarchy (same root group). Groups and members are listed in ascending name order.
 */

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

export interface ThingGroupInput {
  name: string;
  parentName?: string;
  description?: string;
  attributes: Record<string, string>;
  tags?: unknown[];
}

/** CreateThingGroup: the same configuration again returns the existing group. */
export function createThingGroup(state: IotState, input: ThingGroupInput): ThingGroupRecord {
  const { name, parentName, description, attributes } = input;
  const existing = state.groups.get(name);
  if (existing) {
    if (existing.parentName === parentName && existing.description === description && sameAttributes(existing.attributes, attributes)) return existing;
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
  if (input.tags) group.tags = input.tags;
  state.putGroup(group);
  return group;
}

export function updateThingGroup(state: IotState, name: string, props: Record<string, unknown>, expectedVersion: number | undefined): ThingGroupRecord {
  const g = state.requireGroup(name);
  if (g.dynamic) throw dynamicUnsupported(state, name);
  checkVersion(g, expectedVersion);
  const next = withGroupProperties(g, props);
  state.putGroup(next);
  return next;
}

export function deleteThingGroup(state: IotState, name: string, expectedVersion: number | undefined): void {
  const g = state.groups.get(name);
  // DeleteThingGroup models no ResourceNotFoundException: deleting a missing group succeeds.
  if (!g) return;
  // Dynamic groups are deleted with DeleteDynamicThingGroup (AWS answers this exact message).
  if (g.dynamic) throw dynamicUnsupported(state, name);
  checkVersion(g, expectedVersion);
  if (state.children.get(name)?.size) throw invalid(`Cannot delete thing group : ${name} when there are still child groups attached to it`);
  for (const thingName of [...state.membersOf(name).view()]) {
    const t = state.things.get(thingName);
    if (!t?.groups) continue;
    t.groups = t.groups.filter((x) => x !== name);
    if (t.groups.length === 0) delete t.groups;
    state.saveThing(t);
    state.membershipChanged(t.name);
  }
  state.detachAllPolicies(state.groupArn(name));
  state.removeGroup(g);
}

export interface ListThingGroupsInput {
  parent?: string;
  prefix?: string;
  recursive?: boolean;
  after?: string;
  limit: number;
}

/**
 * ListThingGroups. The API reference says only "If true, return child groups as well"
 * (`recursive` has no default in the model: RecursiveWithoutDefault). moto's
 * test_iot_thing_groups (written against AWS) pins the rest: unset means recursive;
 * without parentGroup, recursive=false lists only root groups; with parentGroup, unset or
 * true lists every descendant and false only direct children; namePrefixFilter narrows
 * whichever set that is; an unknown parentGroup is ResourceNotFoundException.
 */
export function listThingGroups(state: IotState, input: ListThingGroupsInput): Page<string> {
  const { parent, prefix, after, limit } = input;
  const recursive = input.recursive ?? true;
  const keep = (n: string) => (!prefix || n.startsWith(prefix)) && (recursive || parent !== undefined || !state.groups.get(n)?.parentName);
  if (parent === undefined) return pageOfSorted(state.groupNames.view(), after, limit, keep);
  state.requireGroup(parent);
  const names = recursive ? state.subtree(parent).filter((n) => n !== parent) : [...(state.children.get(parent) ?? [])];
  return pageOfSorted(names.sort(), after, limit, keep);
}

/** ListThingsInThingGroup, optionally over the whole subtree. */
export function listThingsInThingGroup(state: IotState, name: string, recursive: boolean, after: string | undefined, limit: number): Page<string> {
  state.requireGroup(name);
  const groups = recursive ? state.subtree(name) : [name];
  // Take one page from each group of the subtree and merge; memberships of one
  // hierarchy are disjoint, so nothing repeats.
  const merged = groups.flatMap((g) => pageOfSorted(state.membersOf(g).view(), after, limit + 1).items);
  const sorted = [...new Set(merged)].sort();
  const items = sorted.slice(0, limit);
  return sorted.length > limit ? { items, nextKey: items[items.length - 1] } : { items };
}

export function addThingToThingGroup(state: IotState, g: ThingGroupRecord, t: ThingRecord, overrideDynamicGroups: boolean): void {
  if (g.dynamic) throw dynamicUnsupported(state, g.name);
  if (!t.groups?.includes(g.name)) setGroups(state, t, [...(t.groups ?? []), g.name], overrideDynamicGroups);
}

export function removeThingFromThingGroup(state: IotState, g: ThingGroupRecord, t: ThingRecord): void {
  if (g.dynamic) throw dynamicUnsupported(state, g.name);
  if (t.groups?.includes(g.name))
    setGroups(
      state,
      t,
      t.groups.filter((x) => x !== g.name),
    );
}

export function updateThingGroupsForThing(state: IotState, thingName: string, add: string[], remove: string[], overrideDynamicGroups: boolean): void {
  const t = state.requireThing(thingName);
  const staticGroup = (n: string) => {
    const g = state.requireGroup(n);
    if (g.dynamic) throw dynamicUnsupported(state, g.name);
    return g.name;
  };
  const toAdd = add.map(staticGroup);
  const toRemove = new Set(remove.map(staticGroup));
  const result = (t.groups ?? []).filter((g) => !toRemove.has(g));
  for (const g of toAdd) if (!result.includes(g)) result.push(g);
  setGroups(state, t, result, overrideDynamicGroups);
}

function checkVersion(g: ThingGroupRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== g.version) {
    throw new AwsError("VersionConflictException", `The version for thing group ${g.name} does not match the expected version.`);
  }
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
    throw invalid(
      `Thing ${t.name} cannot be added to more than ${MAX_GROUPS_PER_THING} thing groups (it is in ${dynamicCount} dynamic thing group(s); set overrideDynamicGroups to take a slot from a dynamic group)`,
    );
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
  state.membershipChanged(t.name);
}

function dynamicUnsupported(state: IotState, name: string): AwsError {
  return invalid(`This operation does not support dynamic thing groups. Thing group arn: ${state.groupArn(name)}`);
}

export function resolveGroup(state: IotState, name: unknown, groupArn: unknown): ThingGroupRecord {
  if (name !== undefined && name !== null) return state.requireGroup(checkName(name, "thingGroupName"));
  if (typeof groupArn === "string" && groupArn) {
    const fromArn = state.groupNameFromArn(groupArn);
    const g = fromArn ? state.groups.get(fromArn) : undefined;
    if (!g) throw notFound(`Thing Group ${groupArn} does not exist`);
    return g;
  }
  throw invalid("Either thingGroupName or thingGroupArn must be specified");
}

export function resolveThing(state: IotState, name: unknown, thingArn: unknown): ThingRecord {
  if (name !== undefined && name !== null) return state.requireThing(checkName(name, "thingName"));
  if (typeof thingArn === "string" && thingArn) {
    const fromArn = state.thingNameFromArn(thingArn);
    const t = fromArn ? state.things.get(fromArn) : undefined;
    if (!t) throw notFound(`Thing ${thingArn} cannot be found.`);
    return t;
  }
  throw invalid("Either thingName or thingArn must be specified");
}
